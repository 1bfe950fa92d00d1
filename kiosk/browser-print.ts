// Printers with the `browser` driver: the kiosk itself prints the badge. It fetches the PDF with
// its token (which marks the job done on the server) and prints it from a hidden iframe. Chrome
// started with --kiosk --kiosk-printing prints silently to the default printer (printing/README.md).

const KEEP_MS = 60_000; // the print spooler reads the document after print() returns

export async function printInBrowser(pdfUrl: string, token: string): Promise<void> {
  const res = await fetch(pdfUrl, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const frame = document.createElement("iframe");
  frame.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;border:0;opacity:0";
  frame.setAttribute("aria-hidden", "true");
  frame.dataset.testid = "browser-print";
  frame.onload = () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
    } catch (err) {
      console.warn("browser printing failed", err);
    }
    setTimeout(() => (frame.remove(), URL.revokeObjectURL(url)), KEEP_MS);
  };
  frame.src = url;
  document.body.appendChild(frame);
}
