import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyTicketCode as verifyOffline } from "../../app/shared/ticket-code";
import { verifyTicketCode } from "../../app/services/ticket-codes.server";
import { startSmtpServer, type SmtpTestServer } from "../emulators/smtp";
import { decodeQrPng } from "../messaging/qr";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { startApp, type RunningApp } from "../setup/app";
import { call, createToken, dbClient, waitUntil } from "./helpers";
import { submitPublicForm } from "../setup/public-form";

// The "done when": a visitor registers on the public page (embedded in another site's
// iframe, on a phone-sized screen) in real Chromium; the invitation reaches a loopback SMTP
// server with a QR that decodes to a code verifying with the event's public key; the private
// link in the mail shows the ticket and cancels the registration.

let app: RunningApp;
let smtp: SmtpTestServer;
let browser: Browser;
let phone: BrowserContext;
let organiser: Server;
let organiserUrl: string;
let db: pg.Client;
let eventId: string;
const EMAIL = "maria.sokolova@visitors.example";

beforeAll(async () => {
  smtp = await startSmtpServer();
  [app, browser] = await Promise.all([startApp({ seed: false, env: { SMTP_URL: smtp.url } }), launchBrowser()]);
  db = await dbClient(app);
  const manager = await createToken(app, "manager");
  const starts = new Date(Date.now() + 14 * 86_400_000);
  const ev = await call(app, "/api/v1/events", "POST", manager, {
    name: "СтройЭкспо 2026",
    venue: "Крокус Экспо, павильон 3",
    address: "Красногорск, Международная ул., 16",
    timezone: "Europe/Moscow",
    startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + 2 * 86_400_000).toISOString(),
  });
  eventId = ev.body.id;
  // The organiser's own site, on another host name (localhost vs 127.0.0.1: cross-site).
  organiser = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0">
<h1 style="font:16px sans-serif">Организатор</h1>
<iframe id="reg" title="registration" src="${app.url}/e/${eventId}/register?lang=ru" style="width:100%;height:1500px;border:0"></iframe>
<iframe id="staff" title="staff" src="${app.url}/login" style="width:100%;height:200px;border:0"></iframe>
<script>window.heights=[];addEventListener("message",(e)=>{if(e.data&&e.data.type==="expodesk:height")window.heights.push(e.data.height)})</script>
</body></html>`);
  });
  await new Promise<void>((resolve) => organiser.listen(0, "127.0.0.1", resolve));
  organiserUrl = `http://localhost:${(organiser.address() as AddressInfo).port}/`;
  phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: "ru-RU",
  });
});
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
  await smtp?.close();
  await db?.end();
  await new Promise((r) => (organiser ? organiser.close(r) : r(null)));
});

async function registrationFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector("iframe#reg");
  const frame = await handle.contentFrame();
  if (!frame) throw new Error("no frame");
  await frame.waitForSelector("[data-testid=register-form]");
  return frame;
}

async function qrFromDataUrl(page: Page, selector: string): Promise<string | null> {
  const src = await page.getAttribute(selector, "src");
  expect(src).toMatch(/^data:image\/png;base64,/);
  return decodeQrPng(Buffer.from(src!.split(",")[1], "base64"));
}

