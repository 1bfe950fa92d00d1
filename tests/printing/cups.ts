// A private CUPS scheduler for tests: its own config in a fresh directory under the system's
// temp dir, its own port on 127.0.0.1, and queues on our own "testfile" backend so a test can
// read exactly what the printer would get. Nothing touches the system's cupsd or /etc/cups.
// Needs root (cupsd drops to "lp" for filters and backends).
//
// Why a backend of our own and not CUPS's file:// device: Debian's cups-daemon 2.4.2-3+deb12u10
// opens file:// devices with O_WRONLY|O_EXCL (no O_CREAT, no O_TRUNC), so a job to a file that
// does not exist yet stops with "the scheduler could not open the output file" (issue #17), and
// one to an existing file leaves the tail of a longer earlier job. The backend below writes each
// job to a temp file and renames it, whatever the CUPS version does with file://.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeEach } from "vitest";
import { freePort } from "../../app/server/embedded-postgres";
import { waitFor } from "../setup/wait";

const run = promisify(execFile);

const CUPSD_CANDIDATES = ["/usr/sbin/cupsd", "/usr/local/sbin/cupsd"];

/** Path of cupsd, or a clear failure: the IPP tests must not pass without a real CUPS. */
export function requireCupsd(): string {
  const found = CUPSD_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error("cupsd not found: install cups (see .ci/run): apt-get install -y cups printer-driver-cups-pdf");
  return found;
}

export interface CupsQueue {
  name: string;
  /** IPP URL for the driver: http://127.0.0.1:PORT/printers/NAME */
  url: string;
  /** Where the file:// device writes each job (overwritten per job). */
  outputFile: string;
}

export interface CupsServer {
  port: number;
  host: string;
  dir: string;
  addPdfQueue(name: string): Promise<CupsQueue>;
  /** Runs a CUPS client tool (lpadmin, lpstat, cupsdisable...) against this server. */
  tool(cmd: string, args: string[]): Promise<string>;
  errorLog(): string;
  /** The error_log tail and every queue's and job's state and reasons: printed when a test fails. */
  diagnostics(): Promise<string>;
  stop(): Promise<void>;
}

// A queue that accepts PDF and passes it through CUPS's pdftopdf filter to the device: the same
// chain a driverless PDF printer gets. Page sizes for our label stocks.
const PDF_PPD = `*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "EXPOPDF.PPD"
*Manufacturer: "Expo Desk"
*Product: "(Badge PDF)"
*ModelName: "Expo Desk Badge PDF"
*ShortNickName: "Expo Desk Badge PDF"
*NickName: "Expo Desk Badge PDF"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: True
*DefaultColorSpace: RGB
*FileSystem: False
*Throughput: "1"
*TTRasterizer: Type42
*cupsVersion: 2.4
*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: w176h283
*PageSize w176h283/62 x 100 mm: ""
*PageSize w288h216/4 x 3 in: ""
*PageSize w288h432/4 x 6 in: ""
*PageSize A6/A6: ""
*PageSize A4/A4: ""
*CloseUI: *PageSize
*OpenUI *PageRegion/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: w176h283
*PageRegion w176h283/62 x 100 mm: ""
*PageRegion w288h216/4 x 3 in: ""
*PageRegion w288h432/4 x 6 in: ""
*PageRegion A6/A6: ""
*PageRegion A4/A4: ""
*CloseUI: *PageRegion
*DefaultImageableArea: w176h283
*ImageableArea w176h283/62 x 100 mm: "0 0 175.75 283.46"
*ImageableArea w288h216/4 x 3 in: "0 0 288 216"
*ImageableArea w288h432/4 x 6 in: "0 0 288 432"
*ImageableArea A6/A6: "0 0 297.64 419.53"
*ImageableArea A4/A4: "0 0 595.28 841.89"
*DefaultPaperDimension: w176h283
*PaperDimension w176h283/62 x 100 mm: "175.75 283.46"
*PaperDimension w288h216/4 x 3 in: "288 216"
*PaperDimension w288h432/4 x 6 in: "288 432"
*PaperDimension A6/A6: "297.64 419.53"
*PaperDimension A4/A4: "595.28 841.89"
`;

