import { describe, expect, test } from "vitest";
import { describeForeignScan } from "./scan-input";

// Issue #12, the door: a scan that is not our ticket is shown as read, made safe.

describe("what the kiosk says about a scan that is not our ticket", () => {
  test("format and what was read, one line, truncated, control characters replaced", () => {
    expect(describeForeignScan("4600000123457")).toEqual({ format: "barcode", shown: "4600000123457" });
    expect(describeForeignScan("https://example.com/t/1").format).toBe("url");
    expect(describeForeignScan("PRETIX-SECRET-123").format).toBe("text");
    const long = describeForeignScan("x".repeat(100));
    expect(Array.from(long.shown)).toHaveLength(40);
    expect(long.shown.endsWith("…")).toBe(true);
    expect(describeForeignScan("a\u0000b\u202Ec\n\nd").shown).toBe("a\uFFFDb\uFFFDc d");
    expect(describeForeignScan("<img src=x onerror=alert(1)>").shown).toBe("<img src=x onerror=alert(1)>"); // shown as text by React
  });
});
