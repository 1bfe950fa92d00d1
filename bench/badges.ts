// Badge rendering throughput: PDF (the kiosk's single-badge path) and ZPL, each against a
// trivial baseline measured in the same run so the numbers travel between machines.
import PDFDocument from "pdfkit";
import { pdfFontSource } from "../printing/fonts";
import { renderBadgePdf } from "../printing/pdf";
import { getTemplate, type BadgeData } from "../printing/template";
import { renderBadgeZpl } from "../printing/zpl";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { what: string; value: number; unit: string };
  ratio?: number;
}

const NAMES = [
  "Иванов-Петровский Александр",
  "Ян Ли",
  "Wolfgang Amadeus Schwarzenegger-Smith",
  "Иван Smith",
  "Нұрғалиұлы Әлихан",
  "Анна Мария Ковальчук",
];
const people: BadgeData[] = NAMES.map((fullName, i) => ({
  fullName,
  company: i % 2 ? "ООО «Ромашка»" : "International Business Machines",
  position: "Руководитель отдела продаж",
  category: (["visitor", "speaker", "vip", "media", "exhibitor_staff", "organizer"] as const)[i],
  code: `EXD1.${100000 + i}.k9Xv3`,
  eventName: "ExpoTech 2026",
  eventDates: "12–14 марта 2026",
  locale: "ru",
}));

/** Runs `fn` up to `max` times or until `budgetMs` has passed; returns operations per second. */
async function rate(fn: (i: number) => unknown, max: number, budgetMs: number): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(i); // warm-up: font parsing, JIT
  const t0 = performance.now();
  let n = 0;
  while (n < max && performance.now() - t0 < budgetMs) await fn(n++);
  return n / ((performance.now() - t0) / 1000);
}

function plainPdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: [175.75, 283.46], margin: 0, font: null as unknown as string });
  doc.registerFont("bold", pdfFontSource("bold") as Buffer); // same parsed font as the badges
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((r) => doc.on("end", () => r(Buffer.concat(chunks))));
  doc.font("bold").fontSize(20).text(text, 10, 10, { lineBreak: false });
  doc.end();
  return done;
}

export async function run(): Promise<BenchResult[]> {
  const pdfTpl = getTemplate("brother-62x100");
  const zplTpl = getTemplate("zebra-4x3");
  const pdf = await rate((i) => renderBadgePdf(people[i % people.length], pdfTpl), 300, 2000);
  const pdfBase = await rate((i) => plainPdf(people[i % people.length].fullName), 300, 800);

  const zpl = await rate((i) => renderBadgeZpl(people[i % people.length], zplTpl, { dpi: 203 }), 5000, 1000);
  const zplBase = await rate(
    (i) => {
      const p = people[i % people.length];
      return `^XA^CI28^PW812^LL609^FO32,100^A0N,60,60^FB750,2,0,L,0^FH^FD${p.fullName}^FS^FO560,120^BQN,2,8^FDQA,${p.code}^FS^XZ`;
    },
    200_000,
    300,
  );

  return [
    {
      name: "badge-pdf",
      value: pdf,
      unit: "badges/s",
      baseline: { what: "plain pdfkit page, one line in the same font", value: pdfBase, unit: "pages/s" },
      ratio: pdf / pdfBase,
    },
    {
      name: "badge-zpl",
      value: zpl,
      unit: "badges/s",
      baseline: { what: "string concatenation of a fixed ZPL template", value: zplBase, unit: "labels/s" },
      ratio: zpl / zplBase,
    },
  ];
}
