import { mkdirSync } from "node:fs";
import { makeStaffXlsx } from "../tests/import/fixtures";
import { copyBaselineMs } from "./copy-baseline";
import type { BenchResult } from "./types";

// contact-import-20k (issue #14 item 5): a 20,000-row XLSX through the audience import (parse,
// phone cleaning, duplicates in the file, the base and an event, one INSERT, the per-row
// report) next to a plain COPY of the same rows into a bare table.

export async function run(ctx: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  process.env.DATABASE_URL = ctx.databaseUrl;
  process.env.DATA_DIR = ctx.dataDir;
  mkdirSync(ctx.dataDir, { recursive: true });
  const { prisma } = await import("../app/utils/db.server");
  const { importContacts } = await import("../app/services/audience/contact-import.server");
  const event = await prisma().event.create({ data: { name: "Bench", venue: "Hall", timezone: "Europe/Moscow", startsAt: new Date(Date.now() + 864e5 * 30), endsAt: new Date(Date.now() + 864e5 * 32) } });
  const actor = { type: "user" as const, id: "00000000-0000-4000-8000-000000000000", role: "manager" as const, exhibitorId: null };

  const headers = ["Фамилия", "Имя", "E-mail", "Телефон", "ИНН", "Компания", "Город", "Отрасль"];
  const rows: string[][] = [];
  for (let i = 0; i < 20000; i++) {
    const d = String(1_000_000 + i);
    const phone = i % 2 ? `8-916-${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}` : `+7 (916) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
    rows.push([`Фамилия${i}`, "Имя", `contact${i}@bench.example`, phone, "", `Компания ${i % 50}`, i % 2 ? "Москва" : "Казань", "Строительство"]);
  }
  const xlsx = await makeStaffXlsx(rows, headers);

  const t0 = performance.now();
  const result = await importContacts(actor, { data: xlsx, fileName: "contacts.xlsx", eventId: event.id, locale: "ru" });
  const importMs = performance.now() - t0;
  if (result.counts.created !== 20000) throw new Error(`import created ${result.counts.created} contacts, expected 20000`);

  // Baseline: COPY of the same rows (as CSV) into a bare table, server-side.
  const copyMs = await copyBaselineMs(
    ctx,
    { name: "bench_contact_copy", columns: ["last_name", "first_name", "email", "phone", "inn", "company", "city", "industry"] },
    rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n"),
    20000,
  );

  return [
    {
      name: "contact-import-20k",
      value: Math.round(importMs),
      unit: "ms",
      baseline: { what: "plain COPY of the same 20,000 rows into a bare table", value: Math.round(copyMs * 10) / 10, unit: "ms" },
      ratio: Math.round((importMs / copyMs) * 10) / 10,
    },
  ];
}
