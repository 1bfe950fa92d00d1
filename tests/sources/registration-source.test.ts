// Where registrations come from (issue #14 item 1): the public form embedded in the organiser's
// site in real Chromium keeps the page's UTM tags and the embedding page as referrer, hostile
// tags are cleaned, an API registration records its site token's name, a manager's own label
// wins; the Bitrix24 emulator receives SOURCE_ID, SOURCE_DESCRIPTION and UTM_* on the deal.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { fillAndSubmit, submitPublicForm } from "../setup/public-form";
import { call, createToken } from "../registration/helpers";
import { diagnostics, drained, getPage, insertEvent, managerSession, postForm, startFastWorld, waitFor, type World } from "../crm-sync/helpers";

let w: World;
let browser: Browser;
let organiser: Server;
let organiserUrl: string;
let eventId: string;
let cookie: string;
const PASSWORD = "sources-test-2026";

beforeAll(async () => {
  [w, browser] = await Promise.all([startFastWorld(), launchBrowser()]);
  eventId = await insertEvent(w.db, "ПромЭкспо");
  cookie = await managerSession(w, "sources@expo.test", PASSWORD);
  // The organiser's site on another host name (localhost vs 127.0.0.1), passing its ad tags on to the frame.
  const tags = new URLSearchParams({
    utm_source: "  yandex ",
    utm_medium: "cpc",
    utm_campaign: "весна\u0000<script>alert(1)</script>\r\nX",
    utm_term: "t".repeat(500),
  });
  organiser = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><body><iframe id="reg" src="${w.app.url}/e/${eventId}/register?lang=ru&${tags}" style="width:100%;height:1600px;border:0"></iframe></body></html>`);
  });
  await new Promise<void>((resolve) => organiser.listen(0, "127.0.0.1", resolve));
  organiserUrl = `http://localhost:${(organiser.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await closeBrowser(browser);
  await w?.stop();
  await new Promise((r) => (organiser ? organiser.close(r) : r(null)));
});

async function frameOf(url: string): Promise<Frame> {
  const page = await (await browser.newContext({ locale: "ru-RU" })).newPage();
  await page.goto(url);
  const frame = await (await page.waitForSelector("iframe#reg")).contentFrame();
  if (!frame) throw new Error("no frame");
  await frame.waitForSelector("[data-testid=register-form]");
  return frame;
}

const dealOf = async (regId: string) => {
  await drained(w).catch(async (e) => {
    throw new Error(`${e}\n${await diagnostics(w)}`);
  });
  const row = (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [regId])).rows[0];
  return w.emu.state.record("deal", row.crmDealId)!;
};

