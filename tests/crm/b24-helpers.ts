// Raw HTTP access to the emulator, so protocol tests see exactly what a client would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach } from "vitest";
import { startBitrix24Emulator, type Bitrix24Emulator } from "../emulators/bitrix24";

export type RawTime = {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
};

/** Loosely typed on purpose: tests assert the shapes. */
export type RawAnswer = {
  status: number;
  contentType: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protocol tests poke into arbitrary JSON
  body: { result?: any; error?: string; error_description?: string; total?: number; next?: number; time?: RawTime; [key: string]: unknown };
};

export async function rest(
  baseUrl: string,
  method: string,
  params: unknown = {},
  init: { form?: string; query?: string; get?: boolean } = {},
): Promise<RawAnswer> {
  const url = `${baseUrl}${method}${init.query ? `?${init.query}` : ""}`;
  const res = init.get
    ? await fetch(url)
    : await fetch(url, {
        method: "POST",
        headers: { "Content-Type": init.form !== undefined ? "application/x-www-form-urlencoded" : "application/json" },
        body: init.form ?? JSON.stringify(params),
      });
  const text = await res.text();
  let body: RawAnswer["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", body };
}

/** A handler endpoint for outbound events: records every POST with its headers and raw body. */
export async function startEventSink() {
  const received: { contentType: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/crm-events`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A fresh emulator with a fast drain (the rate limit itself is not under test) for every test
 * of the file: `const t = emulatorPerTest()`, then `t.emu` inside the tests.
 */
export function emulatorPerTest() {
  const t = {
    emu: null as unknown as Bitrix24Emulator,
    addContacts: (n: number, make?: (i: number) => Record<string, unknown>) => addContactsTo(t.emu.baseUrl, n, make),
  };
  beforeEach(async () => {
    t.emu = await startBitrix24Emulator({ drainPerSecond: 1000, seed: 7 });
  });
  afterEach(() => t.emu.close());
  return t;
}

/** `n` contacts added one by one; returns their ids. */
async function addContactsTo(
  baseUrl: string,
  n: number,
  make: (i: number) => Record<string, unknown> = (i) => ({ NAME: `N${i}` }),
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await rest(baseUrl, "crm.contact.add", { fields: make(i) })).body.result);
  return ids;
}
