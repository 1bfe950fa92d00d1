import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { waitFor } from "../setup/wait";

let app: RunningApp;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

async function call(path: string, method = "GET", token?: string, body?: unknown) {
  const r = await fetch(app.url + path, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function token(role: string, exhibitorId?: string): Promise<string> {
  process.env.DATABASE_URL = app.databaseUrl;
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  return (await createApiToken({ role: role as "manager", name: `test ${role}`, exhibitorId })).token;
}

const company = (name: string, inn?: string) => ({ name, ...(inn ? { inn } : {}), city: "Екатеринбург", phones: ["+73432000000"], emails: [`info@${name.toLowerCase()}.example`] });
const person = (n: number) => ({ lastName: `Фамилия${n}`, firstName: "Имя", email: `staff${n}@example.com`, phone: "8 (912) 000-" + String(n).padStart(4, "0") });

beforeAll(async () => {
  app = await startApp({ seed: false });
  tokens.manager = await token("manager");
  const ev = await call("/api/v1/events", "POST", tokens.manager, { name: "Иннопром", venue: "Екатеринбург-ЭКСПО", timezone: "Asia/Yekaterinburg", startsAt: "2030-07-07T10:00:00+05:00", endsAt: "2030-07-10T17:00:00+05:00", editDeadline: "2030-07-01T18:00:00+05:00" });
  ids.event = ev.body.id;
  const a = await call(`/api/v1/events/${ids.event}/exhibitors`, "POST", tokens.manager, { company: company("Alpha", "7707083893"), stand: "A1", staffQuota: 3 });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  ids.a = a.body.id;
  const sub = await call(`/api/v1/events/${ids.event}/exhibitors`, "POST", tokens.manager, { company: company("AlphaSub"), stand: "A1/2", staffQuota: 2, parentExhibitorId: ids.a });
  ids.sub = sub.body.id;
  const b = await call(`/api/v1/events/${ids.event}/exhibitors`, "POST", tokens.manager, { company: company("Beta"), stand: "B1", staffQuota: 5 });
  ids.b = b.body.id;
  tokens.a = await token("exhibitor", ids.a);
  tokens.sub = await token("exhibitor", ids.sub);
  tokens.b = await token("exhibitor", ids.b);
  tokens.site = await token("site");
  const staffB = await call(`/api/v1/exhibitors/${ids.b}/staff`, "POST", tokens.b, person(90));
  const staffSub = await call(`/api/v1/exhibitors/${ids.sub}/staff`, "POST", tokens.sub, person(91));
  expect([staffB.status, staffSub.status]).toEqual([201, 201]);
  ids.staffB = staffB.body.id;
  ids.staffSub = staffSub.body.id;
});
afterAll(() => app?.stop());

describe("exhibitor API", () => {
  test("create, read and edit the company card; INN checksum and URL validated", async () => {
    const r = await call(`/api/v1/exhibitors/${ids.a}`, "GET", tokens.a);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids.a, stand: "A1", staffQuota: 3, locked: false, editable: true, company: { name: "Alpha", inn: "7707083893" } });
    const ok = await call(`/api/v1/exhibitors/${ids.a}`, "PATCH", tokens.a, { company: { city: "Москва", website: "https://alpha.example" } });
    expect(ok.status).toBe(200);
    expect(ok.body.company).toMatchObject({ city: "Москва", website: "https://alpha.example", name: "Alpha" });
    const bad = await call(`/api/v1/exhibitors/${ids.a}`, "PATCH", tokens.a, { company: { inn: "7707083894", website: "not a url" } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["company.inn", "company.website"]);
    const quota = await call(`/api/v1/exhibitors/${ids.a}`, "PATCH", tokens.a, { staffQuota: 100 });
    expect(quota.status).toBe(403);
  });

  test("staff: add with phone normalised to E.164, list, edit, remove; bad fields are 422", async () => {
    const added = await call(`/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, person(1));
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ lastName: "Фамилия1", phone: "+79120000001", status: "confirmed" });
    expect(added.body.registrationId).toBe(added.body.id);
    const edited = await call(`/api/v1/exhibitors/${ids.a}/staff/${added.body.id}`, "PATCH", tokens.a, { position: "Инженер" });
    expect(edited.body.position).toBe("Инженер");
    const list = await call(`/api/v1/exhibitors/${ids.a}/staff`, "GET", tokens.a);
    expect(list.body.staff.map((s: { id: string }) => s.id)).toContain(added.body.id);
    const invalid = await call(`/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, { lastName: "", firstName: "X", email: "nope", phone: "12" });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual(["email", "lastName"]);
    const badPhone = await call(`/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, { ...person(2), phone: "12" });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error.fields.phone).toBeTruthy();
    const dup = await call(`/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, person(1));
    expect(dup.status).toBe(409);
    const removed = await call(`/api/v1/exhibitors/${ids.a}/staff/${added.body.id}`, "DELETE", tokens.a);
    expect(removed.status).toBe(204);
    const after = await call(`/api/v1/exhibitors/${ids.a}/staff`, "GET", tokens.a);
    expect(after.body.staff.map((s: { id: string }) => s.id)).not.toContain(added.body.id);
  });

  test("the quota is enforced on the server, sub-exhibitors count inside the parent's, even in parallel", async () => {
    // Alpha: quota 3, its sub-exhibitor already has 1 staff member, so Alpha can add 2 more.
    const results = await Promise.all([10, 11, 12, 13].map((n) => call(`/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, person(n))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe("quota_exceeded");
    const ex = await call(`/api/v1/exhibitors/${ids.a}`, "GET", tokens.a);
    expect(ex.body.staffUsed).toBe(3);
    const subFull = await call(`/api/v1/exhibitors/${ids.sub}/staff`, "POST", tokens.sub, person(14));
    expect(subFull.status).toBe(409);
    expect(subFull.body.error.message).toMatch(/parent/);
  });

  test("lock: every exhibitor write is refused with 423 cabinet_locked; managers can still edit; unlock restores", async () => {
    expect((await call(`/api/v1/exhibitors/${ids.b}/lock`, "POST", tokens.b, { reason: "x" })).status).toBe(403);
    const locked = await call(`/api/v1/exhibitors/${ids.b}/lock`, "POST", tokens.manager, { reason: "Проверка документов" });
    expect(locked.body).toMatchObject({ locked: true, lockReason: "Проверка документов", editable: false });
    const writes = [
      await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.b, { company: { city: "Пермь" } }),
      await call(`/api/v1/exhibitors/${ids.b}/staff`, "POST", tokens.b, person(20)),
      await call(`/api/v1/exhibitors/${ids.b}/staff/${ids.staffB}`, "PATCH", tokens.b, { position: "X" }),
      await call(`/api/v1/exhibitors/${ids.b}/staff/${ids.staffB}`, "DELETE", tokens.b),
    ];
    for (const w of writes) {
      expect(w.status).toBe(423);
      expect(w.body.error.code).toBe("cabinet_locked");
    }
    expect((await call(`/api/v1/exhibitors/${ids.b}/staff`, "GET", tokens.b)).status).toBe(200);
    expect((await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.manager, { company: { city: "Пермь" } })).status).toBe(200);
    const unlocked = await call(`/api/v1/exhibitors/${ids.b}/unlock`, "POST", tokens.manager);
    expect(unlocked.body.locked).toBe(false);
    expect((await call(`/api/v1/exhibitors/${ids.b}/staff/${ids.staffB}`, "PATCH", tokens.b, { position: "Y" })).status).toBe(200);
  });

  test("a locked parent locks its sub-exhibitor too", async () => {
    await call(`/api/v1/exhibitors/${ids.a}/lock`, "POST", tokens.manager, { reason: "Оплата" });
    const w = await call(`/api/v1/exhibitors/${ids.sub}/staff/${ids.staffSub}`, "PATCH", tokens.sub, { position: "Z" });
    expect(w.status).toBe(423);
    await call(`/api/v1/exhibitors/${ids.a}/unlock`, "POST", tokens.manager);
    expect((await call(`/api/v1/exhibitors/${ids.sub}/staff/${ids.staffSub}`, "PATCH", tokens.sub, { position: "Z" })).status).toBe(200);
  });

  test("after the deadline (override first) writes get 423 edit_deadline_passed", async () => {
    const soon = new Date(Date.now() + 2500);
    const r = await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.manager, { deadlineOverride: soon.toISOString().replace("Z", "+00:00") });
    expect(r.status).toBe(200);
    expect((await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.b, { company: { city: "Тюмень" } })).status).toBe(200);
    // Writes go through until the deadline; the first one refused comes after it, not before.
    const late = await waitFor(
      "a write refused after the deadline",
      async () => {
        const r = await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.b, { company: { city: "Омск" } });
        return r.status === 200 ? null : { ...r, at: Date.now() };
      },
      { timeoutMs: 10_000, everyMs: 100 },
    );
    expect(late.at).toBeGreaterThanOrEqual(soon.getTime());
    expect(late.status).toBe(423);
    expect(late.body.error.code).toBe("edit_deadline_passed");
    await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.manager, { deadlineOverride: "2030-07-02T18:00:00+05:00" });
    expect((await call(`/api/v1/exhibitors/${ids.b}`, "PATCH", tokens.b, { company: { city: "Омск" } })).status).toBe(200);
  });
});

describe("security matrix: who may read and write which cabinet", () => {
  type Who = "anon" | "a" | "sub" | "b" | "manager" | "site";
  const expectStatus = (who: Who, target: "a" | "sub" | "b", write: boolean): number[] => {
    if (who === "anon") return [401];
    if (who === "manager") return [200, 201, 204];
    if (who === "site") return [403, 404];
    if (who === target) return [200, 201, 204];
    if (who === "a" && target === "sub" && !write) return [200]; // a parent reads its sub-exhibitors
    return [403, 404];
  };

  const routes = (target: "a" | "sub" | "b") => [
    { name: "GET card", method: "GET", path: () => `/api/v1/exhibitors/${ids[target]}`, write: false },
    { name: "GET staff", method: "GET", path: () => `/api/v1/exhibitors/${ids[target]}/staff`, write: false },
    { name: "PATCH card", method: "PATCH", path: () => `/api/v1/exhibitors/${ids[target]}`, body: { company: { address: "ул. Тестовая, 1" } }, write: true },
    { name: "POST staff", method: "POST", path: () => `/api/v1/exhibitors/${ids[target]}/staff`, body: "person", write: true },
  ];

  for (const target of ["a", "sub", "b"] as const) {
    for (const who of ["anon", "a", "sub", "b", "manager", "site"] as const) {
      test(`${who} on ${target}`, async () => {
        for (const r of routes(target)) {
          const body = r.body === "person" ? { lastName: "Матрица", firstName: who, email: `m-${who}-${target}-${Math.random()}@example.com` } : r.body;
          // Quotas would turn allowed writes into 409: raise them first (manager only).
          if (r.method === "POST") await call(`/api/v1/exhibitors/${ids[target]}`, "PATCH", tokens.manager, { staffQuota: 1000 });
          if (r.method === "POST" && target === "sub") await call(`/api/v1/exhibitors/${ids.a}`, "PATCH", tokens.manager, { staffQuota: 1000 });
          const res = await call(r.path(), r.method, who === "anon" ? undefined : tokens[who], body);
          expect(expectStatus(who, target, r.write), `${r.name} as ${who} on ${target}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        }
      });
    }
  }

  test("only managers lock, unlock and create exhibitors", async () => {
    for (const who of ["a", "sub", "b", "site"] as const) {
      expect((await call(`/api/v1/exhibitors/${ids.b}/lock`, "POST", tokens[who], { reason: "x" })).status).toBe(403);
      expect((await call(`/api/v1/exhibitors/${ids.b}/unlock`, "POST", tokens[who])).status).toBe(403);
      expect((await call(`/api/v1/events/${ids.event}/exhibitors`, "POST", tokens[who], { company: company("Gamma"), stand: "G", staffQuota: 1 })).status).toBe(403);
    }
  });

  test("exhibitor B cannot touch A's staff members by id", async () => {
    const own = await call(`/api/v1/exhibitors/${ids.b}/staff/${ids.staffSub}`, "PATCH", tokens.b, { position: "hack" });
    expect(own.status).toBe(404);
    const other = await call(`/api/v1/exhibitors/${ids.sub}/staff/${ids.staffSub}`, "DELETE", tokens.b);
    expect([403, 404]).toContain(other.status);
  });
});
