import net from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import {
  PrinterError,
  parseHostPort,
  parseZebraHostStatus,
  printerHealth,
  sendRaw,
  sendToPrinter,
  zebraStatus,
} from "./index";
import { getTemplate } from "../template";
import { renderBadgeZpl } from "../zpl";
import { badge } from "../../tests/printing/helpers";

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A stand-in Zebra on 127.0.0.1:<free port>: stores what it receives per connection. */
async function listen(onConnection: (s: net.Socket, received: Buffer[]) => void = () => {}) {
  const jobs: Buffer[] = [];
  const server = net.createServer((sock) => {
    const chunks: Buffer[] = [];
    sock.on("data", (c) => chunks.push(c));
    sock.on("end", () => {
      jobs.push(Buffer.concat(chunks));
      sock.end();
    });
    sock.on("error", () => {});
    onConnection(sock, chunks);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as net.AddressInfo).port, jobs, server };
}

/** A port nothing listens on. */
async function closedPort() {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const STX = "\x02",
  ETX = "\x03";
const hs = (s1: string, s2: string, s3 = "1234,0") => `${STX}${s1}${ETX}\r\n${STX}${s2}${ETX}\r\n${STX}${s3}${ETX}\r\n`;
const READY = hs("030,0,0,0812,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");

describe("raw TCP (port 9100)", () => {
  test("the listener receives exactly the ZPL bytes, UTF-8", async () => {
    const z = await listen();
    const zpl = renderBadgeZpl(badge(), getTemplate("zebra-4x3"), { dpi: 203 });
    const r = await sendRaw(`127.0.0.1:${z.port}`, zpl);
    expect(r.bytes).toBe(Buffer.byteLength(zpl));
    expect(z.jobs).toHaveLength(1);
    expect(z.jobs[0].equals(Buffer.from(zpl, "utf8"))).toBe(true);
    const got = z.jobs[0].toString("utf8");
    expect(got).toContain("^CI28");
    expect(got).toContain("Иванов-Петровский");
    expect(got).toContain(`^FDQA,${badge().code}^FS`);
  });

  test("sendToPrinter picks ZPL for raw-tcp and sends it", async () => {
    const z = await listen();
    const zpl = renderBadgeZpl(badge({ fullName: "Иван Smith" }), getTemplate("zebra-4x6"), { dpi: 203 });
    const r = await sendToPrinter({ driver: "raw-tcp", address: `tcp://127.0.0.1:${z.port}` }, { zpl, pdf: Buffer.from("%PDF-not-this") });
    expect(r).toMatchObject({ driver: "raw-tcp", delivered: true, format: "zpl", bytes: Buffer.byteLength(zpl) });
    expect(z.jobs[0].toString("utf8")).toBe(zpl);
  });

  test("a printer that never closes its side: resolved after the linger time", async () => {
    const received: Buffer[] = [];
    // allowHalfOpen: reading our FIN does not close this side; the printer never ends.
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.on("data", (c) => received.push(c));
      s.on("error", () => {});
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const t0 = Date.now();
    await sendRaw(`127.0.0.1:${(server.address() as net.AddressInfo).port}`, "^XA^XZ", { lingerMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Buffer.concat(received).toString()).toBe("^XA^XZ");
  });

  test("connection refused is an offline, retryable PrinterError", async () => {
    const port = await closedPort();
    const err = await sendRaw(`127.0.0.1:${port}`, "^XA^XZ").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrinterError);
    expect(err).toMatchObject({ kind: "offline", retryable: true, reasons: ["ECONNREFUSED"] });
  });

  test("address parsing", () => {
    expect(parseHostPort("10.0.0.5")).toEqual({ host: "10.0.0.5", port: 9100 });
    expect(parseHostPort("tcp://zebra-1.local:6101")).toEqual({ host: "zebra-1.local", port: 6101 });
    expect(parseHostPort("[::1]:9100")).toEqual({ host: "::1", port: 9100 });
    expect(() => parseHostPort("host:99999")).toThrow(PrinterError);
  });
});

describe("Zebra ~HS status", () => {
  test("parses the three strings: paper out, paused, head open, ribbon out", () => {
    expect(parseZebraHostStatus(READY)).toMatchObject({
      ok: true,
      paperOut: false,
      paused: false,
      headOpen: false,
      ribbonOut: false,
      problems: [],
    });
    const bad = parseZebraHostStatus(hs("030,1,1,0812,000,0,0,0,000,0,0,0", "000,0,1,1,0,2,6,0,00000007,1,000"))!;
    expect(bad).toMatchObject({ ok: false, paperOut: true, paused: true, headOpen: true, ribbonOut: true, labelsRemaining: 7 });
    expect(bad.problems).toEqual(["paper-out", "paused", "head-open", "ribbon-out"]);
    expect(parseZebraHostStatus(hs("030,0,0,0812,000,0,0,0,000,0,0,1", "000,0,0,0,0,2,6,0,00000000,1,000"))?.problems).toEqual([
      "over-temperature",
    ]);
    expect(parseZebraHostStatus(READY.slice(0, 40))).toBeNull(); // incomplete answer
  });

  test("a fake Zebra answering ~HS in pieces", async () => {
    const answer = hs("030,1,0,0812,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");
    const z = await listen((sock) => {
      sock.once("data", (c) => {
        expect(c.toString()).toBe("~HS");
        sock.write(answer.slice(0, 20));
        setTimeout(() => sock.write(answer.slice(20)), 50);
      });
    });
    const s = await zebraStatus("127.0.0.1", z.port);
    expect(s).toMatchObject({ ok: false, reachable: true, paperOut: true, problems: ["paper-out"] });
    expect(s.raw).toHaveLength(3);
  });

  test("a silent printer (out of media, head open, too hot) times out into an error state", async () => {
    const z = await listen();
    const t0 = Date.now();
    const s = await zebraStatus("127.0.0.1", z.port, { timeoutMs: 500 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(s).toMatchObject({ ok: false, reachable: true, problems: ["no-response"] });
  });

  test("the default timeout is 2 s", async () => {
    const z = await listen();
    const t0 = Date.now();
    const s = await zebraStatus("127.0.0.1", z.port);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(3500);
    expect(s.problems).toEqual(["no-response"]);
  });

  test("nothing listening: offline", async () => {
    const s = await zebraStatus("127.0.0.1", await closedPort());
    expect(s).toMatchObject({ ok: false, reachable: false, problems: ["offline"] });
  });

  test("health check and fail-fast printing use the status", async () => {
    let answer = READY;
    const z = await listen((sock) => {
      sock.on("data", (c) => {
        if (c.toString().startsWith("~HS")) sock.write(answer);
      });
    });
    const printer = { driver: "raw-tcp" as const, address: `127.0.0.1:${z.port}` };
    expect(await printerHealth(printer)).toMatchObject({ ok: true, state: "ready" });
    answer = hs("030,1,0,0812,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");
    expect(await printerHealth(printer)).toMatchObject({ ok: false, state: "paper-out" });
    const err = await sendToPrinter(printer, { zpl: "^XA^XZ" }, { rawTcp: { checkStatus: true } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "out-of-paper", retryable: true });
  });
});

describe("browser driver", () => {
  test("sends nothing and tells the kiosk how to print the PDF itself", async () => {
    const r = await sendToPrinter(
      { driver: "browser", address: "" },
      { pdf: Buffer.from("%PDF"), template: getTemplate("brother-62x100") },
    );
    expect(r).toMatchObject({ driver: "browser", delivered: false, pageCss: "@page { size: 62mm 100mm; margin: 0 }" });
    expect(r.driver === "browser" && r.chromeFlags).toContain("--kiosk-printing");
    expect(await printerHealth({ driver: "browser", address: "" })).toMatchObject({ ok: true });
  });
});
