// Issue #7, manager side, over the real server on the seeded demo data: event + category
// templates used by printing, the streamed bulk PDF (page count, names, who may download it),
// moving a print job from a dead printer to a live raw-TCP listener, the printers page.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp } from "../setup/app";
import { closedPort, createKiosk, fakeZebra, register, scan, waitFor, type Ctx, type FakeZebra } from "../checkin/helpers";
import { readPdf, squash } from "./helpers";
import { jsonCaller, sessionCookie } from "../setup/http";

let ctx: Ctx;
let ids: { stroymash: string; techno: string; detali: string };
let cookies: { manager: string; stroymash: string; techno: string; detali: string };
const zebras: FakeZebra[] = [];

const login = sessionCookie;

const get = (path: string, cookie?: string) => fetch(ctx.app.url + path, { redirect: "manual", headers: cookie ? { cookie: `${cookie}; lang=en` } : {} });
const post = async (path: string, cookie: string, fields: Record<string, string>) => {
  const res = await fetch(ctx.app.url + path, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ctx.app.url, cookie: `${cookie}; lang=en` },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  const app = await startApp({ seed: true });
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma, pool } = await import("../../app/utils/db.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const db = { prisma, pool, ticketCode, createApiToken };
  const exs = await pool().query<{ id: string; name: string; eventId: string }>(
    `SELECT x."id", o."name", x."eventId" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId"`,
  );
  const by = (re: RegExp) => exs.rows.find((r) => re.test(r.name))!;
  ids = { stroymash: by(/СтройМаш/i).id, techno: by(/Техно/i).id, detali: by(/Детал/i).id };
  const eventId = by(/СтройМаш/i).eventId;
  // A user of another exhibitor (same password hash as the demo exhibitor's).
  await pool().query(
    `INSERT INTO "User" ("email", "name", "role", "passwordHash", "exhibitorId")
     SELECT 'techno.user@example.com', 'Техно', 'exhibitor', "passwordHash", $1 FROM "User" WHERE "email" = 'exhibitor@stroymash.example'`,
    [ids.techno],
  );
  const managerToken = (await createApiToken({ role: "manager", name: "test manager" })).token;
  const call = jsonCaller(app.url);
  ctx = { app, managerToken, eventId, call, db };
  cookies = {
    manager: await login(app.url, "manager@expodesk.local", "demo-manager-2026"),
    stroymash: await login(app.url, "exhibitor@stroymash.example", "demo-exhibitor-2026"),
    techno: await login(app.url, "techno.user@example.com", "demo-exhibitor-2026"),
    detali: await login(app.url, "sub@detali.example", "demo-subexhibitor-2026"),
  };
  // 200 confirmed staff of СтройМаш, numbered so the order in the PDF can be checked.
  await pool().query(
    `WITH p AS (
       INSERT INTO "Person" ("lastName", "firstName", "email")
       SELECT 'Сотрудник' || lpad(i::text, 3, '0'), 'Иван', 'bulk' || i || '@stroymash.example' FROM generate_series(1, 200) i RETURNING "id")
     INSERT INTO "Registration" ("eventId", "personId", "exhibitorId", "category", "status", "codeSecret")
     SELECT $1, p."id", $2, 'exhibitor_staff', 'confirmed', gen_random_uuid()::text FROM p`,
    [eventId, ids.stroymash],
  );
  // Not in any PDF: cancelled.
  await register(ctx, { lastName: "Отменённый", firstName: "Пётр", exhibitorId: ids.stroymash, status: "cancelled", category: "exhibitor_staff" });
}, 120_000);

afterAll(async () => {
  await Promise.all(zebras.map((z) => z.close()));
  await ctx?.app.stop();
});

const zebra = async () => {
  const z = await fakeZebra();
  zebras.push(z);
  return z;
};

