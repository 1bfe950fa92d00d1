import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { actorFromBearer } from "~/utils/api-tokens.server";
import { HttpError } from "~/utils/errors.server";
import { cleanText, hasBadText, isUuid } from "~/utils/ids";
import type { Actor } from "~/utils/permissions.server";
import { logger } from "~/utils/logger.server";

// The integration API's plumbing: bearer auth, JSON bodies with a size limit, zod validation
// and one error envelope `{ error: { code, message, fields? } }` for every failure.

export const MAX_BODY_BYTES = 1024 * 1024;

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

export function errorResponse(status: number, code: string, message: string, fields?: Record<string, string>): Response {
  // After a refused oversized body the rest of it is unread: close rather than reuse the connection
  // (behind app/server/remix-handler.ts, which drains the rest instead, so the client reads the 413).
  const headers = status === 413 ? { connection: "close" } : undefined;
  return json({ error: { code, message, ...(fields ? { fields } : {}) } }, status, headers);
}

export function fieldsFromZod(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

export const BAD_TEXT_MESSAGE = "Must not contain NUL or unpaired surrogate characters";

/**
 * Every string in a JSON body (keys too) without NUL and unpaired surrogates: "refuse" lists the
 * offending paths (422), "clean" replaces them with U+FFFD (kiosk scans: garbage is invalid_code).
 */
export function checkText(data: unknown, mode: "refuse" | "clean", path: string[] = [], bad: Record<string, string> = {}): unknown {
  const at = (key: string) => [...path, key].join(".") || "_";
  if (typeof data === "string") {
    if (!hasBadText(data)) return data;
    if (mode === "clean") return cleanText(data);
    bad[path.join(".") || "_"] ??= BAD_TEXT_MESSAGE;
    return data;
  }
  if (Array.isArray(data)) return data.map((v, i) => checkText(v, mode, [...path, String(i)], bad));
  if (data && typeof data === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      let key = k;
      if (hasBadText(k)) {
        if (mode === "clean") key = cleanText(k);
        else bad[at(cleanText(k))] ??= BAD_TEXT_MESSAGE;
      }
      out[key] = checkText(v, mode, [...path, key], bad);
    }
    return out;
  }
  return data;
}

async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new HttpError(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON body's text, validated: 400 if not JSON, 422 with the fields (text checked as in ApiContext.body). */
export function parseBody<T extends z.ZodType>(text: string, schema: T, opts?: { badText?: "refuse" | "clean" }): z.infer<T> {
  let data: unknown;
  try {
    data = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
  }
  const bad: Record<string, string> = {};
  data = checkText(data, opts?.badText ?? "refuse", [], bad);
  if (Object.keys(bad).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", bad);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fieldsFromZod(parsed.error));
  return parsed.data;
}

export type ApiContext = {
  request: Request;
  params: Record<string, string | undefined>;
  actor: Actor | null;
  /**
   * Parses and validates the JSON body; throws 400 or 422 in the envelope. Text with NUL or
   * unpaired surrogates is refused (422), or with badText "clean" replaced by U+FFFD.
   */
  body<T extends z.ZodType>(schema: T, opts?: { badText?: "refuse" | "clean" }): Promise<z.infer<T>>;
  requireActor(): Actor;
};

type Handler = (ctx: ApiContext) => Promise<Response>;
export type Methods = Partial<Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE", Handler>>;

/** Runs a Remix resource route's loader or action with the handler for the request's method. */
export async function handleApi({ request, params }: LoaderFunctionArgs | ActionFunctionArgs, methods: Methods): Promise<Response> {
  {
    try {
      const handler = methods[request.method as keyof Methods];
      if (!handler) return errorResponse(405, "method_not_allowed", `${request.method} is not allowed here.`);
      // Every path parameter of the API is an id: anything but a UUID names nothing.
      for (const [name, value] of Object.entries(params))
        if (name !== "*" && !isUuid(value)) return errorResponse(404, "not_found", "Not found.");
      const actor = await actorFromBearer(request.headers.get("authorization"));
      const ctx: ApiContext = {
        request,
        params,
        actor,
        async body(schema, opts) {
          return parseBody(await readBody(request), schema, opts);
        },
        requireActor() {
          if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
          return actor;
        },
      };
      return await handler(ctx);
    } catch (err) {
      if (err instanceof HttpError) return errorResponse(err.status, err.code, err.message, err.fields);
      logger().error({ err, url: request.url }, "API handler failed");
      return errorResponse(500, "internal_error", "Internal server error.");
    }
  }
}
