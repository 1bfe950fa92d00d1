// The LISTEN/fan-out hub in-process on a real database: streams are dropped when their client
// goes away, a burst of notifications is one recompute, and close() ends streams and the link.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "../setup/db";
import { quietPeriod, waitFor } from "../setup/wait";
import { AttendanceHub, ATTENDANCE_CHANNEL } from "../../app/services/attendance/live.server";

let url: string;
let admin: pg.Client;
let hub: AttendanceHub;

beforeAll(async () => {
  url = await createTestDatabase();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  hub = new AttendanceHub(url, 60_000);
});
afterAll(async () => {
  await hub?.close();
  await admin?.end();
});

/** Reads a stream's frames into an array until it ends. */
function drain(stream: ReadableStream<Uint8Array>) {
  const out = { text: "", ended: false };
  void (async () => {
    const reader = stream.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.text += dec.decode(value);
    }
    out.ended = true;
  })();
  return out;
}
const count = (text: string, event: string) => text.split(`event: ${event}\n`).length - 1;
const until = (ok: () => boolean, what = "the streams") => waitFor(what, ok, { timeoutMs: 5_000, everyMs: 20 });

describe("AttendanceHub", () => {
  test("a burst of 50 notifications for the event is one or two recomputes; other events none", async () => {
    let computed = 0;
    const ac = new AbortController();
    let otherComputed = 0;
    const s = drain(hub.stream(ac.signal, "ev-1", "ev-1|all", async () => ({ n: ++computed })));
    const other = drain(hub.stream(ac.signal, "ev-9", "ev-9|all", async () => ({ n: ++otherComputed })));
    const last = drain(hub.stream(ac.signal, "ev-2", "ev-2|all", async () => ({})));
    await until(() => count(s.text, "figures") === 1 && count(other.text, "figures") === 1 && count(last.text, "figures") === 1);
    expect(hub.listening).toBe(true);
    for (let i = 0; i < 50; i++) await admin.query(`SELECT pg_notify($1, 'ev-1')`, [ATTENDANCE_CHANNEL]);
    await admin.query(`SELECT pg_notify($1, 'ev-2')`, [ATTENDANCE_CHANNEL]);
    await until(() => count(s.text, "figures") >= 2);
    // Notifications arrive in order on the one LISTEN connection: once ev-2 (sent last) has its
    // recompute, the hub has taken in the whole burst. What the burst may still cause is one run
    // within the coalescing window (500 ms after the last run), so hold that long and count.
    await until(() => count(last.text, "figures") === 2, "the last notification's recompute");
    await quietPeriod(700);
    expect(computed).toBeGreaterThanOrEqual(2);
    expect(computed).toBeLessThanOrEqual(3); // the snapshot, then the burst coalesced
    expect(otherComputed).toBe(1); // only its snapshot
    ac.abort();
  });

  test("a client that goes away is dropped at once; the watched topic with it", async () => {
    const ac = new AbortController();
    const s = drain(hub.stream(ac.signal, "ev-3", "ev-3|all", async () => ({})));
    await until(() => count(s.text, "figures") === 1);
    expect(hub.size).toEqual({ streams: 1, topics: 1 });
    ac.abort();
    await until(() => s.ended);
    expect(hub.size).toEqual({ streams: 0, topics: 0 });
  });

  test("close() ends every stream and the LISTEN connection; later streams end at once", async () => {
    const streams = [1, 2, 3].map(() => drain(hub.stream(new AbortController().signal, "ev-4", "ev-4|all", async () => ({}))));
    await until(() => streams.every((s) => count(s.text, "figures") === 1));
    const listeners = () => admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'expodesk-attendance-listen' AND datname = current_database()`);
    expect((await listeners()).rows[0].n).toBe(1);
    await hub.close();
    await until(() => streams.every((s) => s.ended));
    await until(() => hub.size.streams === 0);
    await expect.poll(async () => (await listeners()).rows[0].n).toBe(0);
    const late = drain(hub.stream(new AbortController().signal, "ev-4", "ev-4|all", async () => ({})));
    await until(() => late.ended);
    expect(late.text).toBe("");
  });
});
