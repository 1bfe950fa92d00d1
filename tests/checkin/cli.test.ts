// Admin CLI: create-printer, create-kiosk, render-badge, print-test (as a person at a terminal
// would run them, against the test server's database).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readPdf, squash } from "../printing/helpers";
import { runAdmin } from "../setup/app";
import { closedPort, fakeZebra, register, scan, setup, waitFor, type Ctx, type FakeZebra } from "./helpers";

let ctx: Ctx;
let zebra: FakeZebra;
let dir: string;
const admin = (args: string[]) => runAdmin(args, { DATABASE_URL: ctx.app.databaseUrl });

beforeAll(async () => {
  ctx = await setup();
  zebra = await fakeZebra();
  mkdirSync("tests/.tmp", { recursive: true });
  dir = mkdtempSync(path.resolve("tests/.tmp/cli-badges-"));
});
afterAll(async () => {
  await zebra?.close();
  await ctx?.app.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Every admin run is a fresh `node --import tsx` process (seconds each on a busy machine).
describe("admin CLI for kiosks and printing", { timeout: 180_000 }, () => {
  test("create-printer and create-kiosk print an id and a token that works for check-in with printing", async () => {
    const printer = await admin([
      "create-printer",
      "--event",
      ctx.eventId,
      "--name",
      "Zebra 1",
      "--driver",
      "raw-tcp",
      "--address",
      zebra.address,
    ]);
    expect(printer.code, printer.stderr).toBe(0);
    const printerId = printer.stdout.trim();
    expect(printerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ctx.db.prisma().printer.findUnique({ where: { id: printerId } })).toMatchObject({
      driver: "raw_tcp",
      address: zebra.address,
      eventId: ctx.eventId,
    });

    const kiosk = await admin([
      "create-kiosk",
      "--event",
      ctx.eventId,
      "--name",
      "Главный вход",
      "--printer",
      printerId,
      "--categories",
      "visitor,media",
    ]);
    expect(kiosk.code, kiosk.stderr).toBe(0);
    const token = kiosk.stdout.trim();
    expect(token).toMatch(/^exd_\S+$/);
    expect(kiosk.stderr).toMatch(/Created kiosk [0-9a-f-]{36}/);

    const status = await ctx.call("/api/v1/kiosk/status?health=0", "GET", token);
    expect(status.body.kiosk).toMatchObject({ name: "Главный вход", categories: ["visitor", "media"] });
    const p = await register(ctx, { lastName: "Консольный", firstName: "Кирилл" });
    const r = await scan(ctx, token, { code: p.code, print: true });
    expect(r.body).toMatchObject({ result: "checked_in", printJob: { printerId, format: "zpl" } });
    await waitFor("the label", async () => zebra.jobs.some((j) => j.data.toString("utf8").includes("Консольный")));
    const speaker = await register(ctx, { category: "speaker" });
    expect((await scan(ctx, token, { code: speaker.code })).body.result).toBe("not_admitted");
  });

  test("render-badge writes a PDF with the name, ZPL with ^CI28 and the code, and a PNG", async () => {
    const p = await register(ctx, { lastName: "Рендерова", firstName: "Алла", company: "ЗАО «Печать»" });
    const pdfFile = path.join(dir, "badge.pdf");
    const zplFile = path.join(dir, "badge.zpl");
    const pngFile = path.join(dir, "badge.png");
    const runs = await Promise.all([
      admin(["render-badge", "--registration", p.id, "--format", "pdf", "--out", pdfFile]),
      admin(["render-badge", "--registration", p.id, "--format", "zpl", "--out", zplFile]),
      admin(["render-badge", "--registration", p.id, "--format", "png", "--out", pngFile]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[0].stderr).toContain("Рендерова Алла");

    const [page] = await readPdf(readFileSync(pdfFile));
    expect(squash(page.text)).toContain("Рендерова Алла");
    expect(squash(page.text)).toContain("ЗАО «Печать»");
    expect(page.width).toBeCloseTo(175.75, 0);

    const zpl = readFileSync(zplFile, "utf8");
    expect(zpl).toContain("^CI28");
    expect(zpl).toContain("^PW812"); // zebra-4x3 at 203 dpi
    expect(zpl).toContain(`^FDQA,${p.code}^FS`);

    const png = readFileSync(pngFile);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(Math.abs(png.readUInt32BE(16) - (62 / 25.4) * 300)).toBeLessThan(1.5); // 62 mm wide at 300 dpi
  });

  test("print-test sends a sample badge; a printer that is off fails with exit code 1", async () => {
    const id = (
      await admin(["create-printer", "--event", ctx.eventId, "--name", "Тест", "--driver", "raw-tcp", "--address", zebra.address])
    ).stdout.trim();
    const off = (
      await admin([
        "create-printer",
        "--event",
        ctx.eventId,
        "--name",
        "Выкл",
        "--driver",
        "raw-tcp",
        "--address",
        `127.0.0.1:${await closedPort()}`,
      ])
    ).stdout.trim();
    const before = zebra.jobs.length;
    const [r, failed] = await Promise.all([admin(["print-test", "--printer", id]), admin(["print-test", "--printer", off])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ok, ready/);
    expect(zebra.jobs.length).toBe(before + 1);
    expect(zebra.jobs.at(-1)!.data.toString("utf8")).toContain("^CI28");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Error: .*(ECONNREFUSED|refused)/i);
  });

  test("wrong calls exit with code 2 and say what is wrong", async () => {
    const p = await register(ctx, {});
    const cases: Array<[string[], RegExp]> = [
      [["render-badge", "--registration", p.id, "--format", "pdf"], /--out FILE is required/],
      [["render-badge", "--registration", p.id, "--format", "bmp", "--out", "x"], /--format must be pdf, zpl or png/],
      [["create-printer", "--event", ctx.eventId, "--name", "X", "--driver", "ipp", "--address", "nope"], /--address must be an IPP URL/],
      [["create-kiosk", "--event", ctx.eventId, "--name", "K", "--categories", "visitor,aliens"], /unknown aliens/],
      [["print-test"], /--printer ID is required/],
    ];
    const results = await Promise.all(cases.map(([args]) => admin(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i];
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});
