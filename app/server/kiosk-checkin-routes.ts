import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { MAX_BODY_BYTES, parseBody } from "../api/http.server";
import { CheckInBatchInput, CheckInInput } from "../api/schemas/kiosk";
import { checkIn, checkInBatch } from "../services/kiosk/checkin.server";
import { kioskForActor } from "../services/kiosk/context.server";
import { actorFromBearer } from "../utils/api-tokens.server";
import { HttpError } from "../utils/errors.server";
import { logger } from "../utils/logger.server";
import { drain } from "./remix-handler";

// The kiosk's scan endpoints as plain Node handlers, ahead of Express and Remix: the busiest
// requests of the door hour skip Remix's router and the Fetch Request/Response copies, and
// Express's middleware chain and per-request logger (profiles in docs/performance.md). Same
// services, same answers and errors as the Remix resource routes
// (app/routes/api.v1.kiosk.checkins*.ts), which still serve every other method and spelling.

type Handler = (req: IncomingMessage, readBody: <T extends z.ZodType>(schema: T) => Promise<z.infer<T>>) => Promise<unknown>;

function send(res: ServerResponse, status: number, data: unknown) {
  const body = JSON.stringify(data);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.setHeader("x-frame-options", "DENY"); // as app.ts sets on every answer outside /e/
  res.end(body);
}

function sendTooLarge(req: IncomingMessage, res: ServerResponse) {
  if (res.headersSent) return res.end();
  // No "Connection: close": the client is still sending; the rest is read and dropped (remix-handler.ts).
  drain(req);
  send(res, 413, { error: { code: "payload_too_large", message: `The body is larger than ${MAX_BODY_BYTES} bytes.` } });
}

/** The body as text, at most MAX_BODY_BYTES (past it: an HttpError 413). */
function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off("data", onData);
        reject(new HttpError(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function route(handler: Handler) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers["content-length"] ?? "0") > MAX_BODY_BYTES) return sendTooLarge(req, res);
    try {
      const data = await handler(req, async (schema) => parseBody(await readText(req), schema, { badText: "clean" }));
      send(res, 200, data);
    } catch (err) {
      if (err instanceof HttpError && err.status === 413) return sendTooLarge(req, res);
      // Refused before the body was read (401, 403): drop the rest, keep the connection.
      if (!req.complete) drain(req);
      if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } });
      logger().error({ err, url: req.url }, "API handler failed");
      send(res, 500, { error: { code: "internal_error", message: "Internal server error." } });
    }
  };
}

async function kioskOf(req: IncomingMessage) {
  const actor = await actorFromBearer(req.headers.authorization ?? null);
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  return kioskForActor(actor);
}

const routes = new Map([
  [
    "/api/v1/kiosk/checkins",
    route(async (req, body) => {
      const kiosk = await kioskOf(req);
      return checkIn(kiosk, await body(CheckInInput));
    }),
  ],
  [
    "/api/v1/kiosk/checkins/batch",
    route(async (req, body) => {
      const kiosk = await kioskOf(req);
      const { items } = await body(CheckInBatchInput);
      return { results: await checkInBatch(kiosk, items) };
    }),
  ],
]);

/**
 * Serves POST /api/v1/kiosk/checkins and /checkins/batch (exactly these paths, any query);
 * returns false for every other request, which then goes to Express.
 */
export function serveKioskScan(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const q = req.url.indexOf("?");
  const handler = routes.get(q < 0 ? req.url : req.url.slice(0, q));
  if (!handler) return false;
  handler(req, res).catch((err: unknown) => {
    logger().error({ err, url: req.url }, "kiosk scan: answer failed");
    if (!res.headersSent) send(res, 500, { error: { code: "internal_error", message: "Internal server error." } });
  });
  return true;
}
