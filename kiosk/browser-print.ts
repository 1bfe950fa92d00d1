// Printers with the `browser` driver: the kiosk itself prints the badge, then reports back.
//
// Why not the PDF (issue #12): print() on a hidden iframe showing a PDF blob goes through
// Chromium's PDF viewer plugin, and the kiosk page crashed ("Aw, Snap") about 1.2 s later, every
// time, in headless Chromium (a plain HTML frame printed the same way does not). So the kiosk
// fetches the badge as a 300 dpi PNG (/api/v1/print-jobs/{id}/png, which marks the job `sent`),
// puts it in an HTML document sized with @page (the label's size, no margins) in a hidden iframe,
// calls print() from that frame's load handler (after the image has loaded), keeps the frame until
// `afterprint`, and reports `printed` then, or `failed` with why (no image, print() threw, no
// afterprint within AFTERPRINT_TIMEOUT_MS). In Chromium print() returns at once and afterprint
// comes when print preview has handed the document to the printer: with --kiosk-printing a few
// seconds later. That is as far as a browser can tell: the printer's own state is not visible.

export type BrowserPrintState = { jobId: string; state: "sent" | "printed" | "failed"; error?: string };

const AFTERPRINT_TIMEOUT_MS = 60_000;
const listeners = new Set<(s: BrowserPrintState) => void>();

/** The kiosk's screens follow the latest badge printed here (print-status.tsx). */
export function onBrowserPrint(listener: (s: BrowserPrintState) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
const emit = (s: BrowserPrintState) => listeners.forEach((l) => l(s));

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The HTML the frame prints: one page of the label's size with the badge image filling it. */
export function badgePrintHtml(imageUrl: string, widthMm: number, heightMm: number, title = "badge"): string {
  const size = `${widthMm}mm ${heightMm}mm`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeAttr(title)}</title><style>
@page { size: ${size}; margin: 0 }
html, body { margin: 0; padding: 0; background: #fff }
img { display: block; width: ${widthMm}mm; height: ${heightMm}mm; break-inside: avoid }
</style></head><body><img src="${escapeAttr(imageUrl)}" alt=""></body></html>`;
}

/** Prints one badge image in a hidden frame; resolves when afterprint came, rejects otherwise. */
export async function printBadgeImage(imageUrl: string, token: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const res = await fetch(imageUrl, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const widthMm = Number(res.headers.get("x-page-width-mm")) || 62;
  const heightMm = Number(res.headers.get("x-page-height-mm")) || 100;
  const url = URL.createObjectURL(await res.blob());
  const frame = document.createElement("iframe");
  frame.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;border:0;opacity:0;pointer-events:none";
  frame.setAttribute("aria-hidden", "true");
  frame.tabIndex = -1;
  frame.dataset.testid = "browser-print";
  const cleanup = () => {
    // A moment after afterprint, so the spooler has what it needs before the document goes.
    setTimeout(() => (frame.remove(), URL.revokeObjectURL(url)), 1000);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no afterprint within ${Math.round((opts.timeoutMs ?? AFTERPRINT_TIMEOUT_MS) / 1000)} s`)),
        opts.timeoutMs ?? AFTERPRINT_TIMEOUT_MS,
      );
      // An error thrown in the frame is of the frame's realm: not `instanceof Error` here.
      const fail = (err: unknown) => (clearTimeout(timer), reject(new Error((err as { message?: string })?.message ?? String(err))));
      frame.onload = () => {
        const win = frame.contentWindow;
        const img = frame.contentDocument?.querySelector("img");
        if (!win || !img) return; // not the badge document yet
        if (!img.complete || img.naturalWidth === 0) return fail(new Error("the badge image did not load"));
        win.addEventListener("afterprint", () => (clearTimeout(timer), resolve()), { once: true });
        try {
          win.focus();
          win.print();
        } catch (err) {
          fail(err);
        }
      };
      frame.srcdoc = badgePrintHtml(url, widthMm, heightMm);
      document.body.appendChild(frame);
    });
  } finally {
    cleanup();
  }
}

/**
 * A browser printer's job: print it here and report the outcome to the server (retried a few
 * times: the report matters for the printers page). `report` posts /print-jobs/{id}/result.
 */
export async function printJobInBrowser(
  job: { id: string; imageUrl: string },
  token: string,
  report: (jobId: string, result: { status: "printed" | "failed"; error?: string }) => Promise<unknown>,
): Promise<BrowserPrintState> {
  emit({ jobId: job.id, state: "sent" });
  let result: { status: "printed" | "failed"; error?: string };
  try {
    await printBadgeImage(job.imageUrl, token);
    result = { status: "printed" };
  } catch (err) {
    console.warn("browser printing failed", err);
    result = { status: "failed", error: (err as Error).message || String(err) };
  }
  const state: BrowserPrintState = { jobId: job.id, state: result.status, error: result.error };
  emit(state);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await report(job.id, result);
      break;
    } catch (err) {
      if ((err as { status?: number }).status && (err as { status: number }).status < 500) break;
      await new Promise((r) => setTimeout(r, 2000 * (attempt + 1)));
    }
  }
  return state;
}
