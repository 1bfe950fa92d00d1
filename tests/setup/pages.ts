import type { Browser, BrowserContextOptions, Page } from "playwright-core";

// Pages of the staff app in Chromium: a fresh context per user, the real login form, hydration.

export type Login = { email: string; password: string };

/** A page in a fresh browser context (its own cookies); Russian unless told otherwise. */
export async function newPage(browser: Browser, locale = "ru-RU", options: BrowserContextOptions = {}): Promise<Page> {
  return (await browser.newContext({ locale, ...options })).newPage();
}

/** Logs in through the real login form; resolves once the app has moved away from /login. */
export async function loginAs(page: Page, baseUrl: string, who: Login): Promise<void> {
  await page.goto(baseUrl + "/login");
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("button[type=submit].primary")]);
}

/** Remix has hydrated the page (forms then submit through the router, not as documents). */
export const hydrated = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
