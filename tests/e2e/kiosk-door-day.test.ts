// Issue #12: a day at the door, in Chromium at a portrait 1080x1920 kiosk.
// 1. The door hour: 300 scans of mixed kinds (valid, repeat, forged, EAN-13, URL, walk-in,
//    search) from USB-scanner bursts and the fake camera, with the network gone for two minutes
//    of kiosk time in the middle (Playwright's clock jumps the kiosk ahead instead of waiting);
//    afterwards the server holds exactly the expected check-ins and the page still answers.
// 2. The whole event (item 8): a kiosk left open for 12 hours of kiosk time (the clock jumps
//    two minutes at a time, a sync round after each jump), camera on: the JS heap stays within
//    a bound, at most one live camera track, the offline queue drains, the token still works
//    (kiosk tokens do not expire: valid until revoked).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeBrowser } from "../setup/browser";
import { useApp } from "../setup/e2e-app";
import { demoEvent, eventRunsToday, kioskWithToken, ticketCodes } from "../setup/e2e-data";
import { launchWithFakeCamera, writeQrVideo } from "./fake-camera";
import {
  cameraState,
  clearResult,
  countCameraTracks,
  ean,
  forge,
  pairWithToken,
  queueText,
  RESULT,
  scanKind,
  searchAndCheckIn,
  typeScan,
  uniqueNames,
  waitSel,
  walkIn,
} from "../setup/kiosk-page";

const e2e = useApp();
const { query } = e2e;
let eventId: string;
let regs: Array<{ id: string; code: string }> = [];
const videos: string[] = [];
const browsers: Browser[] = [];

const SHOTS = process.env.KIOSK_SCREENSHOTS;
/** The JS heap may grow this much over 12 hours of kiosk time (after a forced GC at both ends). */
const HEAP_BOUND_MB = 4;
const HOURS = Number(process.env.KIOSK_HOURS ?? 12);

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  ({ id: eventId } = await demoEvent());
  await eventRunsToday(eventId);
  // The demo has a few dozen visitors; the door hour needs more fresh tickets.
  for (let i = 0; i < 80; i++) {
    const person = await prisma().person.create({
      data: { lastName: "Дверева", firstName: `Гость${i}`, email: `door.guest.${i}@example.com` },
    });
    await prisma().registration.create({
      data: { eventId, personId: person.id, category: "visitor", status: "confirmed", codeSecret: randomBytes(16).toString("base64url") },
    });
  }
  regs = await ticketCodes(eventId, { status: "confirmed" });
});
afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  for (const f of videos) rmSync(f, { force: true });
});

const kioskToken = async (name: string) => (await kioskWithToken(eventId, { name })).token;

/** A kiosk page at 1080x1920 (device scale 0.5 for small screenshots), Playwright's clock installed, paired with `token`. */
async function kioskPage(
  browser: Browser,
  token: string,
  opts: { countTracks?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: "ru-RU",
    viewport: { width: 1080, height: 1920 },
    deviceScaleFactor: 0.5,
    permissions: ["camera"],
  });
  if (opts.countTracks) await countCameraTracks(context);
  const page = await context.newPage();
  // Time flows naturally until the test jumps it ahead (fastForward fires the timers due).
  await page.clock.install();
  await pairWithToken(page, e2e.app.url, token);
  await waitSel(page, ".kiosk[data-event-day]");
  return { context, page };
}

