// The "browser" driver sends nothing: the kiosk page fetches the badge (a PNG, printed from an
// HTML frame: a PDF iframe crashed the page, issue #12) and prints it itself, then reports back.
// For silent printing run Chrome/Chromium with --kiosk-printing (it presses the print-preview
// button automatically, on the selected/default printer) and pin the printer with the
// DefaultPrinterSelection policy. Print from the same window or a hidden iframe: pop-up windows
// reportedly ignore the switch. The page must set the label size with @page and no margins.
import type { BadgeTemplate } from "../template";

export interface BrowserPrintInstructions {
  driver: "browser";
  /** Nothing was sent to a printer: the kiosk must print the PDF. */
  delivered: false;
  /** CSS for the printing document, e.g. "@page { size: 62mm 100mm; margin: 0 }". */
  pageCss: string;
  chromeFlags: string[];
  /** Chrome policy (JSON in /etc/chromium/policies/managed/) that pins the printer. */
  chromePolicy: Record<string, string>;
  steps: string[];
}

export function browserPrintInstructions(
  template?: Pick<BadgeTemplate, "widthMm" | "heightMm" | "sheet">,
  printerName = "BADGE",
): BrowserPrintInstructions {
  const w = template ? (template.sheet?.pageWidthMm ?? template.widthMm) : 62;
  const h = template ? (template.sheet?.pageHeightMm ?? template.heightMm) : 100;
  return {
    driver: "browser",
    delivered: false,
    pageCss: `@page { size: ${w}mm ${h}mm; margin: 0 }`,
    chromeFlags: ["--kiosk", "--kiosk-printing"],
    chromePolicy: { DefaultPrinterSelection: JSON.stringify({ kind: "local", namePattern: printerName }) },
    steps: [
      "Fetch the badge image (GET /api/v1/print-jobs/{id}/png) for the job.",
      "Put it in an HTML document with this @page size in a hidden iframe of the kiosk page (not a pop-up), call print() from its load handler, keep it until afterprint.",
      "Report printed or failed (POST /api/v1/print-jobs/{id}/result).",
      "With --kiosk-printing Chrome prints to the default printer without a dialog.",
    ],
  };
}
