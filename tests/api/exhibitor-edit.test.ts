import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { jsonCaller, sessionCookie } from "../setup/http";

// Issue #13 item 1 over plain HTTP: the manager's exhibitor-page actions are the manager's alone,
// each change leaves its audit row (and its CRM / mail job), and quotas never go below usage.

let app: RunningApp;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};

const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(app.databaseUrl, sql, params);

async function post(path: string, cookie: string, fields: Record<string, string | string[]>, lang = "ru") {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const r = await fetch(app.url + path, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url, cookie: `${cookie}; lang=${lang}` }, body });
  return { status: r.status, text: await r.text() };
}

const exPage = (id: string) => `/manage/exhibitors/${id}`;
const quota = async (id: string) => (await q<{ staffQuota: number }>(`SELECT "staffQuota" FROM "Exhibitor" WHERE id = $1`, [id]))[0].staffQuota;
const auditRows = (action: string, entityId: string) =>
  q<{ actorUserId: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(`SELECT "actorUserId", before, after FROM "AuditLog" WHERE action = $1 AND "entityId" = $2 ORDER BY id`, [action, entityId]);
const jobs = (task: string, key: string, value: string) =>
  q(`SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1 AND j.payload->>$2 = $3`, [task, key, value]);
const staffId = async (email: string) => (await q<{ id: string }>(`SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = $1 AND r.status <> 'cancelled'`, [email]))[0]?.id;

beforeAll(async () => {
  app = await startApp({ env: { WORKER: "off" } });
  for (const row of await q<{ id: string; name: string; eventId: string }>(`SELECT e.id, o.name, e."eventId" FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId"`)) {
    ids[row.name] = row.id;
    ids.event = row.eventId;
  }
  ids.manager = (await q<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS[1].email]))[0].id;
  cookies.manager = await sessionCookie(app.url, DEMO_USERS[1].email, DEMO_USERS[1].password);
  cookies.exhibitor = await sessionCookie(app.url, DEMO_USERS[2].email, DEMO_USERS[2].password);
  cookies.sub = await sessionCookie(app.url, DEMO_USERS[3].email, DEMO_USERS[3].password);
});
afterAll(() => app?.stop());

