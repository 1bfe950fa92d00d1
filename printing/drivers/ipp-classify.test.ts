// How IPP answers map to PrinterError kinds, against a scripted IPP endpoint (conditions a
// CUPS file queue cannot produce: out of paper, aborted jobs). The real-CUPS path is in
// ipp-cups.test.ts.
import http from "node:http";
import ipp from "ipp";
import { afterEach, describe, expect, test } from "vitest";
import { classifyReasons, ippHealth, printPdfIpp, PrinterError } from "./index";

type Msg = { operation: string; "operation-attributes-tag": Record<string, unknown>; data?: unknown };
type Reply = Record<string, unknown>;

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakePrinter(handle: (msg: Msg) => Reply) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const msg = ipp.parse(Buffer.concat(chunks)) as unknown as Msg;
      seen.push(msg.operation);
      const reply: Reply = {
        version: "2.0",
        id: 1,
        statusCode: "successful-ok",
        ...handle(msg),
        "operation-attributes-tag": { "attributes-charset": "utf-8", "attributes-natural-language": "en-us" },
      };
      res.writeHead(200, { "Content-Type": "application/ipp" });
      res.end(ipp.serialize(reply));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/printers/ZEBRA`, seen };
}

const printer = (state: string, reasons: string[], accepting = true) => ({
  "printer-attributes-tag": { "printer-state": state, "printer-state-reasons": reasons, "printer-is-accepting-jobs": accepting },
});
const job = (state: string, reasons = ["none"]) => ({
  "job-attributes-tag": { "job-id": 7, "job-state": state, "job-state-reasons": reasons },
});
const pdf = Buffer.from("%PDF-1.4\n%%EOF\n");

describe("IPP state classification", () => {
  test("reasons: severity suffixes and kinds", () => {
    expect(classifyReasons(["none"])).toBeNull();
    expect(classifyReasons(["media-low-warning", "toner-low-report"])).toBeNull();
    expect(classifyReasons(["media-empty-error"])).toBe("out-of-paper");
    expect(classifyReasons(["media-needed"])).toBe("out-of-paper");
    expect(classifyReasons(["paused"])).toBe("needs-attention");
    expect(classifyReasons(["cover-open-error", "media-empty-error"])).toBe("out-of-paper");
    expect(classifyReasons(["offline-report"])).toBe("offline");
  });

  test("health reports out of paper", async () => {
    const p = await fakePrinter(() => printer("stopped", ["media-empty-error"]));
    expect(await ippHealth(p.url)).toMatchObject({ ok: false, state: "stopped", reasons: ["media-empty-error"], acceptingJobs: true });
  });

  test("a job is followed through processing to completed", async () => {
    let polls = 0;
    const p = await fakePrinter((m) => {
      if (m.operation === "Print-Job") {
        expect(m["operation-attributes-tag"]["document-format"]).toBe("application/pdf");
        return job("pending");
      }
      if (m.operation === "Get-Job-Attributes") return job(++polls < 3 ? "processing" : "completed");
      return printer("processing", ["none"]);
    });
    const r = await printPdfIpp(p.url, pdf);
    expect(r).toMatchObject({ jobId: 7, state: "completed" });
    expect(p.seen.filter((o) => o === "Get-Job-Attributes")).toHaveLength(3);
  });

  test("printer runs out of labels while the job waits: out-of-paper, job cancelled", async () => {
    const p = await fakePrinter((m) => {
      if (m.operation === "Print-Job") return job("pending");
      if (m.operation === "Get-Job-Attributes") return job("processing-stopped", ["printer-stopped"]);
      if (m.operation === "Cancel-Job") return {};
      return printer("stopped", ["media-empty-error"]);
    });
    const err = await printPdfIpp(p.url, pdf).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrinterError);
    expect(err).toMatchObject({ kind: "out-of-paper", retryable: true, reasons: ["media-empty-error"] });
    expect(p.seen).toContain("Cancel-Job");
  });

  test("an aborted job is rejected unless the printer explains it", async () => {
    let reasons = ["none"];
    const p = await fakePrinter((m) => {
      if (m.operation === "Print-Job") return job("pending");
      if (m.operation === "Get-Job-Attributes") return job("aborted", ["document-format-error"]);
      return printer("idle", reasons);
    });
    expect(await printPdfIpp(p.url, pdf).catch((e: unknown) => e)).toMatchObject({ kind: "rejected", retryable: false });
    reasons = ["offline-report"];
    expect(await printPdfIpp(p.url, pdf).catch((e: unknown) => e)).toMatchObject({ kind: "offline", retryable: true });
  });

  test("IPP error statuses", async () => {
    let status = "client-error-document-format-not-supported";
    const p = await fakePrinter(() => ({ statusCode: status }));
    expect(await printPdfIpp(p.url, pdf).catch((e: unknown) => e)).toMatchObject({ kind: "rejected" });
    status = "server-error-busy";
    expect(await printPdfIpp(p.url, pdf).catch((e: unknown) => e)).toMatchObject({ kind: "offline", retryable: true });
  });

  test("an HTTP server that is not IPP", async () => {
    const server = http.createServer((_q, res) => res.writeHead(404).end("no"));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/printers/X`;
    expect(await printPdfIpp(url, pdf).catch((e: unknown) => e)).toMatchObject({ kind: "rejected", reasons: ["http-404"] });
  });
});