describe("public registration in Chromium", () => {
  let manageLink = "";

  test("a visitor registers on the page embedded in the organiser's site, on a phone; errors are shown next to the fields in Russian", async () => {
    const page = await phone.newPage();
    await page.goto(organiserUrl);
    const frame = await registrationFrame(page);
    expect(await frame.textContent("h2")).toBe("Регистрация");
    // The staff login refuses to be framed: only /e/... pages may be embedded. Its frame has
    // finished loading (Chromium's error page when refused) before we look inside.
    const staff = await waitUntil("the staff frame to navigate", async () =>
      page.frames().find((f) => f !== page.mainFrame() && f !== frame && f.url() !== "" && f.url() !== "about:blank"),
    );
    await staff.waitForLoadState("load");
    expect(await staff.$("#email").catch(() => null)).toBeNull();

    // Media fields appear only for a media application (CSS, so it works without scripts too).
    expect(await frame.isVisible("[data-testid=media-fields]")).toBe(false);
    await frame.check("input[name=category][value=media]");
    expect(await frame.isVisible("[data-testid=media-fields]")).toBe(true);
    expect(await frame.textContent("[data-testid=register-form] button[type=submit]")).toContain("Отправить заявку на аккредитацию");
    await frame.check("input[name=category][value=visitor]");
    expect(await frame.isVisible("[data-testid=media-fields]")).toBe(false);

    await frame.fill("[name=lastName]", "соколова");
    await frame.fill("[name=firstName]", "мария");
    await frame.fill("[name=email]", "maria@");
    await frame.fill("[name=phone]", "8 (916) 555-12-34");
    await frame.fill("[name=companyName]", "ООО «Стройресурс»");
    await frame.fill("[name=inn]", "7707083894");
    await submitPublicForm(frame, "register-form");
    expect(await frame.textContent("[data-testid=error-email]")).toContain("Введите адрес эл. почты");
    expect(await frame.textContent("[data-testid=error-inn]")).toContain("контрольную сумму");
    expect(await frame.textContent("[data-testid=error-consent]")).toContain("согласия");
    expect(await frame.inputValue("[name=lastName]")).toBe("соколова"); // what was typed stays

    await frame.fill("[name=email]", EMAIL);
    await frame.fill("[name=inn]", "7707083893");
    await frame.check("[name=consent]");
    // One column on a phone: nothing wider than the screen.
    expect(await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await submitPublicForm(frame, "register-form");
    expect(await frame.textContent("[data-testid=reg-done]")).toContain(`Приглашение с QR-кодом отправлено на ${EMAIL}`);
    // The page told the organiser's page its height (for an auto-sized iframe).
    expect((await page.evaluate(() => (window as unknown as { heights: number[] }).heights)).length).toBeGreaterThan(0);

    const row = await db.query(
      `SELECT r.status, r.source, r.category, p."lastName", p."firstName", p.phone, o.inn FROM "Registration" r JOIN "Person" p ON p.id = r."personId" LEFT JOIN "Organization" o ON o.id = p."organizationId" WHERE p.email = $1`,
      [EMAIL],
    );
    expect(row.rows).toEqual([
      {
        status: "confirmed",
        source: "site",
        category: "visitor",
        lastName: "Соколова",
        firstName: "Мария",
        phone: "+79165551234",
        inn: "7707083893",
      },
    ]);
  });

  test("the invitation arrives over SMTP with a QR that decodes to a code verifying with the event's public key (server and offline kiosk check)", async () => {
    const mail = await smtp.waitFor((m) => m.envelope.to.includes(EMAIL), 20_000);
    expect(mail.subject).toBe("Приглашение на «СтройЭкспо 2026»");
    const png = mail.attachments.find((a) => a.contentType === "image/png" && a.contentDisposition === "attachment");
    const code = decodeQrPng(png!.content);
    expect(code).toBeTruthy();
    const keys = (await db.query(`SELECT "publicKey" FROM "EventKey" WHERE "eventId" = $1`, [eventId])).rows.map(
      (r) => r.publicKey as string,
    );
    const regId = (await db.query(`SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = $1`, [EMAIL]))
      .rows[0].id;
    expect(verifyTicketCode(code!, keys)).toMatchObject({ ok: true, registrationId: regId });
    expect(await verifyOffline(code!, keys)).toMatchObject({ ok: true, registrationId: regId });
    // One changed character fails.
    const forged = code!.slice(0, 20) + (code![20] === "A" ? "B" : "A") + code!.slice(21);
    expect(verifyTicketCode(forged, keys).ok).toBe(false);
    manageLink = /https?:\/\/[^\s"<>]+\/e\/[0-9a-f-]{36}\/my\/[A-Za-z0-9_-]{32}/.exec(mail.text ?? "")?.[0] ?? "";
    expect(manageLink, mail.text ?? "").toContain(`/e/${eventId}/my/`);
  });

  test("the private link shows the ticket with the same QR and a calendar file; the phone can be changed; cancelling asks first, then cancels", async () => {
    const page = await phone.newPage();
    await page.goto(manageLink);
    expect(await page.textContent("[data-testid=status]")).toBe("Регистрация подтверждена");
    expect(await page.textContent("[data-testid=ticket] h2")).toBe("Соколова Мария");
    const mailCode = decodeQrPng(
      smtp.messages.find((m) => m.envelope.to.includes(EMAIL))!.attachments.find((a) => a.contentType === "image/png")!.content,
    );
    expect(await qrFromDataUrl(page, "[data-testid=qr]")).toBe(mailCode);
    const ics = await page.request.get(new URL((await page.getAttribute("[data-testid=ics]", "href"))!, manageLink).href);
    expect(ics.headers()["content-type"]).toContain("text/calendar");
    expect(await ics.text()).toContain("SUMMARY:СтройЭкспо 2026");

    await page.fill("[data-testid=phone-form] [name=phone]", "+7 903 000-11-22");
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("[data-testid=phone-form] button[type=submit]"),
    ]);
    expect(await page.textContent("[data-testid=notice]")).toBe("Телефон сохранён.");

    await page.click("[data-testid=cancel-link]");
    await page.waitForSelector("[data-testid=cancel-confirm]");
    expect(await page.textContent("[data-testid=cancel-confirm]")).toContain("QR-код перестанет действовать");
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("[data-testid=cancel-confirm] button[type=submit]"),
    ]);
    await waitUntil("the cancelled state", async () => (await page.textContent("[data-testid=status]")) === "Регистрация отменена");
    expect(await page.$("[data-testid=qr]")).toBeNull();
    expect(await page.$("[data-testid=cancel-link]")).toBeNull();
    const row = await db.query(`SELECT r.status, p.phone FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = $1`, [
      EMAIL,
    ]);
    expect(row.rows).toEqual([{ status: "cancelled", phone: "+79030001122" }]);
    const audit = await db.query(`SELECT action FROM "AuditLog" WHERE action LIKE 'registration.self.%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(["registration.self.phone", "registration.self.cancel"]);
  });
});
