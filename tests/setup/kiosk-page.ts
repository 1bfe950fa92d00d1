import type { Page } from "playwright-core";

/**
 * Counts the kiosk page's finished sync rounds: every round ends with GET /api/v1/kiosk/status
 * (kiosk/app.tsx), and the round's re-render is committed before the next round starts.
 */
export function syncRounds(page: Page): () => number {
  let n = 0;
  page.on("response", (r) => {
    if (new URL(r.url()).pathname === "/api/v1/kiosk/status") n++;
  });
  return () => n;
}
