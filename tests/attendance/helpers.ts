// Shared set-up for the attendance dashboard tests: the real server(s) with the demo seed (for
// the demo logins), a Ctx the check-in helpers accept, a session login, and an SSE reader.
import type { RunningApp } from "../setup/app";
import type { Ctx } from "../checkin/helpers";
import { jsonCaller, sessionCookie } from "../setup/http";
import { waitFor } from "../setup/wait";

export const DEMO = {
  manager: { email: "manager@expodesk.local", password: "demo-manager-2026" },
  exhibitor: { email: "exhibitor@stroymash.example", password: "demo-exhibitor-2026" },
};

export async function makeCtx(app: RunningApp): Promise<Omit<Ctx, "eventId">> {
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma, pool } = await import("../../app/utils/db.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const db = { prisma, pool, ticketCode, createApiToken };
  const call = jsonCaller(app.url);
  const managerToken = (await createApiToken({ role: "manager", name: "attendance test" })).token;
  return { app, managerToken, call, db };
}

export async function createEvent(ctx: Omit<Ctx, "eventId">, body: { name: string; timezone?: string; startsAt: string; endsAt: string }): Promise<string> {
  const ev = await ctx.call("/api/v1/events", "POST", ctx.managerToken, { venue: "Крокус Экспо", timezone: "Europe/Moscow", ...body });
  if (ev.status !== 201) throw new Error(`event: ${ev.status} ${JSON.stringify(ev.body)}`);
  return ev.body.id as string;
}

/** Logs in through the login form; returns the session cookie ("name=value"). */
export const login = (baseUrl: string, who: { email: string; password: string }) => sessionCookie(baseUrl, who.email, who.password);

export interface SseEvent {
  event: string;
  data: string;
  at: number;
}

export interface SseClient {
  status: number;
  contentType: string;
  events: SseEvent[];
  comments: number;
  ended: boolean;
  /** The first event (from index `from` on) that matches. */
  next(pred: (e: SseEvent) => boolean, timeoutMs?: number, from?: number): Promise<SseEvent>;
  close(): void;
}

/** A minimal EventSource over fetch (Node has none): parses `event:`/`data:` frames and comments. */
export async function sse(url: string, cookie: string): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: "text/event-stream" }, signal: ac.signal, redirect: "manual" });
  const c: SseClient = {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    events: [],
    comments: 0,
    ended: false,
    next: (pred, timeoutMs = 10_000, from = 0) =>
      waitFor(
        "a matching server-sent event",
        () => {
          const hit = c.events.slice(from).find(pred);
          if (!hit && c.ended) throw new Error(`stream ended; events: ${JSON.stringify(c.events.map((e) => e.event))}`);
          return hit;
        },
        { timeoutMs, everyMs: 20 },
      ),
    close: () => ac.abort(),
  };
  if (!res.body || !c.contentType.startsWith("text/event-stream")) {
    c.ended = true;
    await res.body?.cancel().catch(() => {});
    return c;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "message";
          const data: string[] = [];
          let comment = false;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comment = true;
            else if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length) c.events.push({ event, data: data.join("\n"), at: performance.now() });
          else if (comment) c.comments++;
        }
      }
    } catch {
      // aborted by close()
    }
    c.ended = true;
  })();
  return c;
}

export const figuresOf = (e: SseEvent) => JSON.parse(e.data) as { registered: number; checkedIn: number; noShows: number; day: string | null };
