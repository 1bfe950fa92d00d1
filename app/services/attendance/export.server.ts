import ExcelJS from "exceljs";
import { translate, type Locale, type MessageKey } from "~/i18n";
import type { Figures, NoShow } from "./attendance.server";

// Exports of the dashboard: the figures and the no-shows, as CSV (UTF-8 with a BOM and ";",
// which is what Excel with Russian regional settings opens without an import dialog) or XLSX.

type Table = { name: string; header: string[]; rows: Array<Array<string | number>> };

const pct = (fact: number, plan: number) => (plan > 0 ? Math.round((fact / plan) * 1000) / 10 : 0);

export function figureTables(locale: Locale, f: Figures): Table[] {
  const t = (k: MessageKey) => translate(locale, k);
  const plan = t("att.registered");
  const fact = t("att.checkedIn");
  const share = t("att.percent");
  return [
    {
      name: t("att.total"),
      header: [t("att.day"), plan, fact, t("att.noShows"), share],
      rows: [[f.day ?? t("att.allDays"), f.registered, f.checkedIn, f.noShows, pct(f.checkedIn, f.registered)]],
    },
    {
      name: t("att.byCategory"),
      header: [t("att.category"), plan, fact, share],
      rows: f.byCategory.map((c) => [translate(locale, `category.${c.category}` as MessageKey), c.registered, c.checkedIn, pct(c.checkedIn, c.registered)]),
    },
    {
      name: t("att.byExhibitor"),
      header: [t("att.exhibitor"), t("att.stand"), plan, fact, share],
      rows: f.byExhibitor.map((x) => [x.name, x.stand ?? "", x.registered, x.checkedIn, pct(x.checkedIn, x.registered)]),
    },
    { name: t("att.byHour"), header: [t("att.hour"), fact], rows: f.byHour.map((h) => [h.hour.replace("T", " "), h.checkedIn]) },
  ];
}

export function noShowTable(locale: Locale, rows: NoShow[]): Table {
  const t = (k: MessageKey) => translate(locale, k);
  return {
    name: t("att.noShows"),
    header: [t("att.name"), t("att.company"), t("att.stand"), t("att.category"), t("att.email"), t("att.phone")],
    rows: rows.map((r) => [r.name, r.company ?? "", r.stand ?? "", translate(locale, `category.${r.category}` as MessageKey), r.email ?? "", r.phone ?? ""]),
  };
}

const E164 = /^\+\d{7,15}$/;

function csvCell(v: string | number, locale: Locale): string {
  // Numbers as the locale writes them: Russian Excel reads "37,5" as a number, "37.5" as text.
  if (typeof v === "number") return locale === "ru" ? String(v).replace(".", ",") : String(v);
  let s = v;
  // A phone is shown as text without a visible apostrophe: ="+79001234567" is a constant Excel
  // keeps as written (a bare +7... would become a number in exponent form). Only digits pass.
  if (E164.test(s)) s = `="${s}"`;
  // Any other cell starting with = + - @ is a formula to Excel: neutralise it (names come from the public form).
  else if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV; several tables are separated by an empty line, each with its title line. */
export function toCsv(tables: Table[], locale: Locale): string {
  const lines: string[] = [];
  const cell = (v: string | number) => csvCell(v, locale);
  for (const [i, tb] of tables.entries()) {
    if (tables.length > 1) {
      if (i > 0) lines.push("");
      lines.push(cell(tb.name));
    }
    lines.push(tb.header.map(cell).join(";"));
    for (const r of tb.rows) lines.push(r.map(cell).join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** One sheet per table. */
export async function toXlsx(tables: Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Expo Desk";
  for (const tb of tables) {
    // Sheet names: at most 31 characters, none of []:*?/\
    const ws = wb.addWorksheet(tb.name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31));
    ws.addRow(tb.header).font = { bold: true };
    // Strings stay string cells (exceljs never turns them into formulas), phones included.
    for (const r of tb.rows) ws.addRow(r);
    ws.columns.forEach((c, i) => {
      const widest = Math.max(...[tb.header[i], ...tb.rows.map((r) => r[i])].map((v) => String(v ?? "").length));
      c.width = Math.min(60, Math.max(10, widest + 2));
    });
    ws.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The tables as a file download: CSV (in the page's language) or XLSX. */
export async function tablesDownload(tables: Table[], locale: Locale, format: "csv" | "xlsx", fileName: string): Promise<Response> {
  const body = format === "csv" ? toCsv(tables, locale) : new Uint8Array(await toXlsx(tables));
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
}

/** A refused export request: why, as plain text. */
export function badExportRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}
