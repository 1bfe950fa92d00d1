// Check-in with print: true, end to end: kiosk -> API -> print job -> a loopback "Zebra" (raw
// TCP, ZPL) or a private CUPS queue (IPP, PDF); retries, reprint, health (issue #7, server side).
import { existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { printCupsDiagnosticsOnFailure, startCups, type CupsServer } from "../printing/cups";
import { readPdf, squash } from "../printing/helpers";
import { quietPeriod } from "../setup/wait";
import { closedPort, createKiosk, createPrinter, fakeZebra, register, scan, setup, waitFor, type Ctx, type FakeZebra } from "./helpers";

let ctx: Ctx;
let cups: CupsServer;
printCupsDiagnosticsOnFailure(() => cups);
const zebras: FakeZebra[] = [];

beforeAll(async () => {
  [ctx, cups] = await Promise.all([setup(), startCups()]);
}, 120_000);
afterAll(async () => {
  await Promise.all(zebras.map((z) => z.close()));
  await cups?.stop();
  await ctx?.app.stop();
});

const zebra = async (port = 0) => {
  const z = await fakeZebra(port);
  zebras.push(z);
  return z;
};

const jobDone = (token: string, id: string, timeoutMs = 20_000) =>
  waitFor(
    `print job ${id} done`,
    async () => {
      const r = await ctx.call(`/api/v1/print-jobs/${id}`, "GET", token);
      if (r.body.status === "failed") throw new Error(`print job failed: ${r.body.error}`);
      return r.body.status === "done" ? r.body : null;
    },
    timeoutMs,
  );

describe("check-in with print: true", () => {
  test("raw TCP (Zebra): the listener receives ZPL with ^CI28, the UTF-8 name and ^BQN carrying the signed code", async () => {
    const z = await zebra();
    const printer = await createPrinter(ctx, "raw_tcp", z.address, "Zebra у входа");
    const kiosk = await createKiosk(ctx, { name: "Вход А", printerId: printer.id });
    const p = await register(ctx, { lastName: "Иванов-Петровский", firstName: "Александр", company: "ООО «Ромашка»" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    expect(r.body).toMatchObject({
      result: "checked_in",
      printJob: { format: "zpl", printerId: printer.id, printer: { name: "Zebra у входа", driver: "raw_tcp" }, source: "checkin" },
    });
    expect(["queued", "printing", "done"]).toContain(r.body.printJob.status);

    const [job] = await waitFor("the ZPL at the printer", async () => z.jobs.length > 0 && z.jobs);
    const zpl = job.data.toString("utf8");
    expect(zpl.startsWith("^XA")).toBe(true);
    expect(zpl).toContain("^CI28");
    // The name is UTF-8 bytes (possibly wrapped over two lines with \&).
    expect(job.data.includes(Buffer.from("Иванов-Петровский", "utf8"))).toBe(true);
    expect(zpl.replace(/\\&/g, " ")).toContain("Иванов-Петровский Александр");
    expect(zpl).toContain("ООО «Ромашка»");
    const qr = /\^BQN,2,\d+\^FDQA,([^^]+)\^FS/.exec(zpl);
    expect(qr?.[1]).toBe(p.code);
    const done = await jobDone(kiosk.token, r.body.printJob.id);
    expect(done).toMatchObject({ status: "done", attempts: 1, error: null });
    expect(z.jobs).toHaveLength(1);
    // Replaying the scan does not print again.
    const replay = await scan(ctx, kiosk.token, { code: p.code, clientId: r.body.clientId, print: true });
    expect(replay.body.printJob.id).toBe(r.body.printJob.id);
    // The replay's answer is the positive signal; a send it started would reach the stand-in
    // Zebra within this hold (the direct send begins inside the request).
    await quietPeriod(300);
    expect(z.jobs).toHaveLength(1);
    // The delayed retry job was removed after the direct send succeeded.
    const queued = await ctx.db
      .pool()
      .query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1`, [`print:${r.body.printJob.id}`]);
    expect(queued.rows[0].n).toBe(0);
  });

  test("IPP (CUPS): the queue's output is a PDF containing the name", async () => {
    const q = await cups.addPdfQueue("KIOSK_BADGE");
    const printer = await createPrinter(ctx, "ipp", q.url, "Brother QL");
    const kiosk = await createKiosk(ctx, { name: "Вход Б", printerId: printer.id });
    const p = await register(ctx, { lastName: "Кузнецова", firstName: "Ольга", company: "АО «Техностиль»" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    expect(r.body).toMatchObject({ result: "checked_in", printJob: { format: "pdf", printer: { driver: "ipp" } } });
    await jobDone(kiosk.token, r.body.printJob.id, 40_000);
    expect(existsSync(q.outputFile)).toBe(true);
    const out = readFileSync(q.outputFile);
    expect(out.subarray(0, 5).toString()).toBe("%PDF-");
    const [page] = await readPdf(out);
    expect(squash(page.text)).toContain("Кузнецова Ольга");
    expect(squash(page.text)).toContain("АО «Техностиль»");
    expect(page.width).toBeCloseTo(175.75, 0); // 62 mm: the brother-62x100 default for IPP
  }, 60_000);

  test("an unknown IPP queue is a non-retryable failure with the printer's message", async () => {
    const printer = await createPrinter(ctx, "ipp", `http://127.0.0.1:${cups.port}/printers/NO_SUCH_QUEUE`, "Нет такой");
    const kiosk = await createKiosk(ctx, { printerId: printer.id });
    const p = await register(ctx, {});
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    expect(r.body.result).toBe("checked_in");
    const failed = await waitFor("failed", async () => {
      const j = await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}`, "GET", kiosk.token);
      return j.body.status === "failed" && j.body;
    });
    expect(failed.attempts).toBe(1);
    expect(failed.error).toBeTruthy();
    expect(failed.finishedAt).toBeTruthy();
  });

  test("a printer that is off: the job stays queued with the error and is retried with backoff until it prints", async () => {
    const port = await closedPort();
    const printer = await createPrinter(ctx, "raw_tcp", `127.0.0.1:${port}`, "Выключенная Zebra");
    const kiosk = await createKiosk(ctx, { printerId: printer.id });
    const p = await register(ctx, { lastName: "Терпеливый", firstName: "Иван" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    const id = r.body.printJob.id;
    const waiting = await waitFor("the first failure", async () => {
      const j = await ctx.call(`/api/v1/print-jobs/${id}`, "GET", kiosk.token);
      return j.body.status === "queued" && j.body.attempts >= 1 && j.body;
    });
    expect(waiting.error).toMatch(/ECONNREFUSED|connection|refused/i);
    const status = await ctx.call("/api/v1/kiosk/status", "GET", kiosk.token);
    expect(status.body.printer).toMatchObject({ printer: { id: printer.id }, health: { ok: false } });
    expect(status.body.printer.lastError).toBeTruthy();
    // Wait for a worker retry to fail too, then switch the printer on.
    await waitFor("a retry", async () => (await ctx.call(`/api/v1/print-jobs/${id}`, "GET", kiosk.token)).body.attempts >= 2, 15_000);
    const z = await zebra(port);
    const done = await jobDone(kiosk.token, id, 40_000);
    // The retry that was in flight when the printer came on may be the one that prints.
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.error).toBeNull();
    expect(z.jobs).toHaveLength(1);
    expect(z.jobs[0].data.toString("utf8").replace(/\\&/g, " ")).toContain("Терпеливый Иван");
  }, 60_000);

  test("reprint with a reason, on the same or another printer; a reason is required; other events' kiosks cannot see it", async () => {
    const a = await zebra();
    const b = await zebra();
    const pa = await createPrinter(ctx, "raw_tcp", a.address, "Zebra A");
    const pb = await createPrinter(ctx, "raw_tcp", b.address, "Zebra B");
    const kiosk = await createKiosk(ctx, { printerId: pa.id });
    const p = await register(ctx, { lastName: "Повторов" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    await jobDone(kiosk.token, r.body.printJob.id);
    expect((await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/reprint`, "POST", kiosk.token, {})).status).toBe(422);
    const again = await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/reprint`, "POST", kiosk.token, { reason: "бейдж помялся" });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ source: "reprint", reason: "бейдж помялся", reprintOfId: r.body.printJob.id, printerId: pa.id });
    await jobDone(kiosk.token, again.body.id);
    expect(a.jobs).toHaveLength(2);
    const moved = await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/reprint`, "POST", ctx.managerToken, {
      reason: "принтер A замялся",
      printerId: pb.id,
    });
    expect(moved.body.printerId).toBe(pb.id);
    await jobDone(ctx.managerToken, moved.body.id);
    expect(b.jobs).toHaveLength(1);
    expect(b.jobs[0].data.toString("utf8")).toContain("Повторов");

    const list = await ctx.call(`/api/v1/print-jobs?eventId=${ctx.eventId}&printerId=${pa.id}`, "GET", ctx.managerToken);
    expect(list.body.printJobs.map((j: { id: string }) => j.id)).toEqual([again.body.id, r.body.printJob.id]);

    const ev = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Чужое",
      venue: "Там",
      timezone: "Europe/Moscow",
      startsAt: "2030-01-01T10:00:00+03:00",
      endsAt: "2030-01-02T10:00:00+03:00",
    });
    const stranger = await createKiosk(ctx, { eventId: ev.body.id });
    expect((await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}`, "GET", stranger.token)).status).toBe(404);
    expect((await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/reprint`, "POST", stranger.token, { reason: "x" })).status).toBe(404);
    expect((await ctx.call(`/api/v1/print-jobs/${randomUUID()}`, "GET", ctx.managerToken)).status).toBe(404);
    const foreign = await ctx.db
      .prisma()
      .printer.create({ data: { eventId: ev.body.id, name: "чужой", driver: "raw_tcp", address: b.address } });
    expect(
      (await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/reprint`, "POST", ctx.managerToken, { reason: "x", printerId: foreign.id }))
        .status,
    ).toBe(422);
  });

  test("browser printers: nothing is sent; fetching the badge marks the job sent, the kiosk reports it printed", async () => {
    const printer = await createPrinter(ctx, "browser", "browser", "Печать из браузера");
    const kiosk = await createKiosk(ctx, { printerId: printer.id });
    const p = await register(ctx, { lastName: "Браузеров", firstName: "Глеб" });
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    expect(r.body.printJob).toMatchObject({ status: "queued", format: "pdf", pdfUrl: `/api/v1/print-jobs/${r.body.printJob.id}/pdf` });
    const pdf = await ctx.call(r.body.printJob.pdfUrl, "GET", kiosk.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const [page] = await readPdf(pdf.raw);
    expect(squash(page.text)).toContain("Браузеров Глеб");
    // Fetched is not printed (issue #12): sent until the kiosk reports.
    expect((await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}`, "GET", kiosk.token)).body.status).toBe("sent");
    expect(r.body.printJob.imageUrl).toBe(`/api/v1/print-jobs/${r.body.printJob.id}/png`);
    const png = await ctx.call(r.body.printJob.imageUrl, "GET", kiosk.token);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect([png.headers.get("x-page-width-mm"), png.headers.get("x-page-height-mm")]).toEqual(["62", "100"]);
    expect(png.raw.subarray(1, 4).toString()).toBe("PNG");
    const done = await ctx.call(`/api/v1/print-jobs/${r.body.printJob.id}/result`, "POST", kiosk.token, { status: "printed" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "done", error: null });
    expect(done.body.finishedAt).toBeTruthy();
  });

  test("kiosk status: arrived / expected today and the printer's live health (Zebra ~HS)", async () => {
    const z = await zebra();
    const printer = await createPrinter(ctx, "raw_tcp", z.address, "Zebra статус");
    const kiosk = await createKiosk(ctx, { printerId: printer.id });
    const before = await ctx.call("/api/v1/kiosk/status", "GET", kiosk.token);
    expect(before.status).toBe(200);
    expect(before.body.printer).toMatchObject({
      printer: { id: printer.id, driver: "raw_tcp" },
      health: { ok: true, state: "ready" },
      queue: { queued: 0 },
    });
    expect(z.statusQueries).toBe(1);
    const p = await register(ctx, {});
    await scan(ctx, kiosk.token, { code: p.code });
    const after = await ctx.call("/api/v1/kiosk/status?health=0", "GET", kiosk.token);
    expect(after.body.arrivedToday).toBe(before.body.arrivedToday + 1);
    expect(after.body.expected).toBe(before.body.expected + 1);
    expect(after.body.printer).toBeNull();
    expect(after.body.today).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(new Date()));
  });

  test("a kiosk without a printer checks in with printJob null", async () => {
    const kiosk = await createKiosk(ctx, {});
    const p = await register(ctx, {});
    const r = await scan(ctx, kiosk.token, { code: p.code, print: true });
    expect(r.body).toMatchObject({ result: "checked_in", printJob: null });
  });
});