describe("registration sources", () => {
  test("the form embedded in the organiser's site stores its UTM tags (cleaned) and the referrer; the deal gets them", async () => {
    const frame = await frameOf(organiserUrl);
    await frame.fill("[name=lastName]", "Громова");
    await frame.fill("[name=firstName]", "Ольга");
    await frame.fill("[name=email]", "gromova@utm.example");
    // A first post with an error: the hidden tags survive the re-rendered page.
    await submitPublicForm(frame, "register-form");
    expect(await frame.textContent("[data-testid=error-consent]")).toBeTruthy();
    await frame.check("[name=consent]");
    await submitPublicForm(frame, "register-form");
    await frame.waitForSelector("[data-testid=reg-done]");

    const reg = (
      await w.db.query(
        `SELECT r.id, r.source, r."utmSource", r."utmMedium", r."utmCampaign", r."utmContent", r."utmTerm", r.referrer, r."sourceDetail"
         FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = 'gromova@utm.example'`,
      )
    ).rows[0];
    expect(reg).toMatchObject({
      source: "site",
      utmSource: "yandex",
      utmMedium: "cpc",
      utmCampaign: "весна <script>alert(1)</script> X",
      utmContent: null,
      utmTerm: "t".repeat(200),
      referrer: organiserUrl,
      sourceDetail: null,
    });

    const deal = await dealOf(reg.id);
    expect(deal).toMatchObject({
      SOURCE_ID: "WEB",
      SOURCE_DESCRIPTION: `yandex · ${organiserUrl}`,
      UTM_SOURCE: "yandex",
      UTM_MEDIUM: "cpc",
      UTM_CAMPAIGN: "весна <script>alert(1)</script> X",
      UTM_TERM: "t".repeat(200),
    });
  });

  test("the stand booking page opened directly keeps its tags; no referrer of our own", async () => {
    const page = await (await browser.newContext({ locale: "ru-RU" })).newPage();
    await page.goto(`${w.app.url}/e/${eventId}/stand?utm_source=vk&utm_campaign=stands-2026`);
    await fillAndSubmit(page, "stand-form", { companyName: "ООО Метиз", lastName: "Лебедев", firstName: "Иван", email: "lebedev@metiz.example", areaM2: "12" });
    await page.waitForSelector("[data-testid=stand-done]");
    const b = (await w.db.query(`SELECT id, "utmSource", "utmCampaign", "utmMedium", referrer, "crmDealId" FROM "StandBooking" WHERE "contactEmail" = 'lebedev@metiz.example'`)).rows[0];
    expect(b).toMatchObject({ utmSource: "vk", utmCampaign: "stands-2026", utmMedium: null, referrer: null });
    await drained(w);
    const dealId = (await w.db.query(`SELECT "crmDealId" FROM "StandBooking" WHERE id = $1`, [b.id])).rows[0].crmDealId;
    expect(w.emu.state.record("deal", dealId)).toMatchObject({ SOURCE_ID: "WEB", SOURCE_DESCRIPTION: "vk", UTM_SOURCE: "vk", UTM_CAMPAIGN: "stands-2026", UTM_MEDIUM: null });
  });

  test("an API registration records the site token's name; the deal says it", async () => {
    const site = await createToken(w.app, "site"); // named "test site"
    const r = await call(w.app, `/api/v1/events/${eventId}/registrations`, "POST", site, {
      category: "media",
      person: { lastName: "Ершов", firstName: "Павел", email: "ershov@press.example" },
      media: { outlet: "Вестник" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const row = (await w.db.query(`SELECT source, "sourceDetail", "utmSource" FROM "Registration" WHERE id = $1`, [r.body.id])).rows[0];
    expect(row).toEqual({ source: "api", sourceDetail: "test site", utmSource: null });
    const deal = await dealOf(r.body.id);
    expect(deal).toMatchObject({ SOURCE_ID: "WEB", SOURCE_DESCRIPTION: "test site", UTM_SOURCE: null }); // "" clears a field
  });

  test("a manager's own label wins in the API view and the CRM; it is audited; a too long one is refused next to the form", async () => {
    const regId = (await w.db.query(`SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = 'ershov@press.example'`)).rows[0].id;
    const page = await getPage(w, `/manage/events/${eventId}/media`, cookie);
    expect(page.text).toContain('data-testid="source-form"');

    const long = await postForm(w, `/manage/events/${eventId}/media`, cookie, { intent: "source", registrationId: regId, manualSource: "x".repeat(201) });
    expect(long.status).toBe(200);
    expect(long.text).toMatch(/data-testid="form-error"[^>]*>This value is too long\./);
    expect((await w.db.query(`SELECT "manualSource" FROM "Registration" WHERE id = $1`, [regId])).rows[0].manualSource).toBeNull();

    const saved = await postForm(w, `/manage/events/${eventId}/media`, cookie, { intent: "source", registrationId: regId, manualSource: "  Партнёр: Союз журналистов " });
    expect(saved.status).toBe(200);
    expect((await w.db.query(`SELECT "manualSource" FROM "Registration" WHERE id = $1`, [regId])).rows[0].manualSource).toBe("Партнёр: Союз журналистов");
    const audit = (await w.db.query(`SELECT action, before, after FROM "AuditLog" WHERE "entityId" = $1 AND action = 'registration.source'`, [regId])).rows;
    expect(audit).toEqual([{ action: "registration.source", before: { manualSource: null }, after: { manualSource: "Партнёр: Союз журналистов" } }]);

    const manager = await createToken(w.app, "manager");
    const view = await call(w.app, `/api/v1/registrations/${regId}`, "GET", manager);
    expect(view.body.origin).toMatchObject({ channel: "Партнёр: Союз журналистов", sourceDetail: "test site", manualSource: "Партнёр: Союз журналистов" });
    await waitFor("the deal to carry the label", async () => {
      await drained(w);
      const row = (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [regId])).rows[0];
      return w.emu.state.record("deal", row.crmDealId)?.SOURCE_DESCRIPTION === "Партнёр: Союз журналистов · test site";
    });
  });
});
