import type { Page } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { makeStaffXlsx } from "../import/fixtures";
import { useAppAndBrowser } from "../setup/e2e-app";
import { hydrated, loginAs, newPage } from "../setup/pages";

// Issue #13 item 7: the exhibitor sees the column mapping in words, one decision per duplicate
// row, and the quota before the commit, and can import the first N or chosen rows (RU and EN).

const EXHIBITOR = { email: "exhibitor@stroymash.example", password: "demo-exhibitor-2026" };

const e2e = useAppAndBrowser();
const { query } = e2e;
let exhibitorId: string;

beforeAll(async () => {
  const [row] = await query<{ id: string }>(
    `SELECT e.id FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.name = 'СтройМаш'`,
  );
  exhibitorId = row!.id;
});

/** Sets the quota so that exactly `left` badges remain (the exhibitor's staff and its sub-exhibitors'). */
async function leaveBadges(left: number, id = exhibitorId) {
  await query(
    `UPDATE "Exhibitor" SET "staffQuota" = $2 + (SELECT count(*) FROM "Registration" r WHERE r.category::text = 'exhibitor_staff'
       AND r.status::text NOT IN ('cancelled', 'rejected')
       AND (r."exhibitorId" = $1::uuid OR r."exhibitorId" IN (SELECT id FROM "Exhibitor" WHERE "parentExhibitorId" = $1::uuid)))
     WHERE id = $1::uuid`,
    [id, left],
  );
}

const emailsIn = async (emails: string[]) =>
  (
    await query<{ email: string }>(`SELECT email FROM "Person" WHERE email = ANY($1::text[]) ORDER BY email`, [emails])
  ).map((r) => r.email);



async function openImport(locale: string, headers: string[], rows: string[][], who = EXHIBITOR, reuse?: Page): Promise<Page> {
  const page = reuse ?? (await newPage(e2e.browser, locale));
  if (!reuse) await loginAs(page, e2e.app.url, who);
  mkdirSync("tests/.tmp", { recursive: true });
  const file = path.resolve("tests/.tmp", `quota-${locale}-${Date.now()}.xlsx`);
  writeFileSync(file, await makeStaffXlsx(rows, headers));
  await page.goto(e2e.app.url + "/cabinet/import");
  await hydrated(page);
  await page.setInputFiles("#file", file);
  await Promise.all([page.waitForURL(/\/cabinet\/import\?id=/), page.click("[data-testid=upload] button[type=submit]")]);
  // The URL changes before React renders the new page.
  await page.waitForSelector("[data-testid=mapping-column]");
  return page;
}

/** The mapping table as [header, example, chosen field label] per file column. */
const mappingTable = (page: Page) =>
  page.$$eval("[data-testid=mapping-column]", (trs) =>
    trs.map((tr) => {
      const cells = tr.querySelectorAll("td");
      const select = tr.querySelector("select")!;
      return [cells[0]!.textContent, cells[1]!.textContent, select.options[select.selectedIndex]!.textContent];
    }),
  );

/** Opens the import and expects its mapping table: each header, its value in the first row, the field chosen for it. */
async function openImportExpecting(locale: string, headers: string[], rows: string[][], fields: string[]): Promise<Page> {
  const page = await openImport(locale, headers, rows);
  expect(await mappingTable(page)).toEqual(headers.map((header, i) => [header, rows[0]![i], fields[i]]));
  return page;
}

