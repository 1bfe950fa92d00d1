// Stand-booking requests in the CRM: a company, a contact and a deal in the exhibition-services
// pipeline at stage "new"; converting the request into an exhibitor carries the same deal on and
// reuses the company. Through the real API, page, worker and the Bitrix24 emulator.
import { beforeAll, describe, expect, test } from "vitest";
import { BITRIX24_SEED } from "../emulators/bitrix24";
import { call, createToken } from "../registration/helpers";
import { drained, fastWorldPerFile, getPage, insertEvent, managerSession, postForm, stateOf, waitFor } from "./helpers";

const w = fastWorldPerFile();
let eventId: string;
let site: string;
let cookie: string;
const PASSWORD = "stand-booking-test-2026";

beforeAll(async () => {
  eventId = await insertEvent(w.db, "СтройЭкспо", "Крокус");
  site = await createToken(w.app, "site");
  cookie = await managerSession(w, "sales@expo.test", PASSWORD);
});

const booking = (n: number, extra: Record<string, unknown> = {}) => ({
  company: { name: `СтанкоМаш-${n}`, city: "Челябинск", website: `stankomash${n}.example` },
  contact: {
    lastName: "Орлов",
    firstName: "Пётр",
    position: "Коммерческий директор",
    email: `orlov${n}@stankomash.example`,
    phone: `+7 351 200-00-0${n}`,
  },
  areaM2: 24.5,
  comment: "Угловой стенд",
  ...extra,
});

describe("stand bookings in the CRM", () => {
  test("a request becomes a company, a contact and a services deal at stage new; converting keeps the deal and the company", async () => {
    // The sales user and the services pipeline, as a manager maps them on /manage/crm.
    const services = BITRIX24_SEED.servicesCategoryId;
    await w.db.query(
      `INSERT INTO "CrmSettings" (id, "servicesCategoryId", "servicesResponsibleId") VALUES (1, $1, 7)
       ON CONFLICT (id) DO UPDATE SET "servicesCategoryId" = $1, "servicesResponsibleId" = 7`,
      [services],
    );

    const r = await call(w.app, `/api/v1/events/${eventId}/stand-bookings`, "POST", site, booking(1));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as string;
    await drained(w);
    const row = (await w.db.query(`SELECT "crmDealId", "crmCompanyId", "crmContactId" FROM "StandBooking" WHERE id = $1`, [id])).rows[0];
    const st = w.emu.state;
    const deal = st.record("deal", row.crmDealId)!;
    expect(deal).toMatchObject({
      CATEGORY_ID: String(services),
      ASSIGNED_BY_ID: "7",
      COMMENTS: "Угловой стенд",
      ORIGIN_ID: `standBooking:${id}`,
    });
    expect(deal.TITLE).toBe("СтройЭкспо: заявка на стенд — СтанкоМаш-1, 24.5 м²");
    expect(deal.STAGE_ID).toBe(`C${services}:NEW`); // the pipeline's first process stage
    expect(deal.CONTACT_IDS).toEqual([row.crmContactId]);
    expect(Number(deal.COMPANY_ID)).toBe(row.crmCompanyId);
    const contact = st.record("contact", row.crmContactId)!;
    expect(contact).toMatchObject({ NAME: "Пётр", LAST_NAME: "Орлов", POST: "Коммерческий директор" });
    expect(contact.COMPANY_IDS).toEqual([row.crmCompanyId]);
    expect(st.record("company", row.crmCompanyId)!.TITLE).toBe("СтанкоМаш-1");
    expect((await stateOf(w.db, { entity: "standBooking", id }))?.status).toBe("synced");

    // The manager's stand-bookings page shows the record as synced.
    const page = await getPage(w, `/manage/events/${eventId}/stand-bookings`, cookie);
    expect(page.text).toMatch(new RegExp(`data-crm-status="synced"[^>]*data-crm-ref="standBooking:${id}"`));

    // Converting it: the exhibitor's company is the booking's company (found by e-mail), and the
    // participation deal is the booking's deal, not a second one.
    const deals = st.count("deal");
    const companies = st.count("company");
    const done = await postForm(w, `/manage/events/${eventId}/stand-bookings`, cookie, {
      intent: "convert",
      bookingId: id,
      stand: "D-12",
      staffQuota: "4",
    });
    expect(done.status).toBeLessThan(400);
    const ex = await waitFor(
      "the exhibitor",
      async () =>
        (await w.db.query(`SELECT "exhibitorId" FROM "StandBooking" WHERE id = $1 AND status = 'converted'`, [id])).rows[0]?.exhibitorId,
    );
    await drained(w);
    const exRow = (
      await w.db.query(
        `SELECT e."crmDealId", o."crmCompanyId" FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE e.id = $1`,
        [ex],
      )
    ).rows[0];
    expect(exRow.crmDealId).toBe(row.crmDealId);
    expect(exRow.crmCompanyId).toBe(row.crmCompanyId);
    expect(st.count("deal")).toBe(deals);
    expect(st.count("company")).toBe(companies);
    expect(st.record("deal", row.crmDealId)!.TITLE).toContain("D-12");
    const exPage = await getPage(w, `/manage/exhibitors/${ex}`, cookie);
    expect(exPage.text).toMatch(/data-crm-status="synced" data-crm-ref="(organization|exhibitor):/);
  });

  test("a CRM refusal fails only that request, with the CRM's text and a retry on the page", async () => {
    w.emu.state.rejectField({ entity: "deal", field: "TITLE", value: /Отказ/, message: "Поле «Название» содержит запрещённое слово" });
    const bad = await call(
      w.app,
      `/api/v1/events/${eventId}/stand-bookings`,
      "POST",
      site,
      booking(2, { company: { name: "Отказ", city: "Омск" } }),
    );
    const good = await call(w.app, `/api/v1/events/${eventId}/stand-bookings`, "POST", site, booking(3));
    await drained(w);
    expect(await stateOf(w.db, { entity: "standBooking", id: bad.body.id })).toMatchObject({
      status: "failed",
      lastError: "Поле «Название» содержит запрещённое слово",
    });
    expect((await stateOf(w.db, { entity: "standBooking", id: good.body.id }))?.status).toBe("synced");
    const page = await getPage(w, `/manage/events/${eventId}/stand-bookings`, cookie);
    expect(page.text).toMatch(new RegExp(`data-crm-status="failed"[^>]*data-crm-ref="standBooking:${bad.body.id}"`));
    expect(page.text).toContain("Поле «Название» содержит запрещённое слово");
  });
});
