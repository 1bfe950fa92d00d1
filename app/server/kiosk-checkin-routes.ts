import type express from "express";
import type { z } from "zod";
import { MAX_BODY_BYTES, parseBody } from "../api/http.server";
import { CheckInBatchInput, CheckInInput } from "../api/schemas/kiosk";
import { checkIn, checkInBatch } from "../services/kiosk/checkin.server";
import { kioskForActor } from "../services/kiosk/context.server";
import { actorFromBearer } from "../utils/api-tokens.server";
import { HttpError } from "../utils/errors.server";
import { logger } from "../utils/logger.server";
import { drain, sendTooLarge } from "./remix-handler";

// The kiosk's scan endpoints as plain Express handlers, ahead of Remix: the busiest requests of
// the door hour skip Remix's router and the Fetch Request/Response copies (profile in
// docs/performance.md). Same services, same answers and errors as the Remix resource routes
// (app/routes/api.v1.kiosk.checkins*.ts), which still serve every other method.

type Handler = (req: express.Request, readBody: <T extends z.ZodType>(schema: T) => Promise<z.infer<T>>) => Promise<unknown>;

function send(res: express.Response, status: number, data: unknown) {
  const body = JSON.stringify(data);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/** The body as text, at most MAX_BODY_BYTES (past it: an HttpError 413). */
function readText(req: express.Request): Promise<string> {
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

function route(handler: Handler): express.RequestHandler {
  return async (req, res) => {
    if (Number(req.get("content-length") ?? "0") > MAX_BODY_BYTES) return sendTooLarge(req, res, MAX_BODY_BYTES);
    try {
      const data = await handler(req, async (schema) => parseBody(await readText(req), schema, { badText: "clean" }));
      send(res, 200, data);
    } catch (err) {
      if (err instanceof HttpError && err.status === 413) return sendTooLarge(req, res, MAX_BODY_BYTES);
      // Refused before the body was read (401, 403): drop the rest, keep the connection.
      if (!req.complete) drain(req);
      if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } });
      logger().error({ err, url: req.originalUrl }, "API handler failed");
      send(res, 500, { error: { code: "internal_error", message: "Internal server error." } });
    }
  };
}

async function kioskOf(req: express.Request) {
  const actor = await actorFromBearer(req.get("authorization") ?? null);
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  return kioskForActor(actor);
}

/** POST /api/v1/kiosk/checkins and /checkins/batch. */
export function kioskCheckinRoutes(app: express.Express): void {
  app.post(
    "/api/v1/kiosk/checkins",
    route(async (req, body) => {
      const kiosk = await kioskOf(req);
      return checkIn(kiosk, await body(CheckInInput));
    }),
  );
  app.post(
    "/api/v1/kiosk/checkins/batch",
    route(async (req, body) => {
      const kiosk = await kioskOf(req);
      const { items } = await body(CheckInBatchInput);
      return { results: await checkInBatch(kiosk, items) };
    }),
  );
}
