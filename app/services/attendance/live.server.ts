import pg from "pg";
import { databaseUrl, env } from "../../utils/env.server";
import { logger } from "../../utils/logger.server";
import { singleton } from "../../utils/singleton.server";

// Live attendance (issue #6): a trigger on CheckIn/Registration does pg_notify(eventId) on
// commit; each app instance holds ONE dedicated LISTEN connection (reconnecting when dropped)
// and fans the news out to its server-sent-event streams. Figures are recomputed at most every
// MIN_INTERVAL_MS per (event, day) however many check-ins arrive, and once for all viewers.
// Relative imports only: app/server/start.ts imports this module to close it on shutdown.

export const ATTENDANCE_CHANNEL = "expodesk_attendance";
const KEY = "attendance:live";
const MIN_INTERVAL_MS = 500;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

interface Sink {
  write(chunk: string): void;
  close(): void;
}

interface Topic {
  eventId: string;
  compute: () => Promise<unknown>;
  sinks: Set<Sink>;
  timer: ReturnType<typeof setTimeout> | null;
  lastRun: number;
  running: boolean;
  again: boolean;
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export class AttendanceHub {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_MIN_MS;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private topics = new Map<string, Topic>();
  private sinks = new Set<Sink>();
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly heartbeatMs: number,
  ) {}

  get listening(): boolean {
    return this.client !== null;
  }

  /** Open streams, and (event, day) pairs being watched. */
  get size(): { streams: number; topics: number } {
    return { streams: this.sinks.size, topics: this.topics.size };
  }

  /** Resolves once LISTEN is active (starting the connection on first use). */
  listen(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("closed"));
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.databaseUrl, application_name: "expodesk-attendance-listen", keepAlive: true });
    c.on("notification", (m) => {
      if (m.channel === ATTENDANCE_CHANNEL && m.payload) this.changed(m.payload);
    });
    c.on("error", (err) => {
      logger().warn({ err }, "attendance LISTEN connection failed");
      this.dropped(c);
    });
    c.on("end", () => this.dropped(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${ATTENDANCE_CHANNEL}`);
    } catch (err) {
      c.end().catch(() => {});
      this.scheduleReconnect();
      throw err;
    }
    if (this.closed) {
      await c.end().catch(() => {});
      return;
    }
    this.client = c;
    this.retryMs = RETRY_MIN_MS;
    this.broadcast(frame("status", { listening: true }));
    // Whatever happened while we were not listening: recompute every open dashboard once.
    for (const t of this.topics.values()) this.poke(t);
  }

  private dropped(c: pg.Client) {
    if (this.client !== c) return;
    this.client = null;
    c.end().catch(() => {});
    if (this.closed) return;
    this.broadcast(frame("status", { listening: false }));
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.listen().catch(() => {}); // connect() schedules the next try itself
    }, wait);
  }

  private changed(eventId: string) {
    for (const t of this.topics.values()) if (t.eventId === eventId) this.poke(t);
  }

  /** Coalesces a burst: one run now or MIN_INTERVAL_MS after the last, one more if news came during a run. */
  private poke(t: Topic) {
    if (t.running) {
      t.again = true;
      return;
    }
    if (t.timer) return;
    t.timer = setTimeout(() => void this.run(t), Math.max(0, t.lastRun + MIN_INTERVAL_MS - Date.now()));
  }

  private async run(t: Topic) {
    t.timer = null;
    t.running = true;
    t.again = false;
    t.lastRun = Date.now();
    try {
      const msg = frame("figures", await t.compute());
      for (const s of t.sinks) s.write(msg);
    } catch (err) {
      logger().error({ err, eventId: t.eventId }, "attendance recompute failed");
    } finally {
      t.running = false;
      if (t.again && t.sinks.size && !this.closed) this.poke(t);
    }
  }

  private broadcast(chunk: string) {
    for (const s of this.sinks) s.write(chunk);
  }

  /**
   * A server-sent-event stream of `figures` for one (event, day): the current figures at once,
   * then fresh ones after every change. Ends when the request is aborted or the hub closes.
   */
  stream(signal: AbortSignal, eventId: string, key: string, compute: () => Promise<unknown>): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let sink: Sink | null = null;
    const detach = () => {
      if (!sink) return;
      this.sinks.delete(sink);
      const t = this.topics.get(key);
      t?.sinks.delete(sink);
      if (t && t.sinks.size === 0) {
        if (t.timer) clearTimeout(t.timer);
        this.topics.delete(key);
      }
      if (this.sinks.size === 0 && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
      sink = null;
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        let open = true;
        const s: Sink = {
          write: (chunk) => {
            if (!open) return;
            try {
              controller.enqueue(encoder.encode(chunk));
            } catch {
              open = false;
            }
          },
          close: () => {
            if (!open) return;
            open = false;
            detach();
            try {
              controller.close();
            } catch {
              // already closed by the reader
            }
          },
        };
        if (this.closed || signal.aborted) {
          open = false;
          controller.close();
          return;
        }
        sink = s;
        signal.addEventListener("abort", () => s.close(), { once: true });
        this.sinks.add(s);
        this.heartbeat ??= setInterval(() => this.broadcast(`: heartbeat ${Date.now()}\n\n`), this.heartbeatMs);
        s.write("retry: 2000\n\n");
        // Listen first, then read: a change committed after the snapshot is never missed.
        void this.listen()
          .catch(() => {})
          .then(async () => {
            s.write(frame("status", { listening: this.listening }));
            s.write(frame("figures", await compute()));
            if (!open) return;
            let t = this.topics.get(key);
            if (!t) {
              t = { eventId, compute, sinks: new Set(), timer: null, lastRun: Date.now(), running: false, again: false };
              this.topics.set(key, t);
            }
            t.sinks.add(s);
          })
          .catch((err) => {
            logger().error({ err, eventId }, "attendance stream failed");
            s.close();
          });
      },
      cancel: () => detach(),
    });
  }

  /** Ends every stream and the LISTEN connection (graceful shutdown must not wait for them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const t of this.topics.values()) if (t.timer) clearTimeout(t.timer);
    for (const s of [...this.sinks]) s.close();
    this.topics.clear();
    const c = this.client;
    this.client = null;
    await this.connecting?.catch(() => {});
    await c?.end().catch(() => {});
  }
}

export function attendanceHub(): AttendanceHub {
  return singleton(KEY, () => {
    const url = databaseUrl();
    if (!url) throw new Error("DATABASE_URL is not set");
    return new AttendanceHub(url, env().ATTENDANCE_HEARTBEAT_MS);
  });
}

/** For the server's shutdown: closes the hub if this process ever opened one. */
export async function closeAttendanceHub(): Promise<void> {
  const g = globalThis as unknown as { __expodesk?: Map<string, unknown> };
  const hub = g.__expodesk?.get(KEY) as AttendanceHub | undefined;
  await hub?.close();
}
