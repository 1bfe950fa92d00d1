import { createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import type express from "express";
import type { IncomingMessage } from "node:http";
import { localeFromRequest, translate } from "../i18n";
import { env } from "../utils/env.server";
import { HttpError } from "../utils/errors.server";

// Remix behind Express with a byte limit on every request body (issue #11): a declared
// Content-Length past the limit is refused before reading, a chunked body is counted as it
// arrives. Past the limit the route sees an HttpError 413 from its body stream and the answer is
// a 413: the JSON envelope under /api, a translated page elsewhere. The rest of the body is read
// and dropped (up to DRAIN_BYTES) so the client gets the answer instead of a connection reset.

const KB = 1024;
const MB = 1024 * KB;
const SMALL_FORM = 64 * KB;
const PAGE_FORM = 256 * KB;
const MULTIPART_OVERHEAD = 256 * KB;
// The routes' own limits (not imported: this module runs outside the Remix build).
const MAX_BODY_BYTES = 1 * MB; // app/api/http.server.ts
const MAX_LOGO_BYTES = 1 * MB; // app/services/exhibitors/logo.server.ts
const MAX_PROOF_BYTES = 5 * MB; // app/services/registrations/registrations.server.ts
const MAX_IMPORT_BYTES = 10 * MB; // app/routes/cabinet.import.tsx
/** How much of a refused body is still read (and dropped, never kept) so the client can read the 413, and for how long. */
const DRAIN_BYTES = 1024 * MB;
const DRAIN_MS = 30_000;

/** The body limit for a path: the API's JSON limit, uploads by their own limit, small forms. */
export function bodyLimit(path: string): number {
  if (path.startsWith("/api/")) return MAX_BODY_BYTES;
  if (path === "/cabinet/import" || path === "/cabinet/import/") return MAX_IMPORT_BYTES + MULTIPART_OVERHEAD;
  if (path === "/manage/audience" || path === "/manage/audience/") return MAX_IMPORT_BYTES + MULTIPART_OVERHEAD; // contact lists (issue #14)
  if (path === "/cabinet" || path === "/cabinet/") return MAX_LOGO_BYTES + MULTIPART_OVERHEAD;
  if (/^\/e\/[^/]+\/register\/?$/.test(path)) return MAX_PROOF_BYTES + MULTIPART_OVERHEAD;
  if (path.startsWith("/manage") || path.startsWith("/cabinet")) return PAGE_FORM;
  // login, set-password, lang, logout, the public stand booking form and anything else
  return SMALL_FORM;
}

const human = (bytes: number) => (bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.round(bytes / KB)} KB`);

function tooLargeError(limit: number) {
  return new HttpError(413, "payload_too_large", `The body is larger than ${limit} bytes.`);
}

/** Reads and drops what is left of a refused body, then closes the connection. */
export function drain(req: IncomingMessage) {
  if (req.complete) return;
  let dropped = 0;
  req.removeAllListeners("data");
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS).unref();
  req.once("end", () => clearTimeout(timer));
  req.socket.once("close", () => clearTimeout(timer));
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) req.socket.destroy();
  });
  req.on("error", () => {});
  req.resume();
}

function decodablePath(path: string): boolean {
  try {
    decodeURI(path);
    for (const part of path.split("/")) decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

function sendNotFound(req: express.Request, res: express.Response) {
  if (req.path.startsWith("/api/")) {
    res
      .status(404)
      .type("application/json; charset=utf-8")
      .send(JSON.stringify({ error: { code: "not_found", message: "Not found." } }));
    return;
  }
  const locale = localeFromRequest(
    new Request("http://x", { headers: { cookie: req.get("cookie") ?? "", "accept-language": req.get("accept-language") ?? "" } }),
  );
  res.status(404).type("text/plain; charset=utf-8").send(translate(locale, "error.notFound"));
}

export function sendTooLarge(req: express.Request, res: express.Response, limit: number) {
  if (res.headersSent) return res.end();
  // No "Connection: close": Node would destroy the socket once the answer is written, while the
  // client is still sending, and the client would see a reset instead of the 413.
  drain(req);
  if (req.path.startsWith("/api/")) {
    res
      .status(413)
      .type("application/json; charset=utf-8")
      .send(JSON.stringify({ error: { code: "payload_too_large", message: `The body is larger than ${limit} bytes.` } }));
    return;
  }
  const locale = localeFromRequest(
    new Request("http://x", { headers: { cookie: req.get("cookie") ?? "", "accept-language": req.get("accept-language") ?? "" } }),
  );
  const title = translate(locale, "error.title");
  const message = translate(locale, "error.tooLarge", { limit: human(limit) });
  res
    .status(413)
    .type("text/html; charset=utf-8")
    .send(
      `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>` +
        `<body><main style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem"><h1>${title}</h1><p>${message}</p><p><a href="javascript:history.back()">←</a></p></main></body></html>`,
    );
}

