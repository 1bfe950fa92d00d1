// Contract fuzzing from the OpenAPI document (issue #11): for every operation in
// /api/v1/openapi.json, property-based requests with bad bodies, ids and query strings (wrong
// types, nulls, NUL, lone surrogates, huge strings, unicode, extra fields), sent with tokens of
// every kind. The invariant: never a 5xx, and every 4xx carries the error envelope.
// Fixed seed (FUZZ_SEED to explore others; FUZZ_RUNS for more runs per operation).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createKiosk, createPrinter, register, setup, stopCtx, type Ctx } from "../checkin/helpers";
import { bodyFor, encodeQueryValue, ids, queryValue, segment, tokenFor, tokens, type Operation } from "./fuzz-values";

const SEED = Number(process.env.FUZZ_SEED ?? 20261111);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

let ctx: Ctx;
let doc: { paths: Record<string, Record<string, Omit<Operation, "method" | "path">>> };

function operations(): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, o]) => ({ ...o, method: method.toUpperCase(), path })),
  );
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  ctx = await setup();
  const { createApiToken, prisma } = ctx.db;
  tokens.manager = ctx.managerToken;
  tokens.site = (await createApiToken({ role: "site", name: "fuzz site" })).token;
  const ex = await ctx.call(`/api/v1/events/${ctx.eventId}/exhibitors`, "POST", ctx.managerToken, {
    company: { name: "Фазз" },
    stand: "F1",
    staffQuota: 1000,
  });
  expect(ex.status, JSON.stringify(ex.body)).toBe(201);
  tokens.exhibitor = (await createApiToken({ role: "exhibitor", name: "fuzz exhibitor", exhibitorId: ex.body.id })).token;
  const staff = await ctx.call(`/api/v1/exhibitors/${ex.body.id}/staff`, "POST", ctx.managerToken, {
    lastName: "Петров",
    firstName: "Иван",
    email: "fuzz-staff@example.com",
  });
  expect(staff.status, JSON.stringify(staff.body)).toBe(201);
  const printer = await createPrinter(ctx, "browser", "browser");
  const kiosk = await createKiosk(ctx, { printerId: printer.id });
  tokens.kiosk = kiosk.token;
  const regs = await Promise.all([
    register(ctx, {}),
    register(ctx, { category: "media", status: "pending_approval" }),
    register(ctx, { status: "cancelled" }),
  ]);
  const printed = await ctx.call("/api/v1/kiosk/checkins", "POST", kiosk.token, {
    clientId: crypto.randomUUID(),
    code: regs[0].code,
    print: true,
  });
  expect(printed.status, JSON.stringify(printed.body)).toBe(200);
  const jobs = await prisma().printJob.findMany({ select: { id: true } });
  ids.event = [ctx.eventId];
  ids.exhibitors = [ex.body.id];
  ids.staff = [staff.body.id];
  ids.registrations = regs.map((r) => r.id);
  ids["print-jobs"] = jobs.map((j) => j.id);
  ids.printer = [printer.id];
  ids.codes = regs.map((r) => r.code);
  ids.any = [ctx.eventId, ex.body.id, staff.body.id, printer.id, ...ids.registrations, ...ids["print-jobs"]];
  const r = await ctx.call("/api/v1/openapi.json");
  expect(r.status).toBe(200);
  doc = r.body;
}, 180_000);

afterAll(() => stopCtx(ctx));

type Sent = { method: string; url: string; token?: string; body?: string | Buffer };

function describeRequest(req: Sent): string {
  const body =
    req.body === undefined
      ? "(none)"
      : typeof req.body === "string"
        ? JSON.stringify(req.body.length > 500 ? req.body.slice(0, 500) + `… (${req.body.length} chars)` : req.body)
        : `<${req.body.length} bytes>`;
  const token =
    req.token === undefined
      ? "none"
      : (Object.entries(tokens).find(([, t]) => t === req.token)?.[0] ?? JSON.stringify(req.token.slice(0, 40)));
  return `${req.method} ${req.url.length > 300 ? req.url.slice(0, 300) + "…" : req.url}\n  token: ${token}\n  body: ${body}`;
}

async function send(req: Sent): Promise<void> {
  const res = await fetch(ctx.app.url + req.url, {
    method: req.method,
    headers: { "content-type": "application/json", ...(req.token !== undefined ? { authorization: `Bearer ${req.token}` } : {}) },
    body: typeof req.body === "string" || req.body === undefined ? req.body : new Uint8Array(req.body),
    signal: AbortSignal.timeout(30_000),
  });
  const raw = await res.text();
  const fail = (why: string) => new Error(`${why}: ${res.status}\n${describeRequest(req)}\n  answer: ${raw.slice(0, 500)}`);
  if (res.status >= 500 && !(res.status === 503 && req.url === "/api/v1/health")) throw fail("a 5xx");
  if (res.status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } } | null = null;
    try {
      body = JSON.parse(raw);
    } catch {
      throw fail("a 4xx without the JSON envelope");
    }
    if (typeof body?.error?.code !== "string" || typeof body.error.message !== "string") throw fail("a 4xx without the envelope");
  }
}

describe("contract fuzzing from the OpenAPI document", () => {
  test("the document lists the operations", () => {
    expect(operations().length).toBeGreaterThan(30);
  });

  test("every operation: hostile ids, query strings and bodies never get a 5xx; 4xx come in the envelope", async () => {
    const ops = operations();
    const tried: string[] = [];
    const failures: string[] = [];
    for (const op of ops) {
      const pathParams = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      const queryParams = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      const request = fc.record({
        segments: fc.tuple(...pathParams.map((p) => segment(p, op.path))),
        query: fc.tuple(...queryParams.map((q) => fc.option(queryValue(q), { freq: 3 }))),
        rawQuery: fc.boolean(),
        body: bodyFor(op),
        token: tokenFor(op),
      });
      const found = await fc.check(
        fc.asyncProperty(request, async (r) => {
          let url = op.path;
          pathParams.forEach((p, i) => (url = url.replace(`{${p}}`, r.segments[i])));
          const qs = queryParams.flatMap((q, i) =>
            r.query[i] === null
              ? []
              : [`${q}=${r.rawQuery ? encodeQueryValue(r.query[i]!) : encodeURIComponent(r.query[i]!.replace(/[\ud800-\udfff]/g, "x"))}`],
          );
          if (qs.length) url += `?${qs.join("&")}`;
          let token = r.token;
          // Unpairing revokes the token it is called with: give it one of its own.
          if (op.method === "DELETE" && op.path === "/api/v1/kiosk/pair" && token === tokens.kiosk) {
            token = (
              await ctx.db.createApiToken({
                role: "kiosk",
                name: "fuzz unpair",
                kioskId: (await ctx.db.prisma().kiosk.findFirstOrThrow()).id,
                eventId: ctx.eventId,
              })
            ).token;
          }
          await send({ method: op.method, url, token, body: op.method === "GET" ? undefined : r.body });
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      // Every operation is tried even after a failure: the report lists each failing request.
      if (found.failed)
        failures.push(
          `${op.method} ${op.path} (seed ${SEED}, path ${found.counterexamplePath}):\n${(found.errorInstance as Error | undefined)?.message ?? String(found.errorInstance)}`,
        );
      tried.push(`${op.method} ${op.path}`);
    }
    expect(tried.length).toBe(ops.length);
    expect(failures.join("\n\n")).toBe("");
  }, 600_000);
});
