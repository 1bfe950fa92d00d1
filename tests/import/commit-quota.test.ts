import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { sessionCookie } from "../setup/http";

// The import's commit against the real server and database (issue #13 item 7): whatever the
// form says (first N, chosen rows, two commits at once), the quota is checked under row locks.

let app: RunningApp;
let cookie: string;
let exhibitorId: string;
let uploadId: string;

const EMAILS = Array.from({ length: 8 }, (_, i) => `race${i + 1}@stroymash.example`);

async function commit(fields: Record<string, string | string[]>) {
  const body = new URLSearchParams({ id: uploadId });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(app.url + "/cabinet/import?id=" + uploadId, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url, cookie },
    body,
  });
  return { status: res.status, location: res.headers.get("location") ?? "", html: await res.text() };
}

const imported = async () =>
  (
    await queryDb<{ email: string }>(app.databaseUrl, `SELECT email FROM "Person" WHERE email = ANY($1::text[]) ORDER BY email`, [EMAILS])
  ).map((r) => r.email);

beforeAll(async () => {
  app = await startApp({ env: { WORKER: "off" } });
  cookie = await sessionCookie(app.url, "exhibitor@stroymash.example", "demo-exhibitor-2026");
  const [ex] = await queryDb<{ id: string }>(
    app.databaseUrl,
    `SELECT e.id FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.name = 'СтройМаш'`,
  );
  exhibitorId = ex!.id;
  // Exactly 4 badges left (the exhibitor's staff and its sub-exhibitor's count).
  await queryDb(
    app.databaseUrl,
    `UPDATE "Exhibitor" SET "staffQuota" = 4 + (SELECT count(*) FROM "Registration" r WHERE r.category::text = 'exhibitor_staff'
       AND r.status::text NOT IN ('cancelled', 'rejected')
       AND (r."exhibitorId" = $1::uuid OR r."exhibitorId" IN (SELECT id FROM "Exhibitor" WHERE "parentExhibitorId" = $1::uuid)))
     WHERE id = $1::uuid`,
    [exhibitorId],
  );
  const csv = ["Фамилия;Имя;Email", ...EMAILS.map((e, i) => `Гонкин${"абвгдежз"[i]};Иван;${e}`)].join("\r\n");
  const form = new FormData();
  form.set("file", new Blob([csv], { type: "text/csv" }), "race.csv");
  const up = await fetch(app.url + "/cabinet/import", {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { cookie, origin: app.url },
  });
  uploadId = /id=([0-9a-f-]{36})/.exec(up.headers.get("location") ?? "")?.[1] ?? "";
  expect(uploadId, `upload answered ${up.status}`).not.toBe("");
});
afterAll(async () => {
  await app?.stop();
});

describe("import commit within the quota", () => {
  test("the preview says the quota before the commit", async () => {
    const res = await fetch(app.url + "/cabinet/import?id=" + uploadId, { headers: { cookie } });
    expect(await res.text()).toContain("Новых сотрудников: 8, а бейджей осталось: 4. Загрузите первых 4 или отметьте, кого загрузить.");
  });

  test("two commits at once, 3 chosen rows each, 4 badges left: one is imported, the other refused", async () => {
    const [a, b] = await Promise.all([commit({ mode: "rows", pick: ["2", "3", "4"] }), commit({ mode: "rows", pick: ["5", "6", "7"] })]);
    const ok = [a, b].filter((r) => r.status === 302);
    const refused = [a, b].filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.location).toMatch(/^\/cabinet\?imported=3\.0\.5\.0$/);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.html).toContain("Выбрано новых сотрудников: 3, а бейджей осталось: 1. Снимите лишние отметки.");
    expect(await imported()).toHaveLength(3);
  });

  test("'first N' larger than what is left is refused; rows that are not new people choose nothing", async () => {
    const before = await imported();
    const tooMany = await commit({ mode: "first", first: "999" });
    expect(tooMany.status).toBe(200);
    expect(tooMany.html).toContain("Бейджей осталось: 1, меньше, чем при проверке файла.");
    const notNew = await commit({ mode: "rows", pick: before.map((e) => String(EMAILS.indexOf(e) + 2)) });
    expect(notNew.status).toBe(200);
    expect(notNew.html).toContain("Отметьте строки, которые нужно загрузить.");
    expect(await imported()).toEqual(before);
  });

  test("the first 1 fills the quota", async () => {
    const res = await commit({ mode: "first", first: "1" });
    expect(res.location).toBe("/cabinet?imported=1.0.7.0");
    expect(await imported()).toHaveLength(4);
  });
});
