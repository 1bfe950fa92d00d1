import { z } from "zod";
import * as S from "./schemas";

type Op = { method: "get" | "post" | "patch" | "delete"; path: string; summary: string; auth: string[]; body?: z.ZodType; ok: [number, z.ZodType] };

// One line per endpoint; request and response schemas are the ones the handlers use.
export const operations: Op[] = [
  { method: "get", path: "/api/v1/health", summary: "Database and queue status", auth: [], ok: [200, S.Health] },
  { method: "get", path: "/api/v1/events", summary: "List events", auth: ["manager"], ok: [200, S.EventList] },
  { method: "post", path: "/api/v1/events", summary: "Create an event", auth: ["manager"], body: S.EventCreate, ok: [201, S.Event] },
  { method: "patch", path: "/api/v1/events/{id}", summary: "Change an event", auth: ["manager"], body: S.EventPatch, ok: [200, S.Event] },
];

const schema = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const errors = Object.fromEntries(
      ["400", "401", "403", "404", "409", "413", "422", "423", "429"].map((code) => [code, { $ref: "#/components/responses/Error" }]),
    );
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.auth.length ? { security: [{ bearer: [] }], description: `Token roles: ${op.auth.join(", ")}.` } : { security: [] }),
      ...(op.path.includes("{id}") ? { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }] } : {}),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(op.body, "input") } } } } : {}),
      responses: { [String(op.ok[0])]: { description: "OK", content: { "application/json": { schema: schema(op.ok[1], "output") } } }, ...errors },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Expo Desk API", version: "1", description: "JSON, camelCase fields, `Authorization: Bearer <token>`. Errors: `{ error: { code, message, fields? } }`." },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: { Error: { description: "Error", content: { "application/json": { schema: schema(S.ErrorEnvelope, "output") } } } },
    },
    paths,
  };
}
