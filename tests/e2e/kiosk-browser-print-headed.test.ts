// Browser printing for real (issue #12): headed Debian Chromium under a private Xvfb, started the
// way a kiosk PC starts it (--kiosk-printing), no window.print stand-in. The kiosk page used to
// crash ~1 s after every browser-printed badge (print() on a PDF iframe); now it prints an HTML
// frame with the badge PNG and reports back. There is no system printer here, so the profile's
// print preview destination is "Save as PDF" (Preferences in the user-data-dir, see
// printing/README.md): with --kiosk-printing Chromium then writes each printed badge as a PDF to
// the profile's download directory, which is what this test reads.
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { waitFor } from "../checkin/helpers";
import { CHROMIUM_ARGS } from "../setup/browser";
import { useApp } from "../setup/e2e-app";
import { browserPrintingKiosk } from "../setup/e2e-data";
import { startXvfb, type Xvfb } from "../setup/xvfb";
import { pairWithToken } from "../setup/kiosk-page";

let xvfb: Xvfb;
const e2e = useApp({ alongside: async () => void (xvfb = await startXvfb()) });
const { query } = e2e;
let context: BrowserContext;
let page: Page;
let profile: string;
let outDir: string;
let token: string;
const crashes: number[] = [];

/** A Chromium profile whose print preview goes to "Save as PDF" in `outDir`, silently with --kiosk-printing. */
export function saveAsPdfProfile(dir: string, outDir: string) {
  mkdirSync(path.join(dir, "Default"), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const appState = {
    version: 2,
    recentDestinations: [{ id: "Save as PDF", origin: "local", account: "" }],
    selectedDestinationId: "Save as PDF",
  };
  writeFileSync(
    path.join(dir, "Default", "Preferences"),
    JSON.stringify({
      download: { default_directory: outDir, prompt_for_download: false },
      savefile: { default_directory: outDir },
      printing: { print_preview_sticky_settings: { appState: JSON.stringify(appState) } },
    }),
  );
}

beforeAll(async () => {
  ({ token } = await browserPrintingKiosk("Стойка 5", "headed print"));

  profile = mkdtempSync(path.join(os.tmpdir(), "expo-kiosk-profile-"));
  outDir = path.join(profile, "printed");
  saveAsPdfProfile(profile, outDir);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: false,
    locale: "ru-RU",
    env: { ...process.env, DISPLAY: xvfb.display },
    args: [...CHROMIUM_ARGS.filter((a) => a !== "--headless"), "--kiosk-printing"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("crash", () => crashes.push(Date.now()));
});
afterAll(async () => {
  await context?.close();
  await xvfb?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const jobOf = async (lastName: string) =>
  (
    await query<{ id: string; status: string; error: string | null }>(
      `SELECT j.id, j.status::text, j.error FROM "PrintJob" j JOIN "Registration" r ON r.id = j."registrationId" JOIN "Person" p ON p.id = r."personId" WHERE p."lastName" = $1`,
      [lastName],
    )
  )[0];

async function scan(search: string) {
  await page.fill(".kiosk-search", search);
  await page.click(".kiosk-results button");
  await page.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
}

test("a browser-printer badge prints silently in headed Chromium, the page lives on, the kiosk reports printed", async () => {
  await pairWithToken(page, e2e.app.url, token);

  await scan("kuznetsova");
  // Sent to the kiosk's browser, then printed: as the kiosk reports it (afterprint).
  await waitFor("job sent or printed", async () => ["sent", "done"].includes((await jobOf("Кузнецова"))?.status ?? "") || null, 20_000);
  await page.waitForSelector("[data-testid=kiosk-print-state][data-state=printed]", { timeout: 45_000 });
  await expect(page.textContent("[data-testid=kiosk-print-state]")).resolves.toBe("Бейдж напечатан");
  expect(await jobOf("Кузнецова")).toMatchObject({ status: "done", error: null });
  // What Chromium printed: a one-page PDF ("Save as PDF" destination).
  const files = await waitFor(
    "printed file",
    async () => (existsSync(outDir) && readdirSync(outDir).filter((f) => f.endsWith(".pdf")).length ? readdirSync(outDir) : null),
    20_000,
  );
  expect(readFileSync(path.join(outDir, files[0])).subarray(0, 5).toString()).toBe("%PDF-");

  // Still alive well after the print (it used to crash within 1-2 s): a later scan prints too.
  await page.waitForSelector("[data-testid=kiosk-result]", { state: "detached", timeout: 15_000 });
  await scan("popov");
  await waitFor("second job printed", async () => (await jobOf("Попов"))?.status === "done" || null, 45_000);
  await page.waitForSelector(`[data-testid=kiosk-print-state][data-state=printed][data-job="${(await jobOf("Попов")).id}"]`);
  expect(crashes).toEqual([]);
  expect(await page.evaluate(() => document.querySelectorAll("iframe[data-testid=browser-print]").length)).toBeLessThanOrEqual(1);
}, 150_000);
