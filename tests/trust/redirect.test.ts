// Issue #11 item 5: redirect targets from input stay on this site.
import { describe, expect, test } from "vitest";
import { safeRedirect } from "../../app/utils/redirect";

const FALLBACK = "/manage";

describe("safeRedirect", () => {
  test.each([
    "/cabinet",
    "/cabinet/import?id=1",
    "/manage/events/abc?tab=kiosks#printers",
    "/e/123/register?lang=en",
    "/%2F%2Fevil.example", // encoded slashes stay a path on this site
  ])("keeps the local path %s", (to) => {
    const out = safeRedirect(to, FALLBACK);
    expect(out.startsWith("/")).toBe(true);
    expect(out.startsWith("//")).toBe(false);
    expect(new URL(out, "https://expo.example").origin).toBe("https://expo.example");
    expect(out).toBe(to);
  });

  test.each([
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/%09/evil.example".replace("%09", "\t"),
    decodeURIComponent("%2F%5Cevil.example"), // "/\evil.example" after the query string is decoded
    decodeURIComponent("%2F%2Fevil.example"),
    "evil.example",
    "",
    "//",
    "/" + "a".repeat(3000),
  ])("refuses %j", (to) => {
    expect(safeRedirect(to, FALLBACK)).toBe(FALLBACK);
  });

  test("anything but a string is the fallback", () => {
    expect(safeRedirect(null, FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(undefined, FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(new File([], "x"), FALLBACK)).toBe(FALLBACK);
  });

  test("every kept target resolves to this origin the way a browser reads Location", () => {
    const payloads = ["/a", "/a/../b", "/./c", "/%5Cevil", "/a?next=//evil", "/a#//evil"];
    for (const p of payloads) {
      const out = safeRedirect(p, FALLBACK);
      expect(new URL(out, "https://expo.example").host).toBe("expo.example");
    }
  });
});
