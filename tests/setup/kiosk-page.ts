import type { BrowserContext, Page } from "playwright-core";

// The kiosk page (/kiosk) in Chromium: pairing with a raw token, a USB scanner's key burst, the
// result screen, search and walk-in, the camera's tracks counted, the sync rounds counted.

export const RESULT = "[data-testid=kiosk-result]";

/**
 * Opens /kiosk and pairs it with a raw kiosk token (the pairing screen's "advanced" fallback).
 * Resolves once the first sync round is in (today's "arrived of expected" figure from the server,
 * so the event needs registrations today), or with `firstSync: false` once the kiosk bar shows.
 */
export async function pairWithToken(page: Page, baseUrl: string, token: string, { firstSync = true } = {}): Promise<void> {
  await page.goto(baseUrl + "/kiosk");
  await page.click("text=Дополнительно: вставить токен киоска");
  await page.fill("#kiosk-token", token);
  await page.press("#kiosk-token", "Enter");
  if (!firstSync) await page.waitForSelector("[data-testid=kiosk-online]");
  else
    await page.waitForFunction(() => /Пришли: \d+ из [1-9]/.test(document.querySelector("[data-testid=kiosk-arrived]")?.textContent ?? ""));
}

/**
 * Types like a USB scanner: keydown events with `key` and `code` (US layout) in one fast burst,
 * then Enter. Dispatched inside the page, so a loaded test machine cannot stretch the gaps
 * between keys the way CDP-driven typing does. Any printable ASCII.
 */
export async function typeScan(page: Page, text: string): Promise<void> {
  await page.evaluate((s) => {
    const keyOf: Record<string, [string, boolean]> = {
      ":": ["Semicolon", true],
      "/": ["Slash", false],
      ".": ["Period", false],
      "?": ["Slash", true],
      "=": ["Equal", false],
      "&": ["Digit7", true],
      "<": ["Comma", true],
      ">": ["Period", true],
      " ": ["Space", false],
      '"': ["Quote", true],
    };
    for (const ch of s) {
      const [code, shiftKey] = /[a-z]/i.test(ch)
        ? [`Key${ch.toUpperCase()}`, /[A-Z]/.test(ch)]
        : /\d/.test(ch)
          ? [`Digit${ch}`, false]
          : ch === "-" || ch === "_"
            ? ["Minus", ch === "_"]
            : keyOf[ch];
      document.body.dispatchEvent(new KeyboardEvent("keydown", { key: ch, code, shiftKey, bubbles: true }));
    }
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", bubbles: true }));
  }, text);
}

/** Counts getUserMedia calls and keeps the video tracks, for every page of the context (see cameraState). */
export async function countCameraTracks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __gum: number; __tracks: MediaStreamTrack[] };
    w.__gum = 0;
    w.__tracks = [];
    const orig = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      w.__gum++;
      const stream = await orig(c);
      w.__tracks.push(...stream.getVideoTracks());
      return stream;
    };
  });
}

/** getUserMedia calls so far, live camera tracks, and <video> elements on the page. */
export function cameraState(page: Page): Promise<{ gum: number; live: number; videos: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __gum: number; __tracks: MediaStreamTrack[] };
    return {
      gum: w.__gum,
      live: w.__tracks.filter((t) => t.readyState === "live").length,
      videos: document.querySelectorAll("video").length,
    };
  });
}

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

/**
 * Waits for a selector without keeping an ElementHandle (page.waitForSelector returns one, which
 * holds the node and, once it is removed, its detached subtree: that was counted as a leak).
 */
export const waitSel = (
  page: Page,
  selector: string,
  opts?: { state?: "attached" | "detached" | "visible" | "hidden"; timeout?: number },
) => page.locator(selector).first().waitFor(opts);

/** Taps the result away (if one is shown) so the next answer is a new element to wait for. */
export async function clearResult(page: Page) {
  if ((await page.locator(RESULT).count()) > 0) {
    await page.click("[data-testid=kiosk-verdict]");
    await waitSel(page, RESULT, { state: "detached" });
  }
}

/** Scans `text` from the wedge (clearing any result first) and returns the kind of the answer shown. */
export async function scanKind(page: Page, text: string): Promise<string> {
  await clearResult(page);
  await typeScan(page, text);
  await waitSel(page, RESULT);
  return (await page.getAttribute(RESULT, "data-kind"))!;
}

/** The offline queue's figure on the kiosk bar ("В очереди: N"). */
export const queueText = (page: Page) => page.textContent("[data-testid=kiosk-queue]");

/** The code with one character of its signature changed. */
export const forge = (code: string) => {
  const at = code.length - 10; // inside the signature
  return code.slice(0, at) + (code[at] === "A" ? "B" : "A") + code.slice(at + 1);
};

/** A valid EAN-13 (a product barcode, not a ticket). */
export const ean = (i: number) => {
  const d = `460${String(1_000_000 + i * 7919).padStart(9, "0")}`.slice(0, 12);
  const sum = [...d].reduce((s, c, k) => s + Number(c) * (k % 2 ? 3 : 1), 0);
  return d + ((10 - (sum % 10)) % 10);
};

/** Registrations in the kiosk's offline copy whose name is in no other one's (so a search row is theirs). */
export async function uniqueNames(page: Page): Promise<Array<{ id: string; name: string }>> {
  return page.evaluate(
    () =>
      new Promise<Array<{ id: string; name: string }>>((resolve, reject) => {
        const req = indexedDB.open("expodesk-kiosk");
        req.onsuccess = () => {
          const all = req.result.transaction("registrations").objectStore("registrations").getAll();
          all.onsuccess = () => {
            const rows = all.result as Array<{ id: string; name: string; status: string }>;
            const n = new Map<string, number>();
            for (const r of rows) n.set(r.name, (n.get(r.name) ?? 0) + 1);
            // Nobody else's name contains it either ("Гость1" is in "Гость10"): the row found is theirs.
            const alone = (r: { name: string }) => n.get(r.name) === 1 && !rows.some((o) => o !== r && o.name.includes(r.name));
            resolve(rows.filter((r) => r.status === "confirmed" && alone(r)).map((r) => ({ id: r.id, name: r.name })));
            req.result.close();
          };
        };
        req.onerror = () => reject(req.error);
      }),
  );
}

/** Finds `name` with the kiosk's search and checks the row in; the kind of the answer. */
export async function searchAndCheckIn(page: Page, name: string): Promise<string> {
  await clearResult(page);
  await page.fill(".kiosk-search", name);
  const row = page.locator(".kiosk-results li", { hasText: name }).first();
  await row.locator("button").click();
  await waitSel(page, RESULT);
  return (await page.getAttribute(RESULT, "data-kind"))!;
}

/** Fills fields of the open walk-in form (`#walkin-<name>`, in the order given) and, unless told not to, submits it. */
export async function fillWalkIn(page: Page, fields: Record<string, string>, { submit = true } = {}): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`#walkin-${name}`, value);
  if (submit) await page.click("[data-testid=walkin-form] button[type=submit]");
}

/** Registers walk-in number `n` from the kiosk's form; its e-mail and the kind of the answer. */
export async function walkIn(page: Page, n: number): Promise<{ email: string; kind: string }> {
  await clearResult(page);
  const email = `door.walkin.${n}@example.com`;
  await page.click("[data-testid=walkin]");
  await fillWalkIn(page, { lastName: "Проходова", firstName: `Гостья${n}`, email });
  await waitSel(page, RESULT);
  return { email, kind: (await page.getAttribute(RESULT, "data-kind"))! };
}