/** The request body as a web stream that errors with a 413 HttpError past `limit` bytes (never destroys the socket). */
function limitedBody(req: express.Request, limit: number, state: { over: boolean }): ReadableStream<Uint8Array> {
  let size = 0;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          if (finished) return;
          size += chunk.length;
          if (size > limit) {
            finished = true;
            state.over = true;
            controller.error(tooLargeError(limit));
            drain(req);
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        req.once("error", (err) => {
          if (finished) return;
          finished = true;
          controller.error(err);
        });
      },
      pull() {
        if (!finished) req.resume();
      },
      cancel() {
        // The route stopped reading (e.g. its own, smaller limit): drop the rest, keep the socket.
        finished = true;
        drain(req);
      },
    },
    { highWaterMark: 64 * KB, size: (chunk) => chunk.byteLength },
  );
}

// As @remix-run/express does it (its helpers are not in its type declarations).
function remixHeaders(requestHeaders: express.Request["headers"]): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(res: express.Response, response: Response, keepOpen: boolean) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) if (!(keepOpen && key === "connection")) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

function remixRequest(req: express.Request, res: express.Response, body: ReadableStream<Uint8Array> | undefined): Request {
  // As @remix-run/express: the port from X-Forwarded-Host, else from Host.
  const [, forwardedPort] = req.get("x-forwarded-host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [Number.parseInt(forwardedPort, 10), Number.parseInt(hostPort, 10)].find((p) => Number.isSafeInteger(p));
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url.href, {
    method: req.method,
    headers: remixHeaders(req.headers),
    signal: controller.signal,
    ...(body ? { body, duplex: "half" } : {}),
  } as RequestInit);
}

export function remixHandler(build: ServerBuild, getLoadContext: (req: express.Request) => { ip: string }): express.RequestHandler {
  const handle = createRequestHandler(build, env().NODE_ENV);
  return async (req, res, next) => {
    try {
      // A path that is not valid percent-encoded UTF-8 names nothing (decoding it would throw).
      if (!decodablePath(req.path)) return sendNotFound(req, res);
      const limit = bodyLimit(req.path);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      if (hasBody && Number(req.get("content-length") ?? "0") > limit) return sendTooLarge(req, res, limit);
      const state = { over: false };
      let request: Request;
      try {
        request = remixRequest(req, res, hasBody ? limitedBody(req, limit, state) : undefined);
      } catch {
        // A Host header no URL can be made of.
        drain(req);
        return res.status(400).type("text/plain; charset=utf-8").send("Bad request");
      }
      const response = await handle(request, getLoadContext(req));
      if (state.over) {
        // Whatever the route made of a body that broke off: the answer is the 413.
        await response.body?.cancel().catch(() => {});
        return sendTooLarge(req, res, limit);
      }
      // A route that refused its body unread (its own, smaller limit): drop the rest, keep the socket.
      const unread = hasBody && !req.complete;
      if (unread) drain(req);
      await sendRemixResponse(res, response, unread);
    } catch (err) {
      next(err);
    }
  };
}
