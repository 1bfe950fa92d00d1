// The client's PHP query encoder against the emulator's parse_str, and the bucket arithmetic.
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodePhpQuery } from "../../app/services/crm/bitrix24-query.server";
import { LeakyBucket } from "../../app/services/crm/leaky-bucket.server";
import { parsePhpQuery } from "../emulators/bitrix24-lib/php-query";

describe("encodePhpQuery", () => {
  it("produces the documented batch form and survives parse_str", () => {
    expect(encodePhpQuery({ fields: { NAME: "Anna", EMAIL: [{ VALUE: "a@b.c", VALUE_TYPE: "WORK" }] } })).toBe(
      "fields[NAME]=Anna&fields[EMAIL][0][VALUE]=a%40b.c&fields[EMAIL][0][VALUE_TYPE]=WORK",
    );
    const params = {
      id: 42,
      fields: {
        TITLE: "R&D = 100% + more",
        NAME: "Ёлка",
        COMPANY_ID: "$result[c1]",
        PHONE: [
          { ID: 7, DELETE: "Y" },
          { VALUE: "+7 900", VALUE_TYPE: "MOBILE" },
        ],
      },
      filter: { ">ID": 10, "%TITLE": "a b" },
    };
    expect(parsePhpQuery(encodePhpQuery(params))).toEqual({
      id: "42",
      fields: {
        TITLE: "R&D = 100% + more",
        NAME: "Ёлка",
        COMPANY_ID: "$result[c1]",
        PHONE: [
          { ID: "7", DELETE: "Y" },
          { VALUE: "+7 900", VALUE_TYPE: "MOBILE" },
        ],
      },
      filter: { ">ID": "10", "%TITLE": "a b" },
    });
  });

  it("follows http_build_query for nulls, empty lists, booleans and dates", () => {
    const q = encodePhpQuery({ a: null, b: undefined, c: [], d: {}, e: true, f: false, g: new Date("2025-01-02T03:04:05Z") });
    expect(q).toBe("e=1&f=0&g=2025-01-02T03%3A04%3A05.000Z");
  });
});

describe("LeakyBucket", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets the burst through, then releases one per 1/rate seconds in order", async () => {
    vi.useFakeTimers();
    const bucket = new LeakyBucket(2, 3, () => Date.now());
    const released: number[] = [];
    const all = Array.from({ length: 5 }, (_, i) => bucket.acquire().then(() => released.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(499);
    expect(released).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(500);
    expect(released).toEqual([0, 1, 2, 3, 4]);
    await Promise.all(all);
  });

  it("after an event-loop stall releases at most the capacity at once, not the whole backlog", async () => {
    vi.useFakeTimers();
    const bucket = new LeakyBucket(2, 3, () => Date.now());
    let released = 0;
    const all = Array.from({ length: 8 }, () => bucket.acquire().then(() => released++));
    await vi.advanceTimersByTimeAsync(500);
    expect(released).toBe(4);
    vi.setSystemTime(Date.now() + 10_000); // no timer ran for 10 s
    await vi.advanceTimersByTimeAsync(500);
    expect(released).toBe(7); // 3, the portal's idle bucket allows no more
    await vi.advanceTimersByTimeAsync(500);
    expect(released).toBe(8);
    await Promise.all(all);
  });

  it("saturate() makes the next request wait one drain interval", async () => {
    vi.useFakeTimers();
    const bucket = new LeakyBucket(4, 50, () => Date.now());
    bucket.saturate();
    const p = bucket.acquire();
    await vi.advanceTimersByTimeAsync(250);
    await expect(p).resolves.toBe(250);
  });
});
