// Issue #13 item 8: a sub-exhibitor sees that the parent's cabinet is locked, not the manager's
// reason; the cabinet's success message cannot be written through the URL.
import { beforeAll, describe, expect, test } from "vitest";
import { appPerFile, cliManagerToken } from "../setup/app";
import { queryDb } from "../setup/db";
import { sessionCookie } from "../setup/http";

const app = appPerFile({ seed: true });
let manager: string;
const REASON = "Не оплачен счёт №4512";

beforeAll(async () => {
  manager = await cliManagerToken(app);
});

const page = async (path: string, cookie: string) => {
  const r = await fetch(app.url + path, { headers: { cookie, "accept-language": "ru" } });
  expect(r.status).toBe(200);
  return r.text();
};

describe("cabinet pages leak nothing and take no text from the URL", () => {
  test("a locked parent: the sub-exhibitor's page and API say locked, without the reason; the parent sees it", async () => {
    const [parent] = await queryDb<{ id: string }>(app.databaseUrl, `SELECT e.id FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.name = 'СтройМаш'`);
    const lock = await fetch(`${app.url}/api/v1/exhibitors/${parent.id}/lock`, {
      method: "POST",
      headers: { authorization: `Bearer ${manager}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: REASON }),
    });
    expect(lock.status).toBe(200);

    const sub = await sessionCookie(app.url, "sub@detali.example", "demo-subexhibitor-2026");
    const subHtml = await page("/cabinet", sub);
    expect(subHtml).toContain("Кабинет закрыт организатором для изменений.");
    expect(subHtml).not.toContain(REASON);
    // The form action's refusal does not carry it either.
    const post = await fetch(`${app.url}/cabinet?index`, {
      method: "POST",
      headers: { cookie: sub, origin: app.url, "content-type": "application/x-www-form-urlencoded", "accept-language": "ru" },
      body: new URLSearchParams({ intent: "add-staff", lastName: "Тестов", firstName: "Тест", email: "t@example.com" }),
    });
    expect(post.status).toBeLessThan(500);
    const refused = await post.text();
    expect(refused).toContain("Кабинет закрыт");
    expect(refused).not.toContain(REASON);

    const parentCookie = await sessionCookie(app.url, "exhibitor@stroymash.example", "demo-exhibitor-2026");
    expect(await page("/cabinet", parentCookie)).toContain(REASON);

    // The manager reads the reason and is not told to contact the manager.
    const managerCookie = await sessionCookie(app.url, "manager@expodesk.local", "demo-manager-2026");
    await queryDb(app.databaseUrl, `INSERT INTO "CrmSyncState" ("entityType", "localId", status) VALUES ('exhibitor', $1, 'waiting_config') ON CONFLICT DO NOTHING`, [parent.id]);
    const managerHtml = await page(`/manage/exhibitors/${parent.id}`, managerCookie);
    expect(managerHtml).toContain(REASON);
    expect(managerHtml).toContain("менеджеры могут");
    expect(managerHtml).not.toContain("обратитесь к менеджеру");
    // A record waiting for the CRM to be set up does not wear the green "ok" pill.
    expect(managerHtml).toMatch(/class="badge waiting" data-crm-status="waiting_config" data-crm-ref="exhibitor:/);
  });

  test("?imported= shows the import summary only for counts; any other text shows nothing", async () => {
    const cookie = await sessionCookie(app.url, "exhibitor@stroymash.example", "demo-exhibitor-2026");
    const spoof = "Ваш кабинет удалён, позвоните +7 900 000-00-00";
    const spoofed = await page(`/cabinet?imported=${encodeURIComponent(spoof)}`, cookie);
    expect(spoofed).not.toContain("позвоните");
    expect(spoofed).not.toContain('data-testid="imported"');
    const real = await page("/cabinet?imported=3.1.2.0", cookie);
    expect(real).toContain("добавлено 3, обновлено 1, пропущено 2");
  });
});

describe("manager forms say what is wrong (issue #13 item 3)", () => {
  const post = async (path: string, cookie: string, body: Record<string, string>) => {
    const r = await fetch(app.url + path, {
      method: "POST",
      headers: { cookie, origin: app.url, "content-type": "application/x-www-form-urlencoded", "accept-language": "ru" },
      body: new URLSearchParams(body),
    });
    expect(r.status).toBeLessThan(500);
    return r.text();
  };
  const locked = async () => (await queryDb<{ n: number }>(app.databaseUrl, `SELECT count(*)::int AS n FROM "Exhibitor" WHERE "lockedAt" IS NOT NULL`))[0].n;

  test("an INN that already exhibits names the exhibitor and links to it; nothing is created", async () => {
    const cookie = await sessionCookie(app.url, "manager@expodesk.local", "demo-manager-2026");
    const [ex] = await queryDb<{ id: string; eventId: string }>(
      app.databaseUrl,
      `SELECT e.id, e."eventId" FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.inn = '7830002293'`,
    );
    const before = (await queryDb<{ n: number }>(app.databaseUrl, `SELECT count(*)::int AS n FROM "Exhibitor"`))[0].n;
    const html = await post(`/manage/events/${ex.eventId}`, cookie, { intent: "create", name: "Техно", inn: "7830002293", stand: "Z-1", staffQuota: "5" });
    expect(html).toContain("Компания «ТехноПром» уже участвует в этом мероприятии.");
    expect(html).toContain(`href="/manage/exhibitors/${ex.id}"`);
    expect(html).not.toContain("Проверьте значение");
    expect((await queryDb<{ n: number }>(app.databaseUrl, `SELECT count(*)::int AS n FROM "Exhibitor"`))[0].n).toBe(before);
  });

  test("locking without a reason asks for one, on the exhibitor page and for the whole event; nothing is locked", async () => {
    const cookie = await sessionCookie(app.url, "manager@expodesk.local", "demo-manager-2026");
    const [ex] = await queryDb<{ id: string; eventId: string }>(
      app.databaseUrl,
      `SELECT e.id, e."eventId" FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.inn = '7830002293'`,
    );
    const before = await locked();
    const one = await post(`/manage/exhibitors/${ex.id}`, cookie, { intent: "lock", reason: "  " });
    expect(one).toMatch(/data-testid="error-reason"[^>]*>Заполните это поле\./);
    const all = await post(`/manage/events/${ex.eventId}`, cookie, { intent: "lock-all", reason: "" });
    expect(all).toContain('data-testid="error-lock-all-reason"');
    expect(await locked()).toBe(before);
    // With a reason it locks.
    await post(`/manage/exhibitors/${ex.id}`, cookie, { intent: "lock", reason: "Нет договора" });
    expect(await locked()).toBe(before + 1);
  });
});
