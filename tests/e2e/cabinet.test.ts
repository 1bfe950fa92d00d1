import type { Page } from "playwright-core";
import { submitAndSettle } from "../setup/submit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { startSmtpServer, type SmtpTestServer } from "../emulators/smtp";
import { makeStaffXlsx } from "../import/fixtures";
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { useAppAndBrowser } from "../setup/e2e-app";
import { hydrated, loginAs, newPage } from "../setup/pages";

let smtp: SmtpTestServer;
const e2e = useAppAndBrowser({
  app: async () => {
    smtp = await startSmtpServer();
    return { env: { SMTP_URL: smtp.url } };
  },
});
let manager: Page;
let exhibitor: Page;

const EXHIBITOR_EMAIL = "anna@gamma.example";
const PASSWORD = "gamma-secret-2026";

beforeAll(async () => {
  manager = await newPage(e2e.browser);
  exhibitor = await newPage(e2e.browser);
});
afterAll(async () => {
  await smtp?.close();
});



async function submit(page: Page, formTestId: string) {
  await submitAndSettle(page, () => page.locator(`[data-testid=${formTestId}] button[type=submit]`).click());
}

async function addStaff(page: Page, last: string, first: string, email: string) {
  const rows = await page.getByTestId("staff-row").count();
  await page.fill("[data-testid=add-staff] [name=lastName]", last);
  await page.fill("[data-testid=add-staff] [name=firstName]", first);
  await page.fill("[data-testid=add-staff] [name=email]", email);
  await page.fill("[data-testid=add-staff] [name=phone]", "8 916 123-45-67");
  await submit(page, "add-staff");
  // The form is remounted empty after a successful add; wait for that before typing again.
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=staff-row]").length === n, rows + 1);
  await page.waitForFunction(() => (document.querySelector("[data-testid=add-staff] [name=lastName]") as HTMLInputElement | null)?.value === "");
}