async function readStream(res: Response): Promise<{ pdf: Buffer; firstChunkMs: number; totalMs: number; chunks: number }> {
  const t0 = performance.now();
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let firstChunkMs = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstChunkMs < 0) firstChunkMs = performance.now() - t0;
    parts.push(value);
  }
  return { pdf: Buffer.concat(parts), firstChunkMs, totalMs: performance.now() - t0, chunks: parts.length };
}

describe("bulk badges PDF", () => {
  test("an exhibitor's 200+ staff: one streamed PDF, one page per badge, every name, counts announced up front", async () => {
    const own = await ctx.db.pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Registration" WHERE "exhibitorId" = $1 AND "status" = 'confirmed'`,
      [ids.stroymash],
    );
    const expected = own.rows[0].n;
    expect(expected).toBeGreaterThanOrEqual(200);
    const t0 = performance.now();
    const res = await get(`/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.stroymash}`, cookies.manager);
    const headersMs = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-length")).toBeNull(); // streamed, not buffered
    expect(Number(res.headers.get("x-badge-count"))).toBe(expected);
    expect(Number(res.headers.get("x-badge-pages"))).toBe(expected);
    const { pdf, firstChunkMs, totalMs, chunks } = await readStream(res);
    const pages = await readPdf(pdf);
    expect(pages).toHaveLength(expected);
    const text = pages.map((p) => squash(p.text));
    // Sorted by name: the numbered staff come in order.
    const at = (i: number) => text.findIndex((t) => t.includes(`Сотрудник${String(i).padStart(3, "0")} Иван`));
    expect(at(1)).toBeLessThan(at(2));
    expect(at(2)).toBeLessThan(at(200));
    for (let i = 1; i <= 200; i++) expect(text.some((t) => t.includes(`Сотрудник${String(i).padStart(3, "0")} Иван`))).toBe(true);
    expect(text.join("\n")).not.toContain("Отменённый");
    expect(pages[0].width).toBeCloseTo(175.75, 0); // no event template: 62 x 100 mm
    // Streamed: bytes arrive in many chunks, the first long before the last.
    expect(chunks).toBeGreaterThan(10);
    expect(firstChunkMs).toBeLessThan(totalMs / 2);
    console.log(`bulk PDF: ${expected} badges, ${pdf.length} bytes, headers ${headersMs.toFixed(0)} ms, first chunk ${firstChunkMs.toFixed(0)} ms, all ${totalMs.toFixed(0)} ms`);
  }, 120_000);

  test("an exhibitor downloads only its own staff; other exhibitors and sub-exhibitors get 404; anonymous goes to login", async () => {
    const own = await get(`/manage/events/${ctx.eventId}/badges/pdf`, cookies.stroymash);
    expect(own.status).toBe(200);
    expect(Number(own.headers.get("x-badge-count"))).toBeGreaterThanOrEqual(200);
    await own.body?.cancel();
    for (const [who, path] of [
      ["techno", `/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.stroymash}`],
      ["detali", `/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.stroymash}`],
      ["stroymash", `/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.techno}`],
      ["techno", `/manage/events/${ctx.eventId}/badges/download?exhibitorId=${ids.stroymash}`],
    ] as const) {
      const r = await get(path, cookies[who]);
      expect(r.status, `${who} ${path}`).toBe(404);
      expect(await r.text()).not.toContain("Сотрудник001");
    }
    // ТехноПром's own: its staff only.
    const theirs = await get(`/manage/events/${ctx.eventId}/badges/pdf`, cookies.techno);
    expect(theirs.status).toBe(200);
    const n = await ctx.db.pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM "Registration" WHERE "exhibitorId" = $1 AND "status" = 'confirmed'`, [ids.techno]);
    expect(Number(theirs.headers.get("x-badge-count"))).toBe(n.rows[0].n);
    const theirPages = await readPdf((await readStream(theirs)).pdf);
    expect(theirPages).toHaveLength(Math.max(1, n.rows[0].n));
    expect(theirPages.map((p) => p.text).join(" ")).not.toContain("Сотрудник");
    const anon = await get(`/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.stroymash}`);
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/login");
    // The cabinet links to the exhibitor's own download page.
    const cabinet = await (await get("/cabinet", cookies.stroymash)).text();
    expect(cabinet).toContain(`/manage/events/${ctx.eventId}/badges/download?exhibitorId=${ids.stroymash}`);
  });
});

describe("event + category templates", () => {
  test("a bad value is a translated message next to the field and nothing is saved", async () => {
    const r = await post(`/manage/events/${ctx.eventId}/badges?category=exhibitor_staff`, cookies.manager, {
      intent: "save",
      category: "exhibitor_staff",
      stock: "a6",
      nameMaxSize: "huge",
      bandColor: "green",
      showBand: "on",
    });
    expect(r.status).toBe(200);
    expect(r.text).toContain("Enter a size as a number from 5 to 120 pt.");
    expect(r.text).toContain("A colour like #1E6FD9.");
    const n = await ctx.db.pool().query(`SELECT count(*)::int AS n FROM "BadgeTemplate" WHERE "eventId" = $1`, [ctx.eventId]);
    expect(n.rows[0].n).toBe(0);
  });

  test("the saved category template is what the bulk PDF, check-in printing and the preview use; the printer's stock keeps its size", async () => {
    const saved = await post(`/manage/events/${ctx.eventId}/badges?category=exhibitor_staff`, cookies.manager, {
      intent: "save",
      category: "exhibitor_staff",
      stock: "a6",
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
    const page = await (await get(`/manage/events/${ctx.eventId}/badges?category=exhibitor_staff`, cookies.manager)).text();
    expect(page).toContain('value="ЗАСТРОЙЩИК"');
    expect(page).toContain('value="#FF6600"');

    // СтройМаш's logo (as the cabinet stores it) goes into the A6 logo box.
    const port = new URL(ctx.app.url).port;
    const logos = path.join(__dirname, "../.tmp", `app-${port}`, "logos");
    mkdirSync(logos, { recursive: true });
    writeFileSync(path.join(logos, "stroymash-test.png"), await QRCode.toBuffer("LOGO", { margin: 0, scale: 4 }));
    await ctx.db.pool().query(
      `UPDATE "Organization" SET "logoPath" = 'stroymash-test.png' WHERE "id" = (SELECT "organizationId" FROM "Exhibitor" WHERE "id" = $1)`,
      [ids.stroymash],
    );
    // Bulk PDF: A6 pages with the band label and the logo; position was switched off.
    const person = await register(ctx, { lastName: "Шаблонов", firstName: "Семён", exhibitorId: ids.stroymash, category: "exhibitor_staff" });
    await ctx.db.pool().query(`UPDATE "Person" SET "position" = 'Прораб' WHERE "id" = $1`, [person.personId]);
    const res = await get(`/manage/events/${ctx.eventId}/badges/pdf?exhibitorId=${ids.stroymash}`, cookies.manager);
    const bulk = (await readStream(res)).pdf;
    expect(bulk.toString("latin1")).toContain("/Subtype /Image");
    const pages = await readPdf(bulk);
    const mine = pages.find((p) => squash(p.text).includes("Шаблонов Семён"))!;
    expect(mine.width).toBeCloseTo((105 * 72) / 25.4, 0);
    expect(squash(mine.text)).toContain("ЗАСТРОЙЩИК");
    expect(squash(mine.text)).not.toContain("Прораб");

    // Check-in on a Zebra with no stock of its own: the event template decides the size (A6 = 840 dots at 203 dpi).
    const z1 = await zebra();
    const free = await ctx.db.prisma().printer.create({ data: { eventId: ctx.eventId, name: "Zebra без носителя", driver: "raw_tcp", address: z1.address } });
    const k1 = await createKiosk(ctx, { printerId: free.id });
    const r1 = await scan(ctx, k1.token, { code: person.code, print: true });
    expect(r1.body.printJob).toBeTruthy();
    const [j1] = await waitFor("ZPL at the first Zebra", async () => z1.jobs.length > 0 && z1.jobs);
    const zpl1 = j1.data.toString("utf8");
    expect(zpl1).toContain("^PW840");
    expect(zpl1).toContain("ЗАСТРОЙЩИК");
    expect(zpl1).not.toContain("Прораб");

    // A Zebra loaded with 4 x 3 in labels keeps its size (812 dots) but takes the event's content.
    const z2 = await zebra();
    const stocked = await ctx.call(`/api/v1/print-jobs/${r1.body.printJob.id}/move`, "POST", ctx.managerToken, { printerId: free.id });
    expect(stocked.status).toBe(422); // already there
    const p2 = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, {
      intent: "create",
      name: "Zebra 4x3",
      driver: "raw_tcp",
      address: z2.address,
      stock: "zebra-4x3",
    });
    expect(p2.text).toContain("Printer added.");
    const row = await ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Zebra 4x3" } });
    const k2 = await createKiosk(ctx, { printerId: row.id });
    const other = await register(ctx, { lastName: "Четырёхтрёхов", firstName: "Илья", exhibitorId: ids.stroymash, category: "exhibitor_staff" });
    await scan(ctx, k2.token, { code: other.code, print: true });
    const [j2] = await waitFor("ZPL at the 4x3 Zebra", async () => z2.jobs.length > 0 && z2.jobs);
    const zpl2 = j2.data.toString("utf8");
    expect(zpl2).toContain("^PW812");
    expect(zpl2).toContain("ЗАСТРОЙЩИК");
    // A visitor has no template of its own and no "all" template: the default band label.
    const visitor = await register(ctx, { lastName: "Гостев", firstName: "Олег" });
    await scan(ctx, k2.token, { code: visitor.code, print: true });
    const [, j3] = await waitFor("second ZPL", async () => z2.jobs.length > 1 && z2.jobs);
    expect(j3.data.toString("utf8")).toContain("Посетитель");
    expect(j3.data.toString("utf8")).not.toContain("ЗАСТРОЙЩИК");
  }, 60_000);

  test("the preview is a PNG from the real renderers (PDF via pdftoppm, ZPL via zpl-renderer-js) and follows the form", async () => {
    const q = new URLSearchParams({ category: "media", stock: "a6", showBand: "on", labelRu: "ПРЕССА-2026", nameMaxSize: "30" });
    const pdf = await get(`/manage/events/${ctx.eventId}/badges/preview?${q}`, cookies.manager);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await pdf.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(Math.round((105 / 25.4) * 110)); // A6 width at 110 dpi
    q.set("stock", "zebra-4x3");
    q.set("format", "zpl");
    const zpl = await get(`/manage/events/${ctx.eventId}/badges/preview?${q}`, cookies.manager);
    expect(zpl.status).toBe(200);
    const zpng = Buffer.from(await zpl.arrayBuffer());
    expect(Math.abs(zpng.readUInt32BE(16) - 812)).toBeLessThanOrEqual(1); // 4 in at 8 dots/mm
    // Managers only.
    expect((await get(`/manage/events/${ctx.eventId}/badges/preview?${q}`, cookies.stroymash)).status).toBe(403);
    expect((await get(`/manage/events/${ctx.eventId}/badges`, cookies.stroymash)).status).toBe(403);
  }, 60_000);
});

describe("printers and moving jobs", () => {
  test("a job for a dead printer retries; moved to a live raw-TCP listener it prints there; done jobs do not move", async () => {
    const port = await closedPort();
    const dead = await ctx.db.prisma().printer.create({ data: { eventId: ctx.eventId, name: "Мёртвая Zebra", driver: "raw_tcp", address: `127.0.0.1:${port}` } });
    const kiosk = await createKiosk(ctx, { printerId: dead.id });
    const p = await register(ctx, { lastName: "Переносов", firstName: "Марк" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    const id = r.body.printJob.id;
    const waiting = await waitFor("the first failure", async () => {
      const j = await ctx.call(`/api/v1/print-jobs/${id}`, "GET", ctx.managerToken);
      return j.body.status === "queued" && j.body.attempts >= 1 && j.body.error && j.body;
    });
    expect(waiting.error).toMatch(/refused|offline|ECONNREFUSED/i);

    const live = await zebra();
    const target = await ctx.db.prisma().printer.create({ data: { eventId: ctx.eventId, name: "Живая Zebra", driver: "raw_tcp", address: live.address } });
    const moved = await ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", ctx.managerToken, { printerId: target.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, printerId: target.id, printer: { name: "Живая Zebra" }, format: "zpl" });
    const [job] = await waitFor("the ZPL at the live Zebra", async () => live.jobs.length > 0 && live.jobs);
    expect(job.data.toString("utf8").replace(/\\&/g, " ")).toContain("Переносов Марк");
    const done = await waitFor("done", async () => {
      const j = await ctx.call(`/api/v1/print-jobs/${id}`, "GET", ctx.managerToken);
      return j.body.status === "done" && j.body;
    });
    expect(done).toMatchObject({ printerId: target.id, attempts: 1, error: null });
    // Printed: moving again is refused (reprint instead); and no stray retry is left to print twice.
    const again = await ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", ctx.managerToken, { printerId: dead.id });
    expect(again.status).toBe(409);
    expect(again.body.error?.code ?? again.body.code).toBe("not_movable");
    // No job for it is left in the queue (a stray retry of the dead printer's attempt would print it twice).
    const left = await ctx.db.pool().query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'print:' || $1`, [id]);
    expect(left.rows[0].n).toBe(0);
    expect(live.jobs).toHaveLength(1);
    // Bad input and a printer of another event.
    expect((await ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", ctx.managerToken, {})).status).toBe(422);
    const elsewhere = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Другая выставка",
      venue: "Где-то",
      timezone: "Europe/Moscow",
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const foreign = await ctx.db.prisma().printer.create({ data: { eventId: elsewhere.body.id, name: "Чужая", driver: "raw_tcp", address: live.address } });
    const failedJob = await ctx.db.prisma().printJob.create({ data: { registrationId: p.id, printerId: dead.id, format: "zpl", status: "failed", error: "x" } });
    const cross = await ctx.call(`/api/v1/print-jobs/${failedJob.id}/move`, "POST", ctx.managerToken, { printerId: foreign.id });
    expect(cross.status).toBe(422);
    // A job queued while the printer was a PDF printer, which is now a Zebra: it goes out as ZPL.
    const stale = await ctx.db.prisma().printJob.create({ data: { registrationId: p.id, printerId: target.id, format: "pdf", status: "queued" } });
    await ctx.db.pool().query(`SELECT graphile_worker.add_job('print-badge', json_build_object('printJobId', $1::text), job_key => 'print:' || $1::text)`, [stale.id]);
    await waitFor("the stale job at the Zebra", async () => live.jobs.length > 1);
    expect(live.jobs[1].data.subarray(0, 3).toString()).toBe("^XA");
    expect(await ctx.db.prisma().printJob.findUnique({ where: { id: stale.id } })).toMatchObject({ status: "done", format: "zpl" });
    // Documented.
    const doc = await ctx.call("/api/v1/openapi.json");
    expect(doc.body.paths["/api/v1/print-jobs/{id}/move"].post).toBeTruthy();
  }, 60_000);

  test("printers page: live health, field errors, test badge, reprint needs a reason, move, delete", async () => {
    const live = await zebra();
    const bad = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "create", name: "", driver: "raw_tcp", address: "nowhere:port" });
    expect(bad.text).toContain("Please fill in this field.");
    expect(bad.text).toContain("An address like 192.168.1.50:9100.");
    const made = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "create", name: "Стойка Б", driver: "raw_tcp", address: live.address });
    expect(made.text).toContain("Printer added.");
    const printer = await ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Стойка Б" } });
    const page = (await (await get(`/manage/events/${ctx.eventId}/printers`, cookies.manager)).text()).replace(/<!-- -->/g, "");
    const rowOf = (html: string, pid: string) => html.slice(html.indexOf(`data-printer-id="${pid}"`), html.indexOf("</tr>", html.indexOf(`data-printer-id="${pid}"`)));
    expect(rowOf(page, printer.id)).toContain("ready: ready");
    const dead = await ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Мёртвая Zebra" } });
    expect(rowOf(page, dead.id)).toContain("problem:");
    expect(page).toContain("Переносов Марк");

    // Edit: name and stock; a printer of another event is not found from this event's page.
    const edited = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, {
      intent: "update",
      printerId: printer.id,
      name: "Стойка Б (4x6)",
      driver: "raw_tcp",
      address: live.address,
      stock: "zebra-4x6",
    });
    expect(edited.text).toContain("Saved.");
    const after = await ctx.db.pool().query(
      `SELECT pr."name", bt."stock", bt."eventId" FROM "Printer" pr JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId" WHERE pr."id" = $1`,
      [printer.id],
    );
    expect(after.rows[0]).toEqual({ name: "Стойка Б (4x6)", stock: "zebra-4x6", eventId: null });
    const foreign = await ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Чужая" } });
    const cross = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "update", printerId: foreign.id, name: "x", driver: "raw_tcp", address: live.address });
    expect(cross.text).toContain("This event has no such printer or job.");
    expect((await ctx.db.prisma().printer.findUniqueOrThrow({ where: { id: foreign.id } })).name).toBe("Чужая");
    const test1 = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "test", printerId: printer.id });
    expect(test1.text).toContain("Test badge sent");
    await waitFor("the test badge", async () => live.jobs.length > 0);
    expect(live.jobs[0].data.toString("utf8")).toContain("Test Print");

    const job = await ctx.db.prisma().printJob.findFirstOrThrow({ where: { status: "done" }, orderBy: { createdAt: "desc" } });
    const noReason = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "reprint", jobId: job.id, reason: " ", toPrinterId: printer.id });
    expect(noReason.text).toContain('data-testid="error-reason"');
    const reprinted = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "reprint", jobId: job.id, reason: "Порвался", toPrinterId: printer.id });
    expect(reprinted.text).toContain("The badge was sent to print again.");
    await waitFor("the reprint", async () => live.jobs.length > 1);
    const rep = await ctx.db.prisma().printJob.findFirstOrThrow({ where: { reprintOfId: job.id } });
    expect(rep).toMatchObject({ reason: "Порвался", source: "reprint", printerId: printer.id });

    // Move a failed job on the page.
    const failed = await ctx.db.prisma().printJob.findFirstOrThrow({ where: { status: "failed", printerId: dead.id } });
    const moved = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "move", jobId: failed.id, toPrinterId: printer.id });
    expect(moved.text).toContain("The job was moved");
    await waitFor("the moved job", async () => live.jobs.length > 2);

    // Delete keeps the jobs (printer set to null).
    const del = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "delete", printerId: printer.id });
    expect(del.text).toContain("Printer deleted.");
    expect(await ctx.db.prisma().printer.findUnique({ where: { id: printer.id } })).toBeNull();
    expect(await ctx.db.prisma().printJob.findUnique({ where: { id: rep.id } })).toMatchObject({ printerId: null });
    // Its printer is gone: a reprint must name another one, said next to the printer field.
    const orphan = await post(`/manage/events/${ctx.eventId}/printers`, cookies.manager, { intent: "reprint", jobId: rep.id, reason: "Заново", toPrinterId: "" });
    expect(orphan.text).toContain("Choose a printer of this event.");
    // Exhibitors do not see the printers page.
    expect((await get(`/manage/events/${ctx.eventId}/printers`, cookies.stroymash)).status).toBe(403);
  }, 60_000);
});
