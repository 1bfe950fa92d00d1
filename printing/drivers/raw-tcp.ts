// Raw TCP ("port 9100", JetDirect): open a socket, write the job, close. Zebra printers take
// ZPL this way with the lowest latency. ~HS gives the Zebra's status flags.
import net from "node:net";
import { networkError, PrinterError } from "./errors";

export interface RawTcpOptions {
  /** Connecting must succeed within this. Default 3 s. */
  connectTimeoutMs?: number;
  /** The whole send, including the printer closing its side. Default 15 s. */
  timeoutMs?: number;
  /**
   * After our data is flushed we wait this long for the printer to close its side, then close
   * anyway: some printers never send FIN. Default 2 s.
   */
  lingerMs?: number;
}

export interface RawTcpResult {
  bytes: number;
  elapsedMs: number;
}

/** "host:port", "host" (port 9100), "[::1]:9100" or "tcp://host:port". */
export function parseHostPort(address: string, defaultPort = 9100): { host: string; port: number } {
  const a = address
    .trim()
    .replace(/^(tcp|socket|raw):\/\//i, "")
    .replace(/\/.*$/, "");
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(a) ?? /^([^:]+)(?::(\d+))?$/.exec(a);
  if (!m) throw new PrinterError("rejected", `bad raw-tcp printer address "${address}" (want host:port)`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PrinterError("rejected", `bad port in "${address}"`);
  return { host: m[1], port };
}

/** Writes the bytes and resolves once they are flushed and the connection is closed. */
export function sendRaw(address: string, data: Buffer | string, opts: RawTcpOptions = {}): Promise<RawTcpResult> {
  const { host, port } = parseHostPort(address);
  const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let settled = false;
    let flushed = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (err?: PrinterError) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      socket.destroy();
      if (err) reject(err);
      else resolve({ bytes: buf.length, elapsedMs: Date.now() - started });
    };
    timers.push(
      setTimeout(() => {
        if (socket.connecting)
          finish(
            new PrinterError("offline", `no connection to ${host}:${port} in ${opts.connectTimeoutMs ?? 3000} ms`, {
              reasons: ["ETIMEDOUT"],
            }),
          );
      }, opts.connectTimeoutMs ?? 3000),
      setTimeout(() => {
        if (flushed) finish();
        else finish(new PrinterError("timeout", `${host}:${port} did not take the job in ${opts.timeoutMs ?? 15000} ms`));
      }, opts.timeoutMs ?? 15_000),
    );
    socket.setNoDelay(true);
    socket.on("connect", () => socket.end(buf));
    socket.on("data", () => {}); // whatever the printer says back is not ours to read here
    socket.on("finish", () => {
      flushed = true;
      timers.push(setTimeout(() => finish(), opts.lingerMs ?? 2000));
    });
    socket.on("close", () => {
      if (flushed) finish();
      else finish(new PrinterError("offline", `${host}:${port} closed the connection before the job was sent`));
    });
    socket.on("error", (e) => finish(networkError(e, `raw-tcp ${host}:${port}`)));
  });
}

// ---------------------------------------------------------------------------------------------
// Zebra ~HS host status

export type ZebraProblem =
  "paper-out" | "paused" | "head-open" | "ribbon-out" | "over-temperature" | "under-temperature" | "no-response" | "offline";

export interface ZebraStatus {
  ok: boolean;
  /** TCP connection worked (a silent printer is reachable but in an error state). */
  reachable: boolean;
  paperOut: boolean;
  paused: boolean;
  headOpen: boolean;
  ribbonOut: boolean;
  problems: ZebraProblem[];
  labelsRemaining?: number;
  formatsInBuffer?: number;
  /** The three STX..ETX strings as received. */
  raw?: string[];
  message?: string;
}

/**
 * Parses the ~HS answer: string 1 field 2 = paper out, field 3 = paused (12 fields; 11/12 =
 * under/over temperature); string 2 field 3 = head open, field 4 = ribbon out, field 9 = labels
 * remaining in batch. Returns null until all three strings have arrived.
 */
export function parseZebraHostStatus(text: string): ZebraStatus | null {
  const frames = [...text.matchAll(/\x02([^\x02\x03]*)\x03/g)].map((m) => m[1]);
  if (frames.length < 3) return null;
  const s1 = frames[0].split(",").map((f) => f.trim());
  const s2 = frames[1].split(",").map((f) => f.trim());
  const flag = (v: string | undefined) => v === "1";
  const paperOut = flag(s1[1]);
  const paused = flag(s1[2]);
  const headOpen = flag(s2[2]);
  const ribbonOut = flag(s2[3]);
  const problems: ZebraProblem[] = [];
  if (paperOut) problems.push("paper-out");
  if (paused) problems.push("paused");
  if (headOpen) problems.push("head-open");
  if (ribbonOut) problems.push("ribbon-out");
  if (flag(s1[10])) problems.push("under-temperature");
  if (flag(s1[11])) problems.push("over-temperature");
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    ok: problems.length === 0,
    reachable: true,
    paperOut,
    paused,
    headOpen,
    ribbonOut,
    problems,
    labelsRemaining: num(s2[8]),
    formatsInBuffer: num(s1[4]),
    raw: frames.slice(0, 3),
  };
}

const failed = (problem: "no-response" | "offline", reachable: boolean, message: string): ZebraStatus => ({
  ok: false,
  reachable,
  paperOut: false,
  paused: false,
  headOpen: false,
  ribbonOut: false,
  problems: [problem],
  message,
});

/**
 * Asks a Zebra for ~HS. Never throws. A Zebra says nothing at all when out of media/ribbon,
 * with the head open or too hot, so silence for `timeoutMs` (2 s) is an error state.
 */
export function zebraStatus(host: string, port = 9100, opts: { timeoutMs?: number } = {}): Promise<ZebraStatus> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let text = "";
    let done = false;
    const finish = (s: ZebraStatus) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(s);
    };
    const timer = setTimeout(() => {
      if (socket.connecting) finish(failed("offline", false, `no connection to ${host}:${port} in ${timeoutMs} ms`));
      else finish(failed("no-response", true, `no ~HS answer from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("connect", () => socket.write("~HS"));
    socket.on("data", (chunk: string) => {
      text += chunk;
      const s = parseZebraHostStatus(text);
      if (s) finish(s);
    });
    socket.on("close", () => finish(failed("no-response", true, `${host}:${port} closed without a full ~HS answer`)));
    socket.on("error", (e) => finish(failed("offline", false, `${host}:${port}: ${e.message}`)));
  });
}

/** The error a queue should record for a Zebra status, or null when it can print. */
export function zebraStatusError(s: ZebraStatus): PrinterError | null {
  if (s.ok) return null;
  const p = s.problems;
  const kind = p.includes("offline") ? "offline" : p.includes("paper-out") ? "out-of-paper" : "needs-attention";
  return new PrinterError(kind, `Zebra printer: ${s.message ?? p.join(", ")}`, { reasons: p });
}
