// Issue #7, manager side: all badges of an event or of one exhibitor's staff as one streamed PDF
// (page count, every name in order, counts up front) and who may download it.
import { describe, expect, test } from "vitest";
import { readPdf, squash } from "./helpers";
import { readStream, useManagerWorld } from "./manager-setup";

const w = useManagerWorld({ bulkStaff: true });

describe("bulk badges PDF", () => {
  test("an exhibitor's 200+ staff: one streamed PDF, one page per badge, every name, counts announced up front", async () => {
    const own = await w.ctx.db
      .pool()
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM "Registration" WHERE "exhibitorId" = $1 AND "status" = 'confirmed'`, [
        w.ids.stroymash,
      ]);
    const expected = own.rows[0].n;
    expect(expected).toBeGreaterThanOrEqual(200);
    const t0 = performance.now();
    const res = await w.get(`/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.stroymash}`, w.cookies.manager);
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
    console.log(
      `bulk PDF: ${expected} badges, ${pdf.length} bytes, headers ${headersMs.toFixed(0)} ms, first chunk ${firstChunkMs.toFixed(0)} ms, all ${totalMs.toFixed(0)} ms`,
    );
  }, 120_000);

  test("an exhibitor downloads only its own staff; other exhibitors and sub-exhibitors get 404; anonymous goes to login", async () => {
    const own = await w.get(`/manage/events/${w.ctx.eventId}/badges/pdf`, w.cookies.stroymash);
    expect(own.status).toBe(200);
    expect(Number(own.headers.get("x-badge-count"))).toBeGreaterThanOrEqual(200);
    await own.body?.cancel();
    for (const [who, path] of [
      ["techno", `/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.stroymash}`],
      ["detali", `/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.stroymash}`],
      ["stroymash", `/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.techno}`],
      ["techno", `/manage/events/${w.ctx.eventId}/badges/download?exhibitorId=${w.ids.stroymash}`],
    ] as const) {
      const r = await w.get(path, w.cookies[who]);
      expect(r.status, `${who} ${path}`).toBe(404);
      expect(await r.text()).not.toContain("Сотрудник001");
    }
    // ТехноПром's own: its staff only.
    const theirs = await w.get(`/manage/events/${w.ctx.eventId}/badges/pdf`, w.cookies.techno);
    expect(theirs.status).toBe(200);
    const n = await w.ctx.db
      .pool()
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM "Registration" WHERE "exhibitorId" = $1 AND "status" = 'confirmed'`, [
        w.ids.techno,
      ]);
    expect(Number(theirs.headers.get("x-badge-count"))).toBe(n.rows[0].n);
    const theirPages = await readPdf((await readStream(theirs)).pdf);
    expect(theirPages).toHaveLength(Math.max(1, n.rows[0].n));
    expect(theirPages.map((p) => p.text).join(" ")).not.toContain("Сотрудник");
    const anon = await w.get(`/manage/events/${w.ctx.eventId}/badges/pdf?exhibitorId=${w.ids.stroymash}`);
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/login");
    // The cabinet links to the exhibitor's own download page.
    const cabinet = await (await w.get("/cabinet", w.cookies.stroymash)).text();
    expect(cabinet).toContain(`/manage/events/${w.ctx.eventId}/badges/download?exhibitorId=${w.ids.stroymash}`);
  });
});