// A CUPS backend (run as "lp"): with no arguments it lists itself; for a job it copies the
// document (argument 6, or stdin) to the path in DEVICE_URI through a temp file and a rename, so
// a reader never sees half a job or the tail of an earlier one.
const TESTFILE_BACKEND = `#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct testfile "Unknown" "Expo Desk test file"'; exit 0; fi
out="\${DEVICE_URI#testfile:}"
tmp="$out.part.$$"
if [ -n "$6" ]; then cat "$6" > "$tmp" || exit 1; else cat > "$tmp" || exit 1; fi
chmod 0644 "$tmp" && mv -f "$tmp" "$out" || exit 1
exit 0
`;

async function printerStateReasons(host: string, port: number): Promise<string> {
  const { ippHealth } = await import("../../printing/drivers/ipp");
  const out: string[] = [];
  const names = (await run("lpstat", ["-h", `${host}:${port}`, "-a"]).catch(() => ({ stdout: "" }))).stdout
    .split("\n")
    .map((l) => l.split(" ")[0])
    .filter(Boolean);
  for (const name of names) {
    const h = await ippHealth(`http://${host}:${port}/printers/${name}`).catch((e: Error) => ({ error: e.message }));
    out.push(`${name}: ${JSON.stringify(h)}`);
  }
  return out.join("\n");
}

/** Waits until `check` holds; fails at once, not at the timeout, when cupsd has exited. */
async function untilReady(check: () => Promise<boolean>, timeoutMs: number, what: string, alive: () => boolean) {
  let dead = false;
  await waitFor(what, async () => (alive() ? check().catch(() => false) : (dead = true)), { timeoutMs, everyMs: 100 });
  if (dead) throw new Error(`${what}: cupsd exited`);
}

const live = new Set<ChildProcess>();
process.once("exit", () => live.forEach((c) => c.kill("SIGKILL")));

/** Starts a private cupsd. Retries on another port if the chosen one was taken meanwhile. */
export async function startCups(opts: { root?: string; readyTimeoutMs?: number } = {}): Promise<CupsServer> {
  const cupsd = requireCupsd();
  // The system temp dir, not the clone: "lp" must be able to walk to the spool and the output,
  // and a clone may sit under a directory only root can enter (/root, a 0700 mktemp -d).
  const root = path.resolve(opts.root ?? os.tmpdir());
  mkdirSync(root, { recursive: true });
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(cupsd, root, opts.readyTimeoutMs ?? 20_000);
    } catch (e) {
      lastErr = e;
    }
  }
  throw lastErr;
}

