// A private CUPS scheduler for tests: its own config under tests/.tmp/, its own port on
// 127.0.0.1, file:// queues so a test can read exactly what the printer would get. Nothing
// touches the system's cupsd or /etc/cups. Needs root (cupsd drops to "lp" for filters).
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const CUPSD_CANDIDATES = ["/usr/sbin/cupsd", "/usr/local/sbin/cupsd"];

/** Path of cupsd, or a clear failure: the IPP tests must not pass without a real CUPS. */
export function requireCupsd(): string {
  const found = CUPSD_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error("cupsd not found: install cups (see .ci/run): apt-get install -y cups printer-driver-cups-pdf");
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
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

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, alive: () => boolean) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error(`${what}: cupsd exited`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready in ${timeoutMs} ms`);
}

const live = new Set<ChildProcess>();
process.once("exit", () => live.forEach((c) => c.kill("SIGKILL")));

/** Starts a private cupsd. Retries on another port if the chosen one was taken meanwhile. */
export async function startCups(opts: { root?: string; readyTimeoutMs?: number } = {}): Promise<CupsServer> {
  const cupsd = requireCupsd();
  const root = path.resolve(opts.root ?? "tests/.tmp");
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
  const dir = mkdtempSync(path.join(root, "cups-"));
  // cupsd runs filters as "lp": it must be able to walk into the config and reach the output dir.
  chmodSync(dir, 0o755);
  for (const d of ["ppd", "spool", "spool/tmp", "cache", "state", "log", "out"]) mkdirSync(path.join(dir, d), { recursive: true });
  chmodSync(path.join(dir, "out"), 0o777);
  chmodSync(path.join(dir, "spool/tmp"), 0o1777);
  const port = await freePort();
  const host = "127.0.0.1";
  writeFileSync(
    path.join(dir, "cups-files.conf"),
    [
      `ServerRoot ${dir}`,
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
    await waitFor(
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
    async addPdfQueue(name: string) {
      const outputFile = path.join(dir, "out", `${name}.pdf`);
      await tool("lpadmin", ["-p", name, "-E", "-v", `file://${outputFile}`, "-P", path.join(dir, "expo-pdf.ppd")]);
      await tool("cupsaccept", [name]).catch(() => "");
      return { name, url: `http://${host}:${port}/printers/${name}`, outputFile };
    },
  };
}
