// The one way tests wait: for a condition, never for a fixed time. `probe` returns a truthy
// value when the condition holds (that value is returned); errors thrown by the probe count as
// "not yet" and the last one is reported on timeout.

export type WaitOptions = { timeoutMs?: number; everyMs?: number };

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  { timeoutMs = 20_000, everyMs = 50 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A short hold to check that something does NOT happen. Call it only after waiting for a positive
 * signal that the system has taken in what it would react to (the caller's comment says which):
 * the hold then covers the system's own known delay (a coalescing window, a timer), not a hope.
 */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