async function startOnce(cupsd: string, root: string, readyTimeoutMs: number): Promise<CupsServer> {
  const dir = mkdtempSync(path.join(root, "expo-cups-"));
  // cupsd runs filters and backends as "lp": it must be able to walk into the config and reach the output dir.
  chmodSync(dir, 0o755);
  for (const d of ["ppd", "spool", "spool/tmp", "cache", "state", "log", "out", "bin/backend"]) mkdirSync(path.join(dir, d), { recursive: true });
  chmodSync(path.join(dir, "out"), 0o777);
  chmodSync(path.join(dir, "spool/tmp"), 0o1777);
  // A ServerBin of our own: the system's filters and helpers, plus the testfile backend.
  const systemBin = ["/usr/lib/cups", "/usr/libexec/cups"].find((p) => existsSync(path.join(p, "filter")));
  if (!systemBin) throw new Error("CUPS filters not found under /usr/lib/cups or /usr/libexec/cups: install cups");
  for (const sub of ["filter", "cgi-bin", "daemon", "driver", "monitor", "notifier"]) {
    if (existsSync(path.join(systemBin, sub))) symlinkSync(path.join(systemBin, sub), path.join(dir, "bin", sub));
  }
  writeFileSync(path.join(dir, "bin/backend/testfile"), TESTFILE_BACKEND);
  chmodSync(path.join(dir, "bin/backend/testfile"), 0o755);
  const port = await freePort();
  const host = "127.0.0.1";
  writeFileSync(
    path.join(dir, "cups-files.conf"),
    [
      `ServerRoot ${dir}`,
      `ServerBin ${dir}/bin`,
      `RequestRoot ${dir}/spool`,
      `TempDir ${dir}/spool/tmp`,
      `CacheDir ${dir}/cache`,
      `StateDir ${dir}/state`,
      `ErrorLog ${dir}/log/error_log`,
      `AccessLog ${dir}/log/access_log`,
      `PageLog ${dir}/log/page_log`,
      `Printcap ${dir}/printcap`,
      "FileDevice Yes",
      "SystemGroup root",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "cupsd.conf"),
    [
      "LogLevel info",
      "MaxLogSize 0",
      `Listen ${host}:${port}`,
      `ServerName ${host}`,
      "Browsing No",
      "BrowseLocalProtocols none",
      "WebInterface No",
      "DefaultAuthType None",
      "PreserveJobHistory Yes",
      "<Location />",
      "  Order allow,deny",
      "  Allow 127.0.0.1",
      "</Location>",
      // Tests administer the server over TCP without certificates: allow every operation.
      "<Policy default>",
      "  <Limit All>",
      "    Order deny,allow",
      "  </Limit>",
      "</Policy>",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "expo-pdf.ppd"), PDF_PPD);

  const child = spawn(cupsd, ["-f", "-c", path.join(dir, "cupsd.conf"), "-s", path.join(dir, "cups-files.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exitedP = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );

  const env = { ...process.env, CUPS_SERVER: `${host}:${port}` };
  const tool = async (cmd: string, args: string[]) => (await run(cmd, ["-h", `${host}:${port}`, ...args], { env, timeout: 20_000 })).stdout;
  const errorLog = () => {
    const f = path.join(dir, "log/error_log");
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  };
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exitedP;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await untilReady(
      async () => (await tool("lpstat", ["-r"])).includes("is running"),
      readyTimeoutMs,
      `cupsd on ${host}:${port}`,
      () => !exited,
    );
  } catch (e) {
    const log = errorLog() + output;
    await stop();
    throw new Error(`${(e as Error).message}\n${log.slice(-2000)}`);
  }

  return {
    port,
    host,
    dir,
    tool,
    errorLog,
    stop,
    async diagnostics() {
      const ask = (cmd: string, args: string[]) => tool(cmd, args).catch((e: Error) => `(${cmd} failed: ${e.message})`);
      const log = errorLog().split("\n").slice(-40).join("\n");
      return [
        `--- private cupsd ${host}:${port} (${dir}): error_log tail ---`,
        log,
        "--- queues (lpstat -l -p) ---",
        await ask("lpstat", ["-l", "-p"]),
        "--- jobs (lpstat -l -W all -o) ---",
        await ask("lpstat", ["-l", "-W", "all", "-o"]),
        "--- printer-state-reasons ---",
        await ask("lpstat", ["-v"]),
        await printerStateReasons(host, port),
      ].join("\n");
    },
    async addPdfQueue(name: string) {
      const outputFile = path.join(dir, "out", `${name}.pdf`);
      await tool("lpadmin", ["-p", name, "-E", "-v", `testfile:${outputFile}`, "-P", path.join(dir, "expo-pdf.ppd")]);
      await tool("cupsaccept", [name]).catch(() => "");
      return { name, url: `http://${host}:${port}/printers/${name}`, outputFile };
    },
  };
}

/** In a test file: when a test fails, print the private cupsd's log tail and queue/job reasons. */
export function printCupsDiagnosticsOnFailure(get: () => CupsServer | undefined) {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      const cups = get();
      if (cups) console.error(await cups.diagnostics());
    });
  });
}