describe("staff import within the badge quota, in Chromium", () => {
  test("RU: 26 new people and 4 badges left: the mapping in words, the quota said first, the first 4 imported", async () => {
    await leaveBadges(4);
    const rows = Array.from({ length: 26 }, (_, i) => [
      `Квотов${i + 1}`,
      "Иван",
      "Монтажник",
      `q${i + 1}@stroymash.example`,
      `8 917 600-${String(i + 1).padStart(4, "0")}`,
    ]);
    const headers = ["Фамилия", "Имя", "Кем работает", "E-mail", "Телефон"];
    const page = await openImportExpecting("ru-RU", headers, rows, ["Фамилия", "Имя", "— не загружать —", "Эл. почта", "Телефон"]);
    // The unrecognised column is given its meaning in words and the preview follows.
    await page.selectOption("[data-testid=mapping] select[name='col.2']", { label: "Должность" });
    await Promise.all([page.waitForURL(/col\.2=position/), page.click("[data-testid=mapping] button[type=submit]")]);
    await page.waitForFunction(() => document.querySelector("[data-testid=new-rows] tbody tr")?.textContent?.includes("Монтажник"));
    expect((await mappingTable(page))[2]).toEqual(["Кем работает", "Монтажник", "Должность"]);

    await expect(page.getByTestId("quota-plan").textContent()).resolves.toBe(
      "Новых сотрудников: 26, а бейджей осталось: 4. Загрузите первых 4 или отметьте, кого загрузить.",
    );
    await expect(page.locator("[data-testid=new-rows] input[name=pick]").count()).resolves.toBe(26);
    await Promise.all([page.waitForURL(/\/cabinet\?imported=/), page.getByTestId("commit-first").click()]);
    await page.waitForSelector("[data-testid=imported]");
    await expect(page.getByTestId("imported").textContent()).resolves.toContain("добавлено 4, обновлено 0, пропущено 22");
    expect(await page.getByTestId("quota").textContent()).toMatch(/^Использовано (\d+) из \1 бейджей$/);
    expect(await emailsIn(rows.map((r) => r[3]!))).toEqual([
      "q1@stroymash.example",
      "q2@stroymash.example",
      "q3@stroymash.example",
      "q4@stroymash.example",
    ]);
    const [petr] = await query<{ position: string }>(
      `SELECT position FROM "Person" WHERE email = 'q1@stroymash.example'`,
    );
    expect(petr!.position).toBe("Монтажник");
    await page.context().close();
  });

  test("EN: a duplicate for two reasons takes one decision; ticked rows are imported; more than the quota is refused", async () => {
    await query(`UPDATE "Person" SET phone = '+79160000001' WHERE email = 'i.petrov@stroymash.example'`);
    await leaveBadges(3);
    const rows = [["Петров", "Иван", "Head of stand", "i.petrov@stroymash.example", "+7 916 000-00-01"]];
    for (let i = 1; i <= 10; i++) rows.push([`Picker${i}`, "Anna", "Sales", `pick${i}@stroymash.example`, ""]);
    const headers = ["Surname", "Given name", "Job title", "Work email", "Mobile"];
    const page = await openImportExpecting("en-US", headers, rows, ["Last name", "First name", "Position", "Email", "Phone"]);
    // Same e-mail and same phone as one staff member: one line, one decision.
    await expect(page.getByTestId("duplicate-row").count()).resolves.toBe(1);
    await expect(page.getByTestId("duplicate-row").textContent()).resolves.toContain(
      "Row 2Already among your staff (same email, same phone)",
    );
    await expect(page.locator("[data-testid=duplicate-row] select").count()).resolves.toBe(1);
    await page.selectOption("[data-testid=duplicate-row] select", "update");

    await expect(page.getByTestId("quota-plan").textContent()).resolves.toBe(
      "New staff: 10, but badges left: 3. Import the first 3 or tick the ones to import.",
    );
    const pick = (row: number) => page.locator(`[data-testid=new-rows] input[value='${row}']`);
    for (const row of [4, 7, 9, 11]) await pick(row).check();
    const picked = page.getByTestId("commit-picked");
    await expect(picked.textContent()).resolves.toBe("Import ticked: 4");
    await expect(picked.isDisabled()).resolves.toBe(true);

    // The server refuses four even if the button is forced.
    await picked.evaluate((b: HTMLButtonElement) => (b.disabled = false));
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), picked.click()]);
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe(
      "New staff chosen: 4, but badges left: 3. Untick the extra rows.",
    );
    expect(await emailsIn(rows.map((r) => r[3]!).slice(1))).toEqual([]);

    await pick(9).uncheck();
    await page.waitForFunction(() => document.querySelector("[data-testid=commit-picked]")?.textContent === "Import ticked: 3");
    await expect(picked.isDisabled()).resolves.toBe(false);
    await Promise.all([page.waitForURL(/\/cabinet\?imported=/), picked.click()]);
    await page.waitForSelector("[data-testid=imported]");
    await expect(page.getByTestId("imported").textContent()).resolves.toContain("3 added, 1 updated, 7 skipped");
    expect(await page.getByTestId("quota").textContent()).toMatch(/^(\d+) of \1 badges used$/);
    // Sheet row 2 is Petrov, so rows 4, 7 and 11 are pick2, pick5 and pick9.
    expect(await emailsIn(rows.map((r) => r[3]!).slice(1))).toEqual([
      "pick2@stroymash.example",
      "pick5@stroymash.example",
      "pick9@stroymash.example",
    ]);
    const [petrov] = await query<{ position: string }>(
      `SELECT p.position FROM "Person" p JOIN "Registration" r ON r."personId" = p.id WHERE p.email = 'i.petrov@stroymash.example' AND r."exhibitorId" = $1::uuid`,
      [exhibitorId],
    );
    expect(petrov!.position).toBe("Head of stand");
    await page.context().close();
  });

  test("RU, sub-exhibitor: the parent's quota is the limit; with no badge left only the duplicate decisions are saved", async () => {
    const [sub] = await query<{ id: string }>(`SELECT id FROM "Exhibitor" WHERE "parentExhibitorId" = $1::uuid`, [
      exhibitorId,
    ]);
    await leaveBadges(5, sub!.id);
    await leaveBadges(1);
    const rows = [1, 2, 3].map((i) => [`Дочернев${i}`, "Олег", "Монтажник", `sub${i}@detali.example`, ""]);
    const page = await openImport("ru-RU", ["Фамилия", "Имя", "Должность", "Эл. почта", "Телефон"], rows, {
      email: "sub@detali.example",
      password: "demo-subexhibitor-2026",
    });
    await expect(page.getByTestId("quota-plan").textContent()).resolves.toBe(
      "Новых сотрудников: 3, а бейджей осталось: 1. Загрузите первых 1 или отметьте, кого загрузить.",
    );
    await Promise.all([page.waitForURL(/\/cabinet\?imported=/), page.getByTestId("commit-first").click()]);
    await page.waitForSelector("[data-testid=imported]");
    await expect(page.getByTestId("imported").textContent()).resolves.toContain("добавлено 1, обновлено 0, пропущено 2");

    // The same file again: row 2 is now this exhibitor's staff, no badge is left for the others.
    rows[0]![2] = "Бригадир";
    await openImport("ru-RU", ["Фамилия", "Имя", "Должность", "Эл. почта", "Телефон"], rows, undefined, page);
    await expect(page.getByTestId("quota-plan").textContent()).resolves.toBe(
      "Новых сотрудников: 2, а бейджей не осталось. Попросите организатора увеличить лимит.",
    );
    await expect(page.getByTestId("commit-first").count()).resolves.toBe(0);
    await expect(page.getByTestId("commit-picked").count()).resolves.toBe(0);
    await page.selectOption("[data-testid=duplicate-row] select", "update");
    await Promise.all([page.waitForURL(/\/cabinet\?imported=/), page.getByTestId("commit-updates").click()]);
    await page.waitForSelector("[data-testid=imported]");
    await expect(page.getByTestId("imported").textContent()).resolves.toContain("добавлено 0, обновлено 1, пропущено 2");
    const people = await query<{ email: string; position: string }>(
      `SELECT email, position FROM "Person" WHERE email LIKE 'sub%@detali.example' ORDER BY email`,
    );
    expect(people).toEqual([{ email: "sub1@detali.example", position: "Бригадир" }]);
    await page.context().close();
  });
});
