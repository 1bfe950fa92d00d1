import type { Page } from "playwright-core";

/**
 * Clicks something that posts a page form and waits until the answer is drawn: the router is
 * idle AND the root has committed that idle state (`data-settled` moves, app/root.tsx). The
 * router turns idle before React commits the new data, so reading the page on router-idle alone
 * read the old form under load.
 */
export async function submitAndSettle(page: Page, click: () => Promise<unknown>): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
  const before = await page.evaluate(() => Number(document.documentElement.dataset.settled ?? 0));
  await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), click()]);
  await page.waitForFunction((n) => {
    const router = (window as unknown as { __remixRouter: { state: { navigation: { state: string }; revalidation: string } } }).__remixRouter;
    return Number(document.documentElement.dataset.settled ?? 0) > n && router.state.navigation.state === "idle" && router.state.revalidation === "idle";
  }, before);
}
