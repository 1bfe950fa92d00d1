import { z } from "zod";
import * as S from "./schemas";

type Op = { method: "get" | "post" | "patch" | "delete"; path: string; summary: string; auth: string[]; body?: z.ZodType; ok: [number, z.ZodType] };

// One line per endpoint; request and response schemas are the ones the handlers use.
export const operations: Op[] = [
  { method: "get", path: "/api/v1/health", summary: "Database and queue status", auth: [], ok: [200, S.Health] },
  { method: "get", path: "/api/v1/events", summary: "List events", auth: ["manager"], ok: [200, S.EventList] },
  { method: "post", path: "/api/v1/events", summary: "Create an event", auth: ["manager"], body: S.EventCreate, ok: [201, S.Event] },
  { method: "patch", path: "/api/v1/events/{id}", summary: "Change an event", auth: ["manager"], body: S.EventPatch, ok: [200, S.Event] },
  { method: "post", path: "/api/v1/events/{eventId}/exhibitors", summary: "Create an exhibitor (or sub-exhibitor)", auth: ["manager"], body: S.ExhibitorCreate, ok: [201, S.Exhibitor] },
  { method: "get", path: "/api/v1/exhibitors/{id}", summary: "An exhibitor with its company card", auth: ["manager", "exhibitor (own, or a sub-exhibitor of it)"], ok: [200, S.Exhibitor] },
  { method: "patch", path: "/api/v1/exhibitors/{id}", summary: "Edit the company card (stand, area, quota, deadline: managers only); 423 when closed", auth: ["manager", "exhibitor (own)"], body: S.ExhibitorPatch, ok: [200, S.Exhibitor] },
  { method: "get", path: "/api/v1/exhibitors/{id}/staff", summary: "Staff (badge holders)", auth: ["manager", "exhibitor (own, or a sub-exhibitor of it)"], ok: [200, z.object({ staff: z.array(S.Staff) })] },
  { method: "post", path: "/api/v1/exhibitors/{id}/staff", summary: "Add a staff member (409 quota_exceeded, 423 when closed)", auth: ["manager", "exhibitor (own)"], body: S.StaffCreate, ok: [201, S.Staff] },
  { method: "patch", path: "/api/v1/exhibitors/{id}/staff/{staffId}", summary: "Edit a staff member", auth: ["manager", "exhibitor (own)"], body: S.StaffPatch, ok: [200, S.Staff] },
  { method: "delete", path: "/api/v1/exhibitors/{id}/staff/{staffId}", summary: "Remove a staff member (cancels the registration)", auth: ["manager", "exhibitor (own)"], ok: [204, z.null()] },
  { method: "post", path: "/api/v1/exhibitors/{id}/lock", summary: "Lock a cabinet with a reason", auth: ["manager"], body: S.LockInput, ok: [200, S.Exhibitor] },
  { method: "post", path: "/api/v1/exhibitors/{id}/unlock", summary: "Unlock a cabinet", auth: ["manager"], ok: [200, S.Exhibitor] },
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
      parameters: [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", format: "uuid" } })),
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
