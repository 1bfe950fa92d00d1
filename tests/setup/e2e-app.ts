import type { Browser } from "playwright-core";
import type pg from "pg";
import { startApp, type RunningApp } from "./app";
import { closeBrowser, launchBrowser } from "./browser";
import { queryDb } from "./db";
import { perFile } from "./per-file";

// One browser-test file's world: the real app (demo data) and, with useAppAndBrowser, a headless
// Chromium, started side by side before the file's tests and stopped after them. Call it at the
// top of the file, before the file's own beforeAll (which then runs second; its afterAll first).

export type AppOptions = Parameters<typeof startApp>[0];

export type Start = {
  /** startApp's options, worked out in the beforeAll (e.g. the URL of a server started first). */
  app?: () => AppOptions | Promise<AppOptions>;
  /** Something else to start at the same time (a private CUPS, a stand-in printer, Xvfb). */
  alongside?: () => Promise<unknown>;
};

export type E2eApp = {
  /** Set once the fixture's beforeAll has run. */
  app: RunningApp;
  /** SQL straight to the app's database. */
  query: <T extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<T[]>;
};

export type E2e = E2eApp & { browser: Browser };

/** The app alone: for files that launch their own Chromium (camera flags, a headed one). */
export const useApp = (start: Start = {}): E2eApp => use(start, false);

export const useAppAndBrowser = (start: Start = {}): E2e => use(start, true);

function use(start: Start, withBrowser: boolean): E2e {
  const e2e: E2e = perFile<E2e>(
    async () => {
      const startingApp = (async () => startApp(await start.app?.()))();
      const [app, browser] = await Promise.all([startingApp, withBrowser ? launchBrowser() : undefined, start.alongside?.()]);
      // For the app's modules imported in the test process (Prisma, tokens, ticket codes).
      process.env.DATABASE_URL = app.databaseUrl;
      return { app, browser: browser as Browser, query: e2e.query };
    },
    async ({ app, browser }) => {
      await closeBrowser(browser);
      await app.stop();
    },
  );
  // Files take `query` apart at the top, before the beforeAll has run.
  e2e.query = (sql, params = []) => queryDb(e2e.app.databaseUrl, sql, params);
  return e2e;
}
