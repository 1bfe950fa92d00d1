import { beforeAll, describe, expect, test } from "vitest";
import { appPerFile, cliManagerToken, runAdmin } from "../setup/app";

const app = appPerFile({ seed: false });
let manager: string;

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(app.url + path, {
    ...init,
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) },
  });

beforeAll(async () => {
  manager = await cliManagerToken(app);
});

const event = { name: "Иннопром", venue: "Екатеринбург-ЭКСПО", timezone: "Asia/Yekaterinburg", startsAt: "2027-07-07T10:00:00+05:00", endsAt: "2027-07-10T17:00:00+05:00", editDeadline: "2027-07-01T18:00:00+05:00" };

describe("events API", () => {
  test("a manager token creates, lists and patches events", async () => {
    const created = await call("/api/v1/events", { method: "POST", token: manager, body: JSON.stringify(event) });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ name: "Иннопром", timezone: "Asia/Yekaterinburg", startsAt: "2027-07-07T05:00:00.000Z", editDeadline: "2027-07-01T13:00:00.000Z" });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);

    const list = await (await call("/api/v1/events", { token: manager })).json();
    expect(list.events.map((e: { id: string }) => e.id)).toContain(body.id);

    const patched = await call(`/api/v1/events/${body.id}`, { method: "PATCH", token: manager, body: JSON.stringify({ venue: "МВЦ", editDeadline: null }) });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: body.id, venue: "МВЦ", editDeadline: null, name: "Иннопром" });
  });

  test("no token and a wrong token get 401 in the envelope", async () => {
    for (const token of [undefined, "exd_wrong"]) {
      const r = await call("/api/v1/events", { token });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  test("a revoked token stops working", async () => {
    const r = await runAdmin(["create-token", "--role", "manager"], { DATABASE_URL: app.databaseUrl });
    const token = r.stdout.trim();
    expect((await call("/api/v1/events", { token })).status).toBe(200);
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: app.databaseUrl });
    await client.connect();
    await client.query(`UPDATE "ApiToken" SET "revokedAt" = now() WHERE prefix = $1`, [token.slice(0, 10)]);
    await client.end();
    expect((await call("/api/v1/events", { token })).status).toBe(401);
  });

  test("a site token may not manage events (403)", async () => {
    const site = (await runAdmin(["create-token", "--role", "site"], { DATABASE_URL: app.databaseUrl })).stdout.trim();
    const r = await call("/api/v1/events", { token: site });
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe("forbidden");
  });

  test("bad input: wrong types 422 with fields, malformed JSON 400, oversized 413, unknown id 404", async () => {
    const bad = await call("/api/v1/events", { method: "POST", token: manager, body: JSON.stringify({ ...event, timezone: "Moscow", startsAt: 5, name: "" }) });
    expect(bad.status).toBe(422);
    const { error } = await bad.json();
    expect(error.code).toBe("validation_failed");
    expect(Object.keys(error.fields).sort()).toEqual(["name", "startsAt", "timezone"]);

    const order = await call("/api/v1/events", { method: "POST", token: manager, body: JSON.stringify({ ...event, endsAt: "2027-07-01T10:00:00+05:00" }) });
    expect(order.status).toBe(422);
    expect((await order.json()).error.fields.endsAt).toBeTruthy();

    const malformed = await call("/api/v1/events", { method: "POST", token: manager, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("invalid_json");

    const huge = await call("/api/v1/events", { method: "POST", token: manager, body: JSON.stringify({ ...event, name: "x".repeat(1_100_000) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");

    const missing = await call("/api/v1/events/00000000-0000-4000-8000-000000000000", { method: "PATCH", token: manager, body: "{}" });
    expect(missing.status).toBe(404);
    const notUuid = await call("/api/v1/events/abc", { method: "PATCH", token: manager, body: "{}" });
    expect(notUuid.status).toBe(404);
    const unknown = await call("/api/v1/nothing-here", { token: manager });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
  });

  test("health endpoints report database and queue", async () => {
    for (const path of ["/healthz", "/api/v1/health"]) {
      const r = await fetch(app.url + path);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: "ok", database: { ok: true }, queue: { ok: true, pending: expect.any(Number) } });
    }
  });

  test("the OpenAPI document describes the endpoints from the same schemas", async () => {
    const doc = await (await fetch(app.url + "/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const post = doc.paths["/api/v1/events"].post;
    expect(post.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["name", "venue", "timezone", "startsAt", "endsAt"]));
    expect(doc.paths["/api/v1/events/{id}"].patch).toBeTruthy();
    expect(doc.paths["/api/v1/health"].get).toBeTruthy();
  });

  test("a cross-site form post is refused; a same-origin one is not", async () => {
    const cross = await fetch(app.url + "/login", { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "email=a%40b.c&password=x", redirect: "manual" });
    expect(cross.status).toBe(403);
    const same = await fetch(app.url + "/login", { method: "POST", headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" }, body: "email=a%40b.c&password=x", redirect: "manual" });
    expect(same.status).toBe(200);
  });
});