describe("a day at the door, Chromium 1080x1920", () => {
  test("the door hour: 300 mixed scans, two minutes without network; exactly the expected check-ins", { timeout: 240_000 }, async () => {
    const t0 = Date.now();
    const cameraReg = regs[0];
    const video = writeQrVideo(cameraReg.code, "door-hour-camera");
    videos.push(video);
    const browser = await launchWithFakeCamera(video);
    browsers.push(browser);
    const { page, context } = await kioskPage(browser, await kioskToken("Вход Б"));
    const before = new Set(
      (await query<{ id: string }>(`SELECT "registrationId" AS id FROM "CheckIn" WHERE "eventId" = $1`, [eventId])).map((r) => r.id),
    );

    if (SHOTS) {
      await page.waitForFunction(() => !/из 0$/.test(document.querySelector("[data-testid=kiosk-arrived]")?.textContent ?? "из 0"));
      await page.screenshot({ path: `${SHOTS}/kiosk-idle.png` });
    }
    const expected = new Set<string>();
    const walkIns: string[] = [];
    let sent = 0;
    const kinds: Record<string, number> = {};
    const note = (what: string) => ((kinds[what] = (kinds[what] ?? 0) + 1), sent++);

    // The camera: the QR code held up is checked in once; the camera is switched off again.
    await page.click("button:text-is('Камера')");
    // 3 s alone; under CI's full parallel load the camera's start and first decode took over 20 s once.
    await waitSel(page, `${RESULT}[data-kind=green]`, { timeout: 60_000 });
    expected.add(cameraReg.id);
    note("camera");
    await page.click("button:text-is('Выключить камеру')");
    await clearResult(page);

    // Online: first scans green, repeats yellow, forged and foreign codes red.
    // Eight people come to the desk and are found by name; the rest scan their tickets.
    const searchable = (await uniqueNames(page)).filter((r) => r.id !== cameraReg.id).slice(-8);
    const pool = [cameraReg, ...regs.filter((r) => r !== cameraReg && !searchable.some((s) => s.id === r.id))];
    console.log(`[door hour] ${regs.length} confirmed registrations, ${searchable.length} searched by name`);
    let next = 1; // the next fresh registration of the pool
    const fresh = () => pool[next++];
    const round = async (online: boolean, i: number) => {
      const v = fresh();
      const k1 = await scanKind(page, v.code);
      expect(k1).toBe("green");
      expected.add(v.id);
      note("valid");
      if (i === 0 && online && SHOTS) await page.screenshot({ path: `${SHOTS}/kiosk-green.png` });
      const k2 = await scanKind(page, v.code); // the same ticket again (this kiosk remembers it offline too)
      expect(k2).toBe("yellow");
      note("repeat");
      if (i === 0 && online && SHOTS) await page.screenshot({ path: `${SHOTS}/kiosk-yellow.png` });
      const old = pool[1 + ((i * 7) % Math.max(1, next - 2))];
      const k3 = await scanKind(page, old.code); // someone from earlier: yellow online; offline the server decides later
      if (online) expect(k3).toBe("yellow");
      note("repeat");
      expect(await scanKind(page, forge(pool[next].code))).toBe("red"); // forged: never checked in
      note("forged");
      if (i === 0 && online && SHOTS) await page.screenshot({ path: `${SHOTS}/kiosk-red.png` });
      expect(await scanKind(page, i % 2 ? ean(i) : `https://tickets.example.org/t/?code=X${i}&e=2026`)).toBe("red");
      note(i % 2 ? "ean" : "url");
    };

    // Someone registers at the kiosk, and someone is found by name and checked in.
    const walkInAndSearch = async () => {
      const w = await walkIn(page, walkIns.length);
      expect(w.kind).toBe("green");
      walkIns.push(w.email);
      note("walk-in");
      const s = searchable.shift()!;
      expect(await searchAndCheckIn(page, s.name)).toBe("green");
      expected.add(s.id);
      note("search");
    };

    // 20 rounds online (100 scans), a walk-in and a search every few rounds.
    for (let i = 0; i < 20; i++) {
      await round(true, i);
      if (i % 5 === 4) await walkInAndSearch();
    }

    // The network goes for two minutes of kiosk time: scans go on, checked by the kiosk and queued.
    await context.setOffline(true);
    await clearResult(page);
    for (let i = 0; i < 18; i++) {
      await round(false, 100 + i);
      if (i === 0) await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-online]")?.textContent !== "В сети");
      if (i % 3 === 2) await page.clock.fastForward("00:20"); // six jumps: two minutes; sync rounds fail meanwhile
      if (i % 6 === 5) await walkInAndSearch();
    }
    expect(await page.textContent("[data-testid=kiosk-online]")).toBe("Нет связи — работаем офлайн");
    expect(await queueText(page)).not.toBe("В очереди: 0");
    await context.setOffline(false);

    // Back online: the queue drains by itself (the next sync round), then more scans.
    await clearResult(page);
    await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 0", undefined, {
      timeout: 20_000,
    });
    await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-online]")?.textContent === "В сети");
    let i = 200;
    while (sent < 300 - 2) {
      await round(true, i++);
    }
    while (sent < 300) {
      expect(await scanKind(page, ean(i++))).toBe("red");
      note("ean");
    }

    // The page is still alive: it answers a scan and searches its copy.
    expect(await scanKind(page, pool[1].code)).toBe("yellow");
    await clearResult(page);
    const rows = await query<{ registrationId: string; n: number }>(
      `SELECT "registrationId", count(*)::int AS n FROM "CheckIn" WHERE "eventId" = $1 GROUP BY "registrationId"`,
      [eventId],
    );
    const walkInIds = await query<{ id: string }>(
      `SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r."eventId" = $1 AND p.email = ANY($2)`,
      [eventId, walkIns],
    );
    expect(walkInIds).toHaveLength(walkIns.length);
    for (const w of walkInIds) expected.add(w.id);
    const added = rows.filter((r) => !before.has(r.registrationId));
    expect(added.every((r) => r.n === 1)).toBe(true); // nobody twice
    expect(new Set(added.map((r) => r.registrationId))).toEqual(expected);
    expect(added.length).toBe(expected.size);
    console.log(
      `[door hour] ${sent} scans ${JSON.stringify(kinds)}; ${expected.size} check-ins (${walkIns.length} walk-ins); wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    await closeBrowser(browser);
  });

  test(
    "left open 12 hours of kiosk time, camera on: heap bounded, one camera track, queue drained, token valid",
    { timeout: 300_000 },
    async () => {
      const t0 = Date.now();
      const browser = await launchWithFakeCamera(); // a test pattern, no QR
      browsers.push(browser);
      const { page, context } = await kioskPage(browser, await kioskToken("Зал, весь день"), { countTracks: true });
      const cdp = await context.newCDPSession(page);
      await cdp.send("HeapProfiler.enable");
      const measure = async () => {
        await cdp.send("HeapProfiler.collectGarbage");
        const heap = await cdp.send("Runtime.getHeapUsage");
        const dom = await cdp.send("Memory.getDOMCounters");
        const cam = await cameraState(page);
        return { heapMB: +(heap.usedSize / 2 ** 20).toFixed(2), nodes: dom.nodes, listeners: dom.jsEventListeners, ...cam };
      };
      // One sync round: the clock jumps ten minutes (the 3-second timer fires), the round ends with
      // a status call. A round already under way when the clock jumps answers just as well.
      let rounds = 0;
      let restarts = 0;
      const step = async () => {
        const status = page.waitForResponse((r) => r.url().includes("/api/v1/kiosk/status"), { timeout: 15_000 });
        await page.clock.fastForward("10:00");
        await status;
        rounds++;
      };
      // People checked in by this kiosk: nobody checked in yet (the door hour may run first).
      const taken = new Set((await query<{ id: string }>(`SELECT "registrationId" AS id FROM "CheckIn"`)).map((r) => r.id));
      const people = regs.filter((r) => !taken.has(r.id)).slice(-30);
      expect(people.length).toBe(30);
      const checkedIn: string[] = [];
      const checkIn = async (online = true) => {
        const r = people[checkedIn.length];
        expect(await scanKind(page, r.code)).toBe("green");
        checkedIn.push(r.id);
        if (online) await clearResult(page);
      };

      await page.click("button:text-is('Камера')");
      await waitSel(page, "#kiosk-camera video", { timeout: 15_000 });
      for (let i = 0; i < 3; i++) await step(); // half an hour to settle
      console.log(`[12 hours] settled: ${rounds} rounds, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await checkIn();
      await waitSel(page, "#kiosk-camera video", { timeout: 15_000 });
      const start = await measure();

      // 12 hours: 72 jumps of ten minutes (and the kiosk's own 3-second rounds in between); someone every hour; at hour 6 the network is gone
      // for half an hour and three people are checked in offline.
      for (let hour = 1; hour <= HOURS; hour++) {
        if (hour % 3 === 0)
          console.log(
            `[12 hours] hour ${hour}: ${rounds} rounds, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
            JSON.stringify(await measure()),
          );
        if (hour === Math.ceil(HOURS / 2)) {
          await context.setOffline(true);
          for (let k = 0; k < 3; k++) await checkIn(false);
          for (let k = 0; k < 3; k++) {
            const failed = page.waitForEvent("requestfailed", { timeout: 15_000 });
            await page.clock.fastForward("10:00");
            await failed;
          }
          expect(await queueText(page)).toBe("В очереди: 3");
          await context.setOffline(false);
          for (let k = 0; k < 3; k++) await step();
          expect(await queueText(page)).toBe("В очереди: 0");
          continue;
        }
        for (let k = 0; k < 5; k++) await step();
        await checkIn();
        await step();
        // Staff switch the camera off and on again now and then: each restart must leave nothing behind.
        await page.click("button:text-is('Выключить камеру')");
        await waitSel(page, "#kiosk-camera", { state: "detached" });
        await page.click("button:text-is('Камера')");
        await waitSel(page, "#kiosk-camera video", { timeout: 15_000 });
        restarts++;
      }
      await waitSel(page, "#kiosk-camera video", { timeout: 15_000 });
      const end = await measure();
      console.log(
        `[12 hours] ${rounds} sync rounds, wall time ${((Date.now() - t0) / 1000).toFixed(1)} s; start ${JSON.stringify(start)}; end ${JSON.stringify(end)}`,
      );

      // The token is still good: one more person, online, green, on the server.
      await checkIn();
      expect(await page.textContent("[data-testid=kiosk-online]")).toBe("В сети");
      expect(await queueText(page)).toBe("В очереди: 0");
      const rows = await query<{ registrationId: string; n: number }>(
        `SELECT "registrationId", count(*)::int AS n FROM "CheckIn" c JOIN "Kiosk" k ON k.id = c."kioskId" WHERE k.name = 'Зал, весь день' GROUP BY 1`,
      );
      expect(rows.map((r) => r.registrationId).sort()).toEqual([...checkedIn].sort());
      expect(rows.every((r) => r.n === 1)).toBe(true);

      expect(end.live).toBeLessThanOrEqual(1);
      expect(end.videos).toBeLessThanOrEqual(1);
      expect(end.heapMB - start.heapMB).toBeLessThan(HEAP_BOUND_MB);
      // Listeners and DOM nodes: a leak per sync round (every 3 s, 14 400 a real day) would show
      // here in thousands, one per camera restart (about 28 nodes before the fix) in hundreds. The
      // camera now runs on under a result, and a switched-off camera is stopped and cleared first.
      expect(restarts).toBeGreaterThanOrEqual(HOURS - 1);
      expect(end.gum - start.gum).toBe(2 * restarts); // per switch-on: the camera list, then the camera; none per result
      expect(end.listeners - start.listeners).toBeLessThan(50);
      expect(end.nodes - start.nodes).toBeLessThan(100);
      await closeBrowser(browser);
    },
  );

  test("the camera keeps scanning under a result: the next person's code replaces it at once", { timeout: 90_000 }, async () => {
    const taken = new Set((await query<{ id: string }>(`SELECT "registrationId" AS id FROM "CheckIn"`)).map((r) => r.id));
    const [first, second] = regs.filter((r) => !taken.has(r.id)).slice(0, 2);
    const video = writeQrVideo(second.code, "door-camera-under-result");
    videos.push(video);
    const browser = await launchWithFakeCamera(video);
    browsers.push(browser);
    const { page } = await kioskPage(browser, await kioskToken("Вход В, камера"));
    // The second person's QR code is in front of the camera from the start: green by camera.
    await page.click("button:text-is('Камера')");
    // 3 s alone; under CI's full parallel load the camera's start and first decode took over 20 s once.
    await waitSel(page, `${RESULT}[data-kind=green]`, { timeout: 60_000 });
    const secondName = await page.textContent("[data-testid=kiosk-name]");
    const checkIns = async (id: string) =>
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [id]))[0].n;
    expect(await checkIns(second.id)).toBe(1);
    // Count the result screen going away: the old kiosk ran the camera only at the scan prompt.
    await page.evaluate(() => {
      const w = window as unknown as { __resultGone: number };
      w.__resultGone = 0;
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.removedNodes) if (n instanceof Element && n.querySelector("[data-testid=kiosk-result]")) w.__resultGone++;
      }).observe(document.querySelector(".kiosk-main")!, { childList: true });
    });
    // The first person scans at the desk scanner; the camera still sees the second person's code,
    // no longer the last one scanned, so it is scanned again under the first person's result and
    // replaces it: already checked in, and the result screen never went back to the prompt.
    await typeScan(page, first.code);
    await expect.poll(() => checkIns(first.id), { timeout: 10_000 }).toBe(1);
    await page.waitForFunction(
      (greeting) => {
        const name = document.querySelector("[data-testid=kiosk-name]")?.textContent;
        return (
          document.querySelector("[data-testid=kiosk-result]")?.getAttribute("data-kind") === "yellow" && !!name && greeting.includes(name)
        );
      },
      secondName!,
      { timeout: 10_000 },
    );
    expect(await page.evaluate(() => (window as unknown as { __resultGone: number }).__resultGone)).toBe(0);
    expect(await checkIns(first.id)).toBe(1);
    expect(await checkIns(second.id)).toBe(1);
    expect(await page.locator("#kiosk-camera video").count()).toBe(1);
    await closeBrowser(browser);
  });
});
