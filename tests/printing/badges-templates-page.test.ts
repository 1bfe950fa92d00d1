// Issue #7, manager side: the event + category badge templates page, and that printing, the
// bulk PDF and the preview use what it saved (the printer's stock keeps its size).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import QRCode from "qrcode";
import { describe, expect, test } from "vitest";
import { createKiosk, register, scan, waitFor } from "../checkin/helpers";
import { readPdf, squash } from "./helpers";
import { readStream, useManagerWorld } from "./manager-setup";

const w = useManagerWorld();

/** The manager saves the A6 template of exhibitor staff with these fields. */
const saveStaffTemplate = (fields: Record<string, string>) =>
  w.post(`/manage/events/${w.ctx.eventId}/badges?category=exhibitor_staff`, w.cookies.manager, {
    intent: "save",
    category: "exhibitor_staff",
    stock: "a6",
    ...fields,
  });

describe("event + category templates", () => {
  test("a bad value is a translated message next to the field and nothing is saved", async () => {
    const r = await saveStaffTemplate({
      nameMaxSize: "huge",
      bandColor: "green",
      showBand: "on",
    });
    expect(r.status).toBe(200);
    expect(r.text).toContain("Enter a size as a number from 5 to 120 pt.");
    expect(r.text).toContain("A colour like #1E6FD9.");
    const n = await w.ctx.db.pool().query(`SELECT count(*)::int AS n FROM "BadgeTemplate" WHERE "eventId" = $1`, [w.ctx.eventId]);
    expect(n.rows[0].n).toBe(0);
  });

  test("the saved category template is what the bulk PDF, check-in printing and the preview use; the printer's stock keeps its size", async () => {
    const saved = await saveStaffTemplate({
      showEvent: "on",
      showCompany: "on",
      showBand: "on",
      showLogo: "on",
      nameMode: "full",
      nameMaxSize: "40",
      companyMaxSize: "18",
      bandColor: "#FF6600",
      bandTextColor: "#000000",
      labelRu: "ЗАСТРОЙЩИК",
      labelEn: "BUILDER",
    });
    expect(saved.text).toContain("Template saved");
    // The page shows the saved values again.
    const page = await (await w.get(`/manage/events/${w.ctx.eventId}/badges?category=exhibitor_staff`, w.cookies.manager)).text();
    expect(page).toContain('value="ЗАСТРОЙЩИК"');
    expect(page).toContain('value="#FF6600"');

    // СтройМаш's logo (as the cabinet stores it) goes into the A6 logo box.
    const port = new URL(w.ctx.app.url).port;
    const logos = path.join(__dirname, "../.tmp", `app-${port}`, "logos");
    mkdirSync(logos, { recursive: true });
    writeFileSync(path.join(logos, "stroymash-test.png"), await QRCode.toBuffer("LOGO", { margin: 0, scale: 4 }));
    await w.ctx.db
      .pool()
      .query(
        `UPDATE "Organization" SET "logoPath" = 'stroymash-test.png' WHERE "id" = (SELECT "organizationId" FROM "Exhibitor" WHERE "id" = $1)`,
        [w.ids.stroymash],
      );
    // Bulk PDF: A6 pages with the band label and the logo; position was switched off.
    const person = await register(w.ctx, {
      lastName: "Шаблонов",
      firstName: "Семён",
      exhibitorId: w.ids.stroymash,
      category: "exhibitor_staff",
    });
    await w.ctx.db.pool().query(`UPDATE "Person" SET "position" = 'Прораб' WHERE "id" = $1`, [person.personId]);
    const res = await w.get(`/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.stroymash}`, w.cookies.manager);
    const bulk = (await readStream(res)).pdf;
    expect(bulk.toString("latin1")).toContain("/Subtype /Image");
    const pages = await readPdf(bulk);
    const mine = pages.find((p) => squash(p.text).includes("Шаблонов Семён"))!;
    expect(mine.width).toBeCloseTo((105 * 72) / 25.4, 0);
    expect(squash(mine.text)).toContain("ЗАСТРОЙЩИК");
    expect(squash(mine.text)).not.toContain("Прораб");

    // Check-in on a Zebra with no stock of its own: the event template decides the size (A6 = 840 dots at 203 dpi).
    const z1 = await w.zebra();
    const free = await w.ctx.db
      .prisma()
      .printer.create({ data: { eventId: w.ctx.eventId, name: "Zebra без носителя", driver: "raw_tcp", address: z1.address } });
    const k1 = await createKiosk(w.ctx, { printerId: free.id });
    const r1 = await scan(w.ctx, k1.token, { code: person.code, print: true });
    expect(r1.body.printJob).toBeTruthy();
    const [j1] = await waitFor("ZPL at the first Zebra", async () => z1.jobs.length > 0 && z1.jobs);
    const zpl1 = j1.data.toString("utf8");
    expect(zpl1).toContain("^PW840");
    expect(zpl1).toContain("ЗАСТРОЙЩИК");
    expect(zpl1).not.toContain("Прораб");

    // A Zebra loaded with 4 x 3 in labels keeps its size (812 dots) but takes the event's content.
    const z2 = await w.zebra();
    const stocked = await w.ctx.call(`/api/v1/print-jobs/${r1.body.printJob.id}/move`, "POST", w.ctx.managerToken, { printerId: free.id });
    expect(stocked.status).toBe(422); // already there
    const p2 = await w.post(`/manage/events/${w.ctx.eventId}/printers`, w.cookies.manager, {
      intent: "create",
      name: "Zebra 4x3",
      driver: "raw_tcp",
      address: z2.address,
      stock: "zebra-4x3",
    });
    expect(p2.text).toContain("Printer added.");
    const row = await w.ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Zebra 4x3" } });
    const k2 = await createKiosk(w.ctx, { printerId: row.id });
    const other = await register(w.ctx, {
      lastName: "Четырёхтрёхов",
      firstName: "Илья",
      exhibitorId: w.ids.stroymash,
      category: "exhibitor_staff",
    });
    await scan(w.ctx, k2.token, { code: other.code, print: true });
    const [j2] = await waitFor("ZPL at the 4x3 Zebra", async () => z2.jobs.length > 0 && z2.jobs);
    const zpl2 = j2.data.toString("utf8");
    expect(zpl2).toContain("^PW812");
    expect(zpl2).toContain("ЗАСТРОЙЩИК");
    // A visitor has no template of its own and no "all" template: the default band label.
    const visitor = await register(w.ctx, { lastName: "Гостев", firstName: "Олег" });
    await scan(w.ctx, k2.token, { code: visitor.code, print: true });
    const [, j3] = await waitFor("second ZPL", async () => z2.jobs.length > 1 && z2.jobs);
    expect(j3.data.toString("utf8")).toContain("Посетитель");
    expect(j3.data.toString("utf8")).not.toContain("ЗАСТРОЙЩИК");
  }, 60_000);

  test("the preview is a PNG from the real renderers (PDF via pdftoppm, ZPL via zpl-renderer-js) and follows the form", async () => {
    const q = new URLSearchParams({ category: "media", stock: "a6", showBand: "on", labelRu: "ПРЕССА-2026", nameMaxSize: "30" });
    const pdf = await w.get(`/manage/events/${w.ctx.eventId}/badges/preview?${q}`, w.cookies.manager);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await pdf.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(Math.round((105 / 25.4) * 110)); // A6 width at 110 dpi
    q.set("stock", "zebra-4x3");
    q.set("format", "zpl");
    const zpl = await w.get(`/manage/events/${w.ctx.eventId}/badges/preview?${q}`, w.cookies.manager);
    expect(zpl.status).toBe(200);
    const zpng = Buffer.from(await zpl.arrayBuffer());
    expect(Math.abs(zpng.readUInt32BE(16) - 812)).toBeLessThanOrEqual(1); // 4 in at 8 dots/mm
    // Managers only.
    expect((await w.get(`/manage/events/${w.ctx.eventId}/badges/preview?${q}`, w.cookies.stroymash)).status).toBe(403);
    expect((await w.get(`/manage/events/${w.ctx.eventId}/badges`, w.cookies.stroymash)).status).toBe(403);
  }, 60_000);
});
