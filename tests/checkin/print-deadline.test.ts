// Issue #12: a browser printer's badge the kiosk fetched (`sent`) and never reported on (the kiosk
// died mid-print) fails after BROWSER_PRINT_REPORT_MS with the "kiosk did not report" code, through
// a durable graphile-worker job added with the fetch; it is then reprinted like any failure.
import { describe, expect, test } from "vitest";
import { BROWSER_DEADLINE_TASK, BROWSER_PRINT_REPORT_MS } from "../../app/services/print/deadline.server";
import { KIOSK_NO_REPORT } from "../../printing/reasons";
import { createKiosk, createPrinter, ctxPerFile, register, scan, waitFor } from "./helpers";

const ctx = ctxPerFile();

const sql = async <T>(text: string, params: unknown[] = []) => (await ctx.db.pool().query(text, params)).rows as T[];

/** The kiosk scans someone and fetches the badge (job `sent`); returns the print job id. */
async function fetchedBadge(kioskToken: string, lastName: string): Promise<string> {
  const p = await register(ctx, { lastName, firstName: "Ия" });
  const r = await scan(ctx, kioskToken, { code: p.code, print: true });
  expect(r.body.printJob.status).toBe("queued");
  expect((await ctx.call(r.body.printJob.imageUrl, "GET", kioskToken)).status).toBe(200);
  return r.body.printJob.id;
}

/** The kiosk's two minutes pass: the job was fetched that long ago, its deadline job is due now. */
async function deadlinePasses(jobId: string) {
  await sql(`UPDATE "PrintJob" SET "startedAt" = now() - $2 * interval '1 millisecond' WHERE "id" = $1`, [jobId, BROWSER_PRINT_REPORT_MS + 1000]);
  await sql(`SELECT graphile_worker.add_job($1, json_build_object('printJobId', $2::text), run_at => now(), job_key => 'print-sent:' || $2)`, [
    BROWSER_DEADLINE_TASK,
    jobId,
  ]);
}

describe("a browser print the kiosk never reported", () => {
  test("fetching adds a deadline job two minutes ahead; unreported, the job fails with the code; reprint works", async () => {
    const printer = await createPrinter(ctx, "browser", "browser", "Браузер у входа");
    const kiosk = await createKiosk(ctx, { printerId: printer.id });
    const id = await fetchedBadge(kiosk.token, "Забытова");
    expect((await ctx.call(`/api/v1/print-jobs/${id}`, "GET", kiosk.token)).body.status).toBe("sent");
    const [deadline] = await sql<{ task: string; secs: number }>(
      `SELECT task_identifier AS task, extract(epoch FROM run_at - now())::float AS secs FROM graphile_worker.jobs WHERE key = $1`,
      [`print-sent:${id}`],
    );
    expect(deadline.task).toBe(BROWSER_DEADLINE_TASK);
    expect(deadline.secs).toBeGreaterThan(BROWSER_PRINT_REPORT_MS / 1000 - 15);
    expect(deadline.secs).toBeLessThanOrEqual(BROWSER_PRINT_REPORT_MS / 1000);

    // Another badge fetched just now and one reported printed: the deadline leaves both alone.
    const fresh = await fetchedBadge(kiosk.token, "Свежева");
    const printed = await fetchedBadge(kiosk.token, "Напечатанова");
    expect((await ctx.call(`/api/v1/print-jobs/${printed}/result`, "POST", kiosk.token, { status: "printed" })).status).toBe(200);
    await sql(`UPDATE "PrintJob" SET "startedAt" = now() - interval '1 hour' WHERE "id" = $1`, [printed]);

    await deadlinePasses(id);
    const failed = await waitFor("the unreported job failed", async () => {
      const r = await ctx.call(`/api/v1/print-jobs/${id}`, "GET", kiosk.token);
      return r.body.status === "failed" && r.body;
    });
    expect(failed).toMatchObject({ status: "failed", error: KIOSK_NO_REPORT });
    expect(failed.finishedAt).toBeTruthy();
    await waitFor("the deadline job gone", async () => (await sql(`SELECT 1 FROM graphile_worker.jobs WHERE key = $1`, [`print-sent:${id}`])).length === 0);
    expect((await ctx.call(`/api/v1/print-jobs/${fresh}`, "GET", kiosk.token)).body.status).toBe("sent");
    expect((await ctx.call(`/api/v1/print-jobs/${printed}`, "GET", kiosk.token)).body.status).toBe("done");
    // A late report does not bring it back; the failure is reprinted with one call, as on the kiosk bar.
    expect((await ctx.call(`/api/v1/print-jobs/${id}/result`, "POST", kiosk.token, { status: "printed" })).status).toBe(409);
    const again = await ctx.call(`/api/v1/print-jobs/${id}/reprint`, "POST", kiosk.token, { reason: "Бейдж не напечатан" });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: "queued", reprintOfId: id, source: "reprint" });
  });
});