describe("exhibitor cabinet, end to end in Chromium", () => {
  test("the manager creates an exhibitor and its cabinet account; the exhibitor sets a password from the email", async () => {
    await loginAs(manager, e2e.app.url, { email: DEMO_USERS[1].email, password: DEMO_USERS[1].password });
    await manager.click("text=ЭкспоСтрой 2026");
    await manager.fill("[data-testid=create-exhibitor] [name=name]", "Гамма");
    await manager.fill("[data-testid=create-exhibitor] [name=inn]", "7707083894");
    await manager.fill("[data-testid=create-exhibitor] [name=stand]", "C-7");
    await manager.fill("[data-testid=create-exhibitor] [name=staffQuota]", "30");
    await submit(manager, "create-exhibitor");
    await expect(manager.getByTestId("error-inn").textContent()).resolves.toContain("контрольную сумму");
    await manager.fill("[data-testid=create-exhibitor] [name=inn]", "7736050003");
    await submit(manager, "create-exhibitor");
    await manager.click("[data-testid=exhibitors] >> text=Гамма");
    await manager.fill("[data-testid=create-account] [name=accountName]", "Анна Гаммова");
    await manager.fill("[data-testid=create-account] [name=email]", EXHIBITOR_EMAIL);
    await submit(manager, "create-account");
    await expect(manager.getByTestId("notice").textContent()).resolves.toContain(EXHIBITOR_EMAIL);

    const mail = await smtp.waitFor((m) => m.envelope.to.some((to) => to.includes(EXHIBITOR_EMAIL)), 20_000);
    const link = /https?:\/\/[^\s"<>]+\/set-password\/[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0];
    expect(link, mail.text ?? "").toBeTruthy();
    await exhibitor.goto(link!);
    await exhibitor.fill("#password", PASSWORD);
    await exhibitor.fill("#confirm", PASSWORD);
    await Promise.all([exhibitor.waitForURL(/\/login/), exhibitor.click("button[type=submit].primary")]);
    await loginAs(exhibitor, e2e.app.url, { email: EXHIBITOR_EMAIL, password: PASSWORD });
    expect(new URL(exhibitor.url()).pathname).toBe("/cabinet");
  });

  test("the exhibitor edits the card and adds three staff members", async () => {
    await exhibitor.fill("[data-testid=company-card] [name=city]", "Казань");
    await exhibitor.fill("[data-testid=company-card] [name=website]", "gamma.example");
    await submit(exhibitor, "company-card");
    await expect(exhibitor.locator("[data-testid=company-card] [name=website]").inputValue()).resolves.toBe("https://gamma.example");
    await addStaff(exhibitor, "Иванов", "Пётр", "petr@gamma.example");
    await addStaff(exhibitor, "Сидорова", "Елена", "elena@gamma.example");
    await addStaff(exhibitor, "O'Neil", "Mary", "mary@gamma.example");
    await expect(exhibitor.getByTestId("staff-row").count()).resolves.toBe(3);
    await expect(exhibitor.getByTestId("quota").textContent()).resolves.toBe("Использовано 3 из 30 бейджей");
    // A bad email is reported next to the field, in Russian.
    await exhibitor.fill("[data-testid=add-staff] [name=lastName]", "Ошибкин");
    await exhibitor.fill("[data-testid=add-staff] [name=firstName]", "Олег");
    await exhibitor.fill("[data-testid=add-staff] [name=email]", "oleg@");
    await submit(exhibitor, "add-staff");
    await expect(exhibitor.getByTestId("error-email").textContent()).resolves.toContain("адрес эл. почты");
    // Each added person gets an invitation with the QR code.
    const invite = await smtp.waitFor((m) => m.envelope.to.some((to) => to.includes("petr@gamma.example")), 20_000);
    expect(invite.attachments.some((a) => a.contentType === "image/png")).toBe(true);
  });

  test("the exhibitor imports 20 people from an XLSX; the 2 that duplicate existing people are reported and skipped", async () => {
    const rows: string[][] = [];
    for (let i = 1; i <= 18; i++) rows.push([`Импортов${i}`, "Иван", "Петрович", "Менеджер", `import${i}@gamma.example`, `8 (917) 555-${String(i).padStart(4, "0")}`]);
    rows.push(["Иванов", "Пётр", "", "Инженер", "PETR@gamma.example", ""]); // this exhibitor's staff already
    rows.push(["Посетитель", "Первый", "", "", "visitor1@example.com", ""]); // a visitor of the event (seed)
    mkdirSync("tests/.tmp", { recursive: true });
    const file = path.resolve("tests/.tmp", `staff-${Date.now()}.xlsx`);
    writeFileSync(file, await makeStaffXlsx(rows));
    await exhibitor.click("text=Импорт из XLSX или CSV");
    await exhibitor.setInputFiles("#file", file);
    await Promise.all([exhibitor.waitForURL(/\/cabinet\/import\?id=/), exhibitor.click("[data-testid=upload] button[type=submit]")]);
    await expect(exhibitor.getByTestId("summary").textContent()).resolves.toContain("Строк в файле: 20");
    const dups = (await exhibitor.getByTestId("duplicates").textContent()) ?? "";
    expect(dups).toContain("Строка 20");
    expect(dups).toContain("Строка 21");
    await Promise.all([exhibitor.waitForURL(/\/cabinet\?imported=/), exhibitor.click("text=Загрузить 18 сотрудников")]);
    await expect(exhibitor.getByTestId("imported").textContent()).resolves.toContain("добавлено 18");
    await expect(exhibitor.getByTestId("staff-row").count()).resolves.toBe(21);
    await expect(exhibitor.getByTestId("quota").textContent()).resolves.toBe("Использовано 21 из 30 бейджей");
  });

  test("a form loaded before the lock and submitted after it is refused; the cabinet turns read-only; unlock restores", async () => {
    await exhibitor.reload();
    await exhibitor.fill("[data-testid=add-staff] [name=lastName]", "Поздний");
    await exhibitor.fill("[data-testid=add-staff] [name=firstName]", "Павел");
    await exhibitor.fill("[data-testid=add-staff] [name=email]", "late@gamma.example");

    await manager.reload();
    await manager.fill("[name=reason]", "Не оплачен стенд");
    await Promise.all([manager.waitForResponse((r) => r.request().method() === "POST"), manager.click("text=Закрыть кабинет")]);
    await manager.waitForLoadState("networkidle");

    await submit(exhibitor, "add-staff");
    await expect(exhibitor.getByTestId("form-error").textContent()).resolves.toBe("Кабинет закрыт организатором: изменения не сохранены.");
    await expect(exhibitor.getByTestId("staff-row").count()).resolves.toBe(21);
    await expect(exhibitor.getByTestId("state-banner").textContent()).resolves.toContain("Не оплачен стенд");
    await expect(exhibitor.locator("[data-testid=add-staff]").count()).resolves.toBe(0);
    await expect(exhibitor.locator("[data-testid=company-card] [name=city]").isDisabled()).resolves.toBe(true);

    // A hand-made POST from the logged-in browser is refused by the server too.
    const direct = await exhibitor.request.post(e2e.app.url + "/cabinet?index", { form: { intent: "card", name: "Взлом" }, headers: { origin: e2e.app.url } });
    expect(await direct.text()).toContain("Кабинет закрыт организатором");
    await exhibitor.reload();
    await expect(exhibitor.locator("[data-testid=company-card] [name=name]").inputValue()).resolves.toBe("Гамма");

    await Promise.all([manager.waitForResponse((r) => r.request().method() === "POST"), manager.click("text=Открыть кабинет")]);
    await exhibitor.reload();
    await addStaff(exhibitor, "Поздний", "Павел", "late@gamma.example");
    await expect(exhibitor.getByTestId("staff-row").count()).resolves.toBe(22);
  });

  test("the manager sees the changes in the cabinet's audit log", async () => {
    await manager.reload();
    const log = (await manager.getByTestId("audit").textContent()) ?? "";
    // In words (the change log of issue #13 item 2), not as raw action keys.
    for (const action of ["Кабинет закрыт", "Кабинет открыт", "Добавлен сотрудник: Поздний Павел", "Импорт сотрудников", "Изменён экспонент", "Создан вход в кабинет"]) expect(log).toContain(action);
    expect(log).toContain("Город: — → Казань");
    expect(log).toContain("Имя: Анна Гаммова");
    expect(log).not.toContain("cabinet.lock");
  });

  test("the manager creates an event with the cabinet deadline in the venue's time zone; bad input is reported next to the fields", async () => {
    await manager.goto(e2e.app.url + "/manage");
    await hydrated(manager);
    const form = "[data-testid=create-event]";
    await manager.fill(`${form} [name=name]`, "Иннопром 2027");
    await manager.fill(`${form} [name=venue]`, "Екатеринбург-ЭКСПО");
    await manager.fill(`${form} [name=timezone]`, "Mars/Olympus");
    await manager.fill(`${form} [name=startsAt]`, "2027-07-07T10:00");
    await manager.fill(`${form} [name=endsAt]`, "2027-07-06T17:00");
    await submit(manager, "create-event");
    await expect(manager.getByTestId("error-timezone").textContent()).resolves.toContain("часовой пояс");
    await manager.fill(`${form} [name=timezone]`, "Asia/Yekaterinburg");
    await submit(manager, "create-event");
    await expect(manager.getByTestId("error-endsAt").textContent()).resolves.toContain("раньше начала");
    await manager.fill(`${form} [name=endsAt]`, "2027-07-10T17:00");
    await manager.fill(`${form} [name=editDeadline]`, "2027-07-01T18:00");
    await hydrated(manager);
    await Promise.all([manager.waitForURL(/\/manage\/events\/[0-9a-f-]{36}$/), manager.locator(`${form} button[type=submit]`).click()]);
    await manager.waitForSelector("[data-testid=event-settings]");
    await expect(manager.locator("main").textContent()).resolves.toContain("1 июл. 2027 г., 18:00");
    const { default: pg } = await import("pg");
    const c = new pg.Client({ connectionString: e2e.app.databaseUrl });
    await c.connect();
    const row = await c.query(`SELECT "editDeadline" FROM "Event" WHERE name = 'Иннопром 2027'`);
    await c.end();
    expect(row.rows[0].editDeadline.toISOString()).toBe("2027-07-01T13:00:00.000Z");
  });
});
