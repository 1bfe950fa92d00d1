import net from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, eventRunsToday, kioskWithToken, ticketCodes } from "../setup/e2e-data";
import { pairWithToken, typeScan } from "../setup/kiosk-page";
import { newPage } from "../setup/pages";

const e2e = useAppAndBrowser();
const { query } = e2e;
let page: Page;
let zebra: net.Server;
const received: string[] = [];
let codes: Array<{ id: string; code: string }> = [];

beforeAll(async () => {
  zebra = net.createServer((socket) => {
    let data = "";
    socket.on("data", (d) => (data += d.toString("utf8")));
    socket.on("end", () => data !== "~HS" && received.push(data)); // the kiosk's health probes are not badges
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => zebra.listen(0, "127.0.0.1", r));
  const zebraPort = (zebra.address() as net.AddressInfo).port;
  const { prisma } = await import("../../app/utils/db.server");
  const { id: eventId } = await demoEvent();
  await eventRunsToday(eventId);
  const printer = await prisma().printer.create({ data: { eventId, name: "Zebra 1", driver: "raw_tcp", address: `127.0.0.1:${zebraPort}` } });
  const { token } = await kioskWithToken(eventId, { name: "Вход А", defaultPrinterId: printer.id }, "kiosk test");
  codes = await ticketCodes(eventId, { status: "confirmed", person: { lastName: { not: "Кузнецова" } } }, 23);

  page = await newPage(e2e.browser);
  await pairWithToken(page, e2e.app.url, token);
});
afterAll(async () => {
  zebra?.close();
});

/** Scans like a USB scanner (typeScan) and returns the answer shown. */
async function scan(code: string) {
  await typeScan(page, code);
  await page.waitForSelector("[data-testid=kiosk-result]");
  const kind = await page.getAttribute("[data-testid=kiosk-result]", "data-kind");
  const text = await page.textContent("[data-testid=kiosk-result]");
  await page.click("[data-testid=kiosk-result]"); // back to scanning
  await page.waitForSelector("[data-testid=kiosk-result]", { state: "detached" });
  return { kind, text };
}

describe("kiosk in Chromium", () => {
  test("a scanned code checks in (green) and the badge's ZPL reaches the printer; again is yellow; a changed character is red", async () => {
    const first = await scan(codes[0].code);
    expect(first.kind, first.text ?? "").toBe("green");
    expect(first.text).toContain("Добро пожаловать");
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(received[0]).toContain("^CI28");
    expect(/\^BQN,2,\d+\^FD[LMQH]A,(.+?)\^FS/.exec(received[0])?.[1]).toBe(codes[0].code);

    const again = await scan(codes[0].code);
    expect(again.kind).toBe("yellow");
    expect(again.text).toContain("Уже отмечен");

    const c = codes[1].code;
    const i = 20;
    const forged = c.slice(0, i) + (c[i] === "A" ? "B" : "A") + c.slice(i + 1);
    const red = await scan(forged);
    expect(red.kind).toBe("red");
    const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [codes[1].id]);
    expect(rows[0].n).toBe(0);
  });

  test("with the server unreachable, 20 scans succeed offline and all 20 reach the server exactly once when it is back", async () => {
    await page.route("**/api/v1/kiosk/**", (route) => route.abort("connectionrefused"));
    const batch = codes.slice(3, 23);
    try {
      for (const { code } of batch) {
        const r = await scan(code);
        expect(r.kind, r.text ?? "").toBe("green");
      }
    } catch (err) {
      await page.unroute("**/api/v1/kiosk/**");
      throw err;
    }
    await expect(page.textContent("[data-testid=kiosk-online]")).resolves.toContain("офлайн");
    await expect(page.textContent("[data-testid=kiosk-queue]")).resolves.toBe("В очереди: 20");
    const before = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = ANY($1::uuid[])`, [batch.map((b) => b.id)]);
    expect(before[0].n).toBe(0);

    await page.unroute("**/api/v1/kiosk/**");
    await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 0", null, { timeout: 20_000 });
    const after = await query<{ registrationId: string; n: number }>(
      `SELECT "registrationId", count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = ANY($1::uuid[]) GROUP BY 1`,
      [batch.map((b) => b.id)],
    );
    expect(after).toHaveLength(20);
    expect(after.every((r) => r.n === 1)).toBe(true);
    await expect(page.textContent("[data-testid=kiosk-online]")).resolves.toBe("В сети");
  });

  test("manual search finds a person by a Latin spelling of a Cyrillic name and checks them in", async () => {
    const [reg] = await query<{ id: string }>(
      `SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.status = 'confirmed' AND p."lastName" = 'Кузнецова'`,
    );
    await page.fill(".kiosk-search", "kuznetsova");
    await page.click(".kiosk-results button");
    await page.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
    const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [reg.id]);
    expect(rows[0].n).toBe(1);
  });
});
