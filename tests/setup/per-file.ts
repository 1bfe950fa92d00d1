import { afterAll, beforeAll } from "vitest";

/**
 * What one test file shares (a server, its database, emulators, tokens): started before the
 * first test and stopped after the last, also when a test failed. The returned object is filled
 * in by beforeAll, so tests read its fields (`w.app`, `ctx.call`) as they would a started world.
 */
export function perFile<T extends object>(start: () => Promise<T>, stop: (started: T) => unknown, timeoutMs?: number): T {
  const shared = {} as T;
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
    Object.assign(shared, started);
  }, timeoutMs);
  afterAll(async () => {
    if (started) await stop(started);
  });
  return shared;
}
