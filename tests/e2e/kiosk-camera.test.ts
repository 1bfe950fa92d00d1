// The kiosk's camera mode against Chromium's fake camera: a registration's signed QR code is
// drawn into a Y4M video, Chromium plays it as the webcam, html5-qrcode in the kiosk decodes
// it, and the person is checked in (green screen, a CheckIn row on the server). A forged code
// shown to the camera is red and checks nobody in.
import { readFileSync, rmSync } from "node:fs";
import jsQR from "jsqr";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useApp } from "../setup/e2e-app";
import { demoEvent, eventRunsToday, kioskWithToken, ticketCodes } from "../setup/e2e-data";
import { cameraState, countCameraTracks, forge, pairWithToken, syncRounds } from "../setup/kiosk-page";
import { waitFor } from "../setup/wait";
import { launchWithFakeCamera, writeQrVideo } from "./fake-camera";

const e2e = useApp();
const { query } = e2e;
let token: string;
let good: { id: string; code: string };
let forged: { id: string; code: string };
const browsers: Browser[] = [];
const videos: string[] = [];
const video = (code: string, name: string) => {
  const file = writeQrVideo(code, name);
  videos.push(file);
  return file;
};

beforeAll(async () => {
  const { id: eventId } = await demoEvent();
  await eventRunsToday(eventId);
  ({ token } = await kioskWithToken(eventId, { name: "Вход с камерой" }, "camera test"));
  const [first, second] = await ticketCodes(eventId, { status: "confirmed" }, 2);
  good = first;
  forged = { id: second.id, code: forge(second.code) };
});
afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  for (const f of videos) rmSync(f, { force: true });
});

/** Chromium whose only camera plays `video`; a kiosk paired in it, camera switched on. */
async function kioskWithCamera(video: string) {
  const browser = await launchWithFakeCamera(video);
  browsers.push(browser);
  const context = await browser.newContext({ locale: "ru-RU", permissions: ["camera"] });
  const page = await context.newPage();
  await pairWithToken(page, e2e.app.url, token);
  await page.click("text=Камера");
  return page;
}

describe("kiosk camera mode with Chromium's fake camera", () => {
  test("the Y4M helper draws a QR code that decodes back to the ticket code", () => {
    const file = video(good.code, "camera-selfcheck");
    const data = readFileSync(file);
    const header = data.subarray(0, data.indexOf(0x0a)).toString("latin1");
    expect(header).toBe("YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg");
    const frameStart = header.length + 1 + "FRAME\n".length;
    const luma = data.subarray(frameStart, frameStart + 640 * 480);
    const rgba = new Uint8ClampedArray(640 * 480 * 4);
    for (let i = 0; i < luma.length; i++) rgba.set([luma[i], luma[i], luma[i], 255], i * 4);
    expect(jsQR(rgba, 640, 480)?.data).toBe(good.code);
    expect(data.length).toBe(header.length + 1 + 10 * ("FRAME\n".length + 640 * 480 * 1.5));
  });

  test("a QR code held to the camera checks the person in: green screen and a CheckIn row", async () => {
    const page = await kioskWithCamera(video(good.code, "camera-good"));
    const t0 = Date.now();
    await page.waitForSelector("[data-testid=kiosk-result]", { timeout: 20_000 });
    console.log(`[kiosk-camera] camera on -> result shown: ${Date.now() - t0} ms`);
    await expect(page.getAttribute("[data-testid=kiosk-result]", "data-kind")).resolves.toBe("green");
    await expect(page.textContent("[data-testid=kiosk-result]")).resolves.toContain("Добро пожаловать");
    const rows = await query<{ n: number; kiosk: string }>(
      `SELECT count(*)::int AS n, min(k."name") AS kiosk FROM "CheckIn" c JOIN "Kiosk" k ON k."id" = c."kioskId" WHERE c."registrationId" = $1`,
      [good.id],
    );
    expect(rows[0]).toEqual({ n: 1, kiosk: "Вход с камерой" });
  });

  test("the camera starts once: the kiosk's re-renders (sync every few seconds) do not restart it", async () => {
    // Chromium's built-in fake camera (a test pattern, no QR code), with getUserMedia counted.
    const browser = await launchWithFakeCamera();
    browsers.push(browser);
    const context = await browser.newContext({ locale: "ru-RU", permissions: ["camera"] });
    await countCameraTracks(context);
    const page = await context.newPage();
    const rounds = syncRounds(page);
    await pairWithToken(page, e2e.app.url, token);
    await page.click("text=Камера");
    await page.waitForSelector("#kiosk-camera video", { timeout: 15_000 });
    const probe = () => cameraState(page);
    const first = await probe();
    // Two whole sync rounds with their re-renders: the third status call after this point starts
    // only once the second round's render is committed.
    const from = rounds();
    await waitFor("three more sync rounds", () => rounds() >= from + 3, { timeoutMs: 30_000 });
    const later = await probe();
    expect(later).toEqual(first);
    expect(later.live).toBe(1);
    expect(later.videos).toBe(1);
  });

  test("a forged code held to the camera is red and checks nobody in", async () => {
    const page = await kioskWithCamera(video(forged.code, "camera-forged"));
    await page.waitForSelector("[data-testid=kiosk-result]", { timeout: 20_000 });
    await expect(page.getAttribute("[data-testid=kiosk-result]", "data-kind")).resolves.toBe("red");
    const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [forged.id]);
    expect(rows[0].n).toBe(0);
    const scans = await query<{ result: string }>(`SELECT "result"::text AS "result" FROM "ScanLog" WHERE "registrationId" = $1 OR "code" = $2`, [forged.id, forged.code]);
    expect(scans.map((s) => s.result)).toContain("invalid_code");
  });

  test("a QR code that is not our ticket (a URL) is red: not a ticket of this event, with what was read", async () => {
    const url = "https://tickets.example.org/e/2026/order/ABC123?secret=xyz";
    const page = await kioskWithCamera(video(url, "camera-url"));
    await page.waitForSelector("[data-testid=kiosk-result]", { timeout: 20_000 });
    await expect(page.getAttribute("[data-testid=kiosk-result]", "data-kind")).resolves.toBe("red");
    await expect(page.textContent("[data-testid=kiosk-verdict]")).resolves.toBe("Не билет этого мероприятия");
    // What was read, truncated to 40 characters.
    await expect(page.textContent("[data-testid=kiosk-name]")).resolves.toBe(`Считано (ссылка): «${url.slice(0, 39)}…»`);
  });
});
