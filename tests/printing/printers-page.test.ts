// Issue #7, manager side: moving a print job from a dead printer to a live raw-TCP listener (API)
// and the printers page (health, field errors, test badge, reprint, move, delete).
import { describe, expect, test } from "vitest";
import { closedPort, createKiosk, register, scan, waitFor } from "../checkin/helpers";
import { useManagerWorld } from "./manager-setup";

const w = useManagerWorld();

/** A form of the printers page, posted by the manager. */
const onPrintersPage = (fields: Record<string, string>) => w.post(`/manage/events/${w.ctx.eventId}/printers`, w.cookies.manager, fields);

describe("printers and moving jobs", () => {
  test("a job for a dead printer retries; moved to a live raw-TCP listener it prints there; done jobs do not move", async () => {
    const port = await closedPort();
    const dead = await w.ctx.db
      .prisma()
      .printer.create({ data: { eventId: w.ctx.eventId, name: "Мёртвая Zebra", driver: "raw_tcp", address: `127.0.0.1:${port}` } });
    const kiosk = await createKiosk(w.ctx, { printerId: dead.id });
    const p = await register(w.ctx, { lastName: "Переносов", firstName: "Марк" });
    const r = await scan(w.ctx, kiosk.token, { code: p.code, print: true });
    const id = r.body.printJob.id;
    const waiting = await waitFor("the first failure", async () => {
      const j = await w.ctx.call(`/api/v1/print-jobs/${id}`, "GET", w.ctx.managerToken);
      return j.body.status === "queued" && j.body.attempts >= 1 && j.body.error && j.body;
    });
    expect(waiting.error).toMatch(/refused|offline|ECONNREFUSED/i);

    const live = await w.zebra();
    const target = await w.ctx.db
      .prisma()
      .printer.create({ data: { eventId: w.ctx.eventId, name: "Живая Zebra", driver: "raw_tcp", address: live.address } });
    const moved = await w.ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", w.ctx.managerToken, { printerId: target.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, printerId: target.id, printer: { name: "Живая Zebra" }, format: "zpl" });
    const [job] = await waitFor("the ZPL at the live Zebra", async () => live.jobs.length > 0 && live.jobs);
    expect(job.data.toString("utf8").replace(/\\&/g, " ")).toContain("Переносов Марк");
    const done = await waitFor("done", async () => {
      const j = await w.ctx.call(`/api/v1/print-jobs/${id}`, "GET", w.ctx.managerToken);
      return j.body.status === "done" && j.body;
    });
    expect(done).toMatchObject({ printerId: target.id, attempts: 1, error: null });
    // Printed: moving again is refused (reprint instead); and no stray retry is left to print twice.
    const again = await w.ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", w.ctx.managerToken, { printerId: dead.id });
    expect(again.status).toBe(409);
    expect(again.body.error?.code ?? again.body.code).toBe("not_movable");
    // No job for it is left in the queue (a stray retry of the dead printer's attempt would print it twice).
    const left = await w.ctx.db.pool().query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'print:' || $1`, [id]);
    expect(left.rows[0].n).toBe(0);
    expect(live.jobs).toHaveLength(1);
    // Bad input and a printer of another event.
    expect((await w.ctx.call(`/api/v1/print-jobs/${id}/move`, "POST", w.ctx.managerToken, {})).status).toBe(422);
    const elsewhere = await w.ctx.call("/api/v1/events", "POST", w.ctx.managerToken, {
      name: "Другая выставка",
      venue: "Где-то",
      timezone: "Europe/Moscow",
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const foreign = await w.ctx.db
      .prisma()
      .printer.create({ data: { eventId: elsewhere.body.id, name: "Чужая", driver: "raw_tcp", address: live.address } });
    const failedJob = await w.ctx.db
      .prisma()
      .printJob.create({ data: { registrationId: p.id, printerId: dead.id, format: "zpl", status: "failed", error: "x" } });
    const cross = await w.ctx.call(`/api/v1/print-jobs/${failedJob.id}/move`, "POST", w.ctx.managerToken, { printerId: foreign.id });
    expect(cross.status).toBe(422);
    // A job queued while the printer was a PDF printer, which is now a Zebra: it goes out as ZPL.
    const stale = await w.ctx.db
      .prisma()
      .printJob.create({ data: { registrationId: p.id, printerId: target.id, format: "pdf", status: "queued" } });
    await w.ctx.db
      .pool()
      .query(`SELECT graphile_worker.add_job('print-badge', json_build_object('printJobId', $1::text), job_key => 'print:' || $1::text)`, [
        stale.id,
      ]);
    await waitFor("the stale job at the Zebra", async () => live.jobs.length > 1);
    expect(live.jobs[1].data.subarray(0, 3).toString()).toBe("^XA");
    expect(await w.ctx.db.prisma().printJob.findUnique({ where: { id: stale.id } })).toMatchObject({ status: "done", format: "zpl" });
    // Documented.
    const doc = await w.ctx.call("/api/v1/openapi.json");
    expect(doc.body.paths["/api/v1/print-jobs/{id}/move"].post).toBeTruthy();
  }, 60_000);

  test("printers page: live health, field errors, test badge, reprint needs a reason, move, delete", async () => {
    const live = await w.zebra();
    const bad = await onPrintersPage({
      intent: "create",
      name: "",
      driver: "raw_tcp",
      address: "nowhere:port",
    });
    expect(bad.text).toContain("Please fill in this field.");
    expect(bad.text).toContain("An address like 192.168.1.50:9100.");
    const made = await onPrintersPage({
      intent: "create",
      name: "Стойка Б",
      driver: "raw_tcp",
      address: live.address,
    });
    expect(made.text).toContain("Printer added.");
    const printer = await w.ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Стойка Б" } });
    const page = (await (await w.get(`/manage/events/${w.ctx.eventId}/printers`, w.cookies.manager)).text()).replace(/<!-- -->/g, "");
    const rowOf = (html: string, pid: string) =>
      html.slice(html.indexOf(`data-printer-id="${pid}"`), html.indexOf("</tr>", html.indexOf(`data-printer-id="${pid}"`)));
    expect(rowOf(page, printer.id)).toContain("ready: ready");
    const dead = await w.ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Мёртвая Zebra" } });
    expect(rowOf(page, dead.id)).toContain("problem:");
    expect(page).toContain("Переносов Марк");

    // Edit: name and stock; a printer of another event is not found from this event's page.
    const edited = await onPrintersPage({
      intent: "update",
      printerId: printer.id,
      name: "Стойка Б (4x6)",
      driver: "raw_tcp",
      address: live.address,
      stock: "zebra-4x6",
    });
    expect(edited.text).toContain("Saved.");
    const after = await w.ctx.db
      .pool()
      .query(
        `SELECT pr."name", bt."stock", bt."eventId" FROM "Printer" pr JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId" WHERE pr."id" = $1`,
        [printer.id],
      );
    expect(after.rows[0]).toEqual({ name: "Стойка Б (4x6)", stock: "zebra-4x6", eventId: null });
    const foreign = await w.ctx.db.prisma().printer.findFirstOrThrow({ where: { name: "Чужая" } });
    const cross = await onPrintersPage({
      intent: "update",
      printerId: foreign.id,
      name: "x",
      driver: "raw_tcp",
      address: live.address,
    });
    expect(cross.text).toContain("This event has no such printer or job.");
    expect((await w.ctx.db.prisma().printer.findUniqueOrThrow({ where: { id: foreign.id } })).name).toBe("Чужая");
    const test1 = await onPrintersPage({ intent: "test", printerId: printer.id });
    expect(test1.text).toContain("Test badge sent");
    await waitFor("the test badge", async () => live.jobs.length > 0);
    expect(live.jobs[0].data.toString("utf8")).toContain("Test Print");

    const job = await w.ctx.db.prisma().printJob.findFirstOrThrow({ where: { status: "done" }, orderBy: { createdAt: "desc" } });
    const noReason = await onPrintersPage({ intent: "reprint", jobId: job.id, reason: " ", toPrinterId: printer.id });
    expect(noReason.text).toContain('data-testid="error-reason"');
    const reprinted = await onPrintersPage({ intent: "reprint", jobId: job.id, reason: "Порвался", toPrinterId: printer.id });
    expect(reprinted.text).toContain("The badge was sent to print again.");
    await waitFor("the reprint", async () => live.jobs.length > 1);
    const rep = await w.ctx.db.prisma().printJob.findFirstOrThrow({ where: { reprintOfId: job.id } });
    expect(rep).toMatchObject({ reason: "Порвался", source: "reprint", printerId: printer.id });

    // Move a failed job on the page.
    const failed = await w.ctx.db.prisma().printJob.findFirstOrThrow({ where: { status: "failed", printerId: dead.id } });
    const moved = await onPrintersPage({
      intent: "move",
      jobId: failed.id,
      toPrinterId: printer.id,
    });
    expect(moved.text).toContain("The job was moved");
    await waitFor("the moved job", async () => live.jobs.length > 2);

    // Delete keeps the jobs (printer set to null).
    const del = await onPrintersPage({ intent: "delete", printerId: printer.id });
    expect(del.text).toContain("Printer deleted.");
    expect(await w.ctx.db.prisma().printer.findUnique({ where: { id: printer.id } })).toBeNull();
    expect(await w.ctx.db.prisma().printJob.findUnique({ where: { id: rep.id } })).toMatchObject({ printerId: null });
    // Its printer is gone: a reprint must name another one, said next to the printer field.
    const orphan = await onPrintersPage({
      intent: "reprint",
      jobId: rep.id,
      reason: "Заново",
      toPrinterId: "",
    });
    expect(orphan.text).toContain("Choose a printer of this event.");
    // Exhibitors do not see the printers page.
    expect((await w.get(`/manage/events/${w.ctx.eventId}/printers`, w.cookies.stroymash)).status).toBe(403);
  }, 60_000);
});