describe("manager's exhibitor page over HTTP", () => {
  test("exhibitor accounts get 403 from every manager action and change nothing", async () => {
    const stroymash = ids["СтройМаш"];
    const techno = ids["ТехноПром"];
    const petrov = await staffId("i.petrov@stroymash.example");
    const before = await q(`SELECT count(*)::int AS n FROM "AuditLog"`);
    for (const cookie of [cookies.exhibitor, cookies.sub]) {
      for (const target of [stroymash, techno]) {
        expect((await fetch(app.url + exPage(target), { headers: { cookie } })).status).toBe(403);
        const attempts: Record<string, string>[] = [
          { intent: "settings", stand: "Z-1", staffQuota: "100", parentExhibitorId: "" },
          { intent: "card", name: "Взлом" },
          { intent: "add-staff", lastName: "Чужой", firstName: "Иван", email: "intruder@example.com" },
          { intent: "remove-staff", staffId: petrov },
          { intent: "resend-invite", staffId: petrov },
        ];
        for (const fields of attempts) {
          expect((await post(exPage(target), cookie, fields)).status, fields.intent).toBe(403);
        }
      }
      expect((await post(`/manage/events/${ids.event}`, cookie, { intent: "bulk-quota", staffQuota: "99", exhibitorIds: [stroymash, techno] })).status).toBe(403);
    }
    expect([await quota(stroymash), await quota(techno)]).toEqual([10, 6]);
    expect(await staffId("i.petrov@stroymash.example")).toBe(petrov);
    expect(await staffId("intruder@example.com")).toBeUndefined();
    expect(await q(`SELECT count(*)::int AS n FROM "AuditLog"`)).toEqual(before);
  });

  test("each manager change leaves its audit row, by the manager, and the job the cabinet would queue", async () => {
    const techno = ids["ТехноПром"];
    const page = exPage(techno);
    expect((await post(page, cookies.manager, { intent: "settings", stand: "B-14", areaM2: "20,5", staffQuota: "8", parentExhibitorId: "" })).status).toBe(200);
    const [settings] = await auditRows("exhibitor.update", techno);
    expect(settings).toMatchObject({ actorUserId: ids.manager, before: { stand: "B-12", areaM2: 18, staffQuota: 6 }, after: { stand: "B-14", areaM2: 20.5, staffQuota: 8 } });
    expect(await jobs("crm-sync", "id", techno)).toEqual([{ payload: { entity: "exhibitor", id: techno } }]);

    await post(page, cookies.manager, { intent: "card", name: "ТехноПром", city: "Тула", phones: "+7 495 123-45-67", emails: "info@techno.example" });
    const card = (await auditRows("exhibitor.update", techno))[1];
    expect(card.after).toMatchObject({ company: { city: "Тула" } });
    const orgId = (await q<{ organizationId: string }>(`SELECT "organizationId" FROM "Exhibitor" WHERE id = $1`, [techno]))[0].organizationId;
    expect(await jobs("crm-sync", "id", orgId)).toHaveLength(1);

    await post(page, cookies.manager, { intent: "add-staff", lastName: "Новиков", firstName: "Олег", email: "o.novikov@techno.example", phone: "8 916 111-22-33" });
    const added = await staffId("o.novikov@techno.example");
    expect(added).toBeTruthy();
    expect(await auditRows("staff.add", added)).toHaveLength(1);
    expect(await jobs("send-mail", "registrationId", added)).toHaveLength(1);

    await post(page, cookies.manager, { intent: "edit-staff", staffId: added, lastName: "Новиков", firstName: "Олег", position: "Инженер", email: "o.novikov@techno.example" });
    expect((await auditRows("staff.update", added))[0].after).toMatchObject({ position: "Инженер" });

    const resent = await post(page, cookies.manager, { intent: "resend-invite", staffId: added });
    expect(resent.text).toContain("Приглашение снова отправлено на o.novikov@techno.example");
    expect(await auditRows("staff.resend", added)).toHaveLength(1);
    expect(await jobs("send-mail", "registrationId", added)).toHaveLength(2);

    await post(page, cookies.manager, { intent: "remove-staff", staffId: added });
    expect(await auditRows("staff.remove", added)).toHaveLength(1);
    expect(await staffId("o.novikov@techno.example")).toBeUndefined();
    for (const action of ["staff.add", "staff.update", "staff.resend", "staff.remove"]) expect((await auditRows(action, added))[0].actorUserId).toBe(ids.manager);

    const bulk = await post(`/manage/events/${ids.event}`, cookies.manager, { intent: "bulk-quota", staffQuota: "12", exhibitorIds: [ids["СтройМаш"], techno, ids["Детали+"]] });
    expect(bulk.text).toContain("Лимит изменён у экспонентов: 3.");
    for (const id of [ids["СтройМаш"], techno, ids["Детали+"]]) {
      expect(await quota(id)).toBe(12);
      expect((await auditRows("exhibitor.quota", id)).map((r) => r.after)).toEqual([{ staffQuota: 12 }]);
    }
  });

  test("a quota below the staff already registered is refused with the count, on the page, in bulk and in the API", async () => {
    const stroymash = ids["СтройМаш"];
    // СтройМаш: 5 of its own staff and 1 of Детали+.
    const ru = await post(exPage(stroymash), cookies.manager, { intent: "settings", stand: "A-101", staffQuota: "5", parentExhibitorId: "" });
    expect(ru.text).toContain("Уже зарегистрировано сотрудников: 6. Лимит не может быть меньше.");
    const en = await post(exPage(stroymash), cookies.manager, { intent: "settings", stand: "A-101", staffQuota: "5", parentExhibitorId: "" }, "en");
    expect(en.text).toContain("6 staff are already registered. The quota cannot be lower.");
    expect(await quota(stroymash)).toBe(12);

    const bulk = await post(`/manage/events/${ids.event}`, cookies.manager, { intent: "bulk-quota", staffQuota: "2", exhibitorIds: [stroymash, ids["ТехноПром"], ids["Детали+"]] });
    expect(bulk.text).toContain("Лимит меньше числа уже зарегистрированных сотрудников: СтройМаш (6). Ничего не изменено.");
    expect([await quota(stroymash), await quota(ids["ТехноПром"]), await quota(ids["Детали+"])]).toEqual([12, 12, 12]);
    const none = await post(`/manage/events/${ids.event}`, cookies.manager, { intent: "bulk-quota", staffQuota: "2" });
    expect(none.text).toContain("Отметьте хотя бы одного экспонента.");

    process.env.DATABASE_URL = app.databaseUrl;
    const { createApiToken } = await import("../../app/utils/api-tokens.server");
    const token = (await createApiToken({ role: "manager", name: "test manager" })).token;
    const api = await jsonCaller(app.url)(`/api/v1/exhibitors/${stroymash}`, "PATCH", token, { staffQuota: 5 });
    expect(api.status).toBe(422);
    expect(api.body.error).toMatchObject({ code: "quota_below_usage", fields: { staffQuota: "Below the 6 staff already registered" } });
    expect((await jsonCaller(app.url)(`/api/v1/exhibitors/${stroymash}`, "PATCH", token, { staffQuota: 6 })).status).toBe(200);
  });

  test("a parent is another exhibitor of the event without a parent, never itself, and has room in its quota", async () => {
    const [stroymash, techno, detali] = [ids["СтройМаш"], ids["ТехноПром"], ids["Детали+"]];
    const set = (id: string, parent: string) => post(exPage(id), cookies.manager, { intent: "settings", stand: "S", staffQuota: "12", parentExhibitorId: parent });
    expect((await set(detali, detali)).text).toContain("Экспонент не может быть субэкспонентом самого себя.");
    expect((await set(stroymash, techno)).text).toContain("У этого экспонента есть субэкспоненты");
    expect((await set(techno, detali)).text).toContain("Это субэкспонент: у него не может быть своих субэкспонентов.");
    expect((await set(techno, randomUUID())).text).toContain("Такого экспонента нет в этом мероприятии.");
    // СтройМаш's quota is 6 with 6 used: ТехноПром's 2 staff do not fit.
    expect((await set(techno, stroymash)).text).toContain("В лимите «СтройМаш» занято 6 из 6: нет места для 2 сотрудников этого экспонента.");
    const parentOf = async (id: string) => (await q<{ p: string | null }>(`SELECT "parentExhibitorId" AS p FROM "Exhibitor" WHERE id = $1`, [id]))[0].p;
    expect(await parentOf(techno)).toBeNull();
    await post(exPage(stroymash), cookies.manager, { intent: "settings", stand: "A-101", staffQuota: "8", parentExhibitorId: "" });
    expect((await set(techno, stroymash)).text).toContain("Сохранено.");
    expect(await parentOf(techno)).toBe(stroymash);
    expect((await auditRows("exhibitor.update", techno)).at(-1)!.after).toMatchObject({ parentExhibitorId: stroymash });
    // The parent's quota now holds 8: it cannot go to 7.
    expect((await post(exPage(stroymash), cookies.manager, { intent: "settings", stand: "A-101", staffQuota: "7", parentExhibitorId: "" })).text).toContain("Уже зарегистрировано сотрудников: 8.");
  });

  test("with the audit log failing, neither a page change nor a bulk change is left behind", async () => {
    const [stroymash, techno] = [ids["СтройМаш"], ids["ТехноПром"]];
    await q(`CREATE FUNCTION test_audit_down() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit log is down'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER test_audit_down BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION test_audit_down();`);
    try {
      const one = await post(exPage(techno), cookies.manager, { intent: "settings", stand: "B-99", staffQuota: "30", parentExhibitorId: "" });
      expect(one.text).toContain("Ошибка на сервере");
      const bulk = await post(`/manage/events/${ids.event}`, cookies.manager, { intent: "bulk-quota", staffQuota: "40", exhibitorIds: [stroymash, techno] });
      expect(bulk.text).toContain("Ошибка на сервере");
    } finally {
      await q(`DROP TRIGGER test_audit_down ON "AuditLog"; DROP FUNCTION test_audit_down();`);
    }
    expect(await q(`SELECT stand, "staffQuota" FROM "Exhibitor" WHERE id = ANY($1::uuid[]) ORDER BY stand`, [[stroymash, techno]])).toEqual([
      { stand: "A-101", staffQuota: 8 },
      { stand: "S", staffQuota: 12 },
    ]);
  });

  test("a sub-exhibitor refused by the parent's full quota reads that the shared quota is full", async () => {
    // СтройМаш: quota 8, all used; Детали+ has room in its own quota of 12.
    const staff = { intent: "add-staff", lastName: "Лишний", firstName: "Лев", email: "l.lishniy@detali.example" };
    expect((await post("/cabinet?index", cookies.sub, staff)).text).toContain("Общий лимит бейджей основного экспонента исчерпан.");
    expect((await post("/cabinet?index", cookies.sub, staff, "en")).text).toContain("The main exhibitor&#x27;s shared badge quota is used up.");
    expect(await staffId("l.lishniy@detali.example")).toBeUndefined();
    // The parent's own refusal stays the plain one.
    expect((await post("/cabinet?index", cookies.exhibitor, { ...staff, email: "l.lishniy@stroymash.example" })).text).toContain("Лимит бейджей исчерпан.");
  });
});
