import { chromium, type Browser } from "playwright-core";

// Debian's Chromium (installed by .ci/run); test tools may not download their own browser here.
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...CHROMIUM_ARGS, ...extraArgs] });
}

const settles = (p: Promise<unknown>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });

/**
 * Closes Chromium, and kills it if a graceful close does not finish in 15 s. Once in a few hundred
 * runs `browser.close()` never returned (stop 20: a 120 s afterAll timeout after every test had
 * passed); Playwright keeps waiting for the process to exit and has no close timeout of its own.
 */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  if (await settles(browser.close(), 15_000)) return;
  console.warn("closeBrowser: Chromium did not close in 15 s; killing its process group");
  // Playwright's own channel for this (it SIGKILLs the browser's process group); not public API.
  const channel = (browser as unknown as { _channel: { killForTests: (p: object) => Promise<void> } })._channel;
  if (!(await settles(channel.killForTests({}), 10_000))) console.warn("closeBrowser: Chromium still not gone; leaving it to the worker's exit");
}
