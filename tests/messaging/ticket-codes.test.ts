import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { generateEventKeyPair, signTicketCode, verifyTicketCode, type EventKeyPair } from "~/services/ticket-codes.server";
import {
  parseTicketCode,
  ticketCharFromKeyEvent,
  undoRussianLayout,
  verifyTicketCode as verifyInBrowser,
} from "../../app/shared/ticket-code";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const key = generateEventKeyPair();

/** Every code that differs from `code` in exactly one character (all alphabet letters + a few foreign ones). */
function* singleCharChanges(code: string): Generator<string> {
  for (let i = 0; i < code.length; i++) {
    for (const ch of ALPHABET + "=+/ .аЖ") {
      if (ch !== code[i]) yield code.slice(0, i) + ch + code.slice(i + 1);
    }
  }
}

function keyWithSameId(other: EventKeyPair): EventKeyPair {
  for (let i = 0; i < 200_000; i++) {
    const candidate = generateEventKeyPair();
    if (candidate.keyId === other.keyId) return candidate;
  }
  throw new Error("no key id collision found");
}

describe("signed ticket codes", () => {
  test("a UUID round-trips through sign and verify, and the code is 110 characters", () => {
    const id = randomUUID();
    const code = signTicketCode(id, key);
    expect(code).toHaveLength(110);
    expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(code.slice(1, 3)).toBe(key.keyId);
    expect(verifyTicketCode(code, [key.publicKey])).toEqual({ ok: true, registrationId: id, keyId: key.keyId });
    // Uppercase UUIDs come back in PostgreSQL's lowercase spelling.
    expect(verifyTicketCode(signTicketCode(id.toUpperCase(), key), [key])).toMatchObject({ ok: true, registrationId: id });
  });

  test("a 64-bit numeric ticket id gives a code under 100 characters; short text ids work too", () => {
    for (const id of ["0", "42", "18446744073709551615"]) {
      const code = signTicketCode(id, key);
      expect(code.length).toBeLessThan(100);
      expect(verifyTicketCode(code, [key])).toMatchObject({ ok: true, registrationId: id });
    }
    const text = signTicketCode("clx9v0abc_DEF-1", key);
    expect(verifyTicketCode(text, [key])).toMatchObject({ ok: true, registrationId: "clx9v0abc_DEF-1" });
    expect(() => signTicketCode("18446744073709551616x", key)).not.toThrow(); // falls back to a text id
    expect(() => signTicketCode("has space", key)).toThrow(RangeError);
    expect(() => signTicketCode("x".repeat(37), key)).toThrow(RangeError);
  });

  test("every single changed character fails verification, at every position", () => {
    for (const id of [randomUUID(), "18446744073709551615"]) {
      const code = signTicketCode(id, key);
      let tried = 0;
      for (const changed of singleCharChanges(code)) {
        tried++;
        const result = verifyTicketCode(changed, [key]);
        if (result.ok) throw new Error(`accepted a changed code: ${changed}`);
      }
      expect(tried).toBe(code.length * (ALPHABET.length + 7 - 1));
    }
  });

  test("dropped, added or swapped characters fail as well", () => {
    const code = signTicketCode(randomUUID(), key);
    for (let i = 0; i < code.length; i++) {
      expect(verifyTicketCode(code.slice(0, i) + code.slice(i + 1), [key]).ok).toBe(false);
      expect(verifyTicketCode(code.slice(0, i) + "A" + code.slice(i), [key]).ok).toBe(false);
      if (i > 0 && code[i] !== code[i - 1]) {
        const swapped = code.slice(0, i - 1) + code[i] + code[i - 1] + code.slice(i + 1);
        expect(verifyTicketCode(swapped, [key]).ok).toBe(false);
      }
    }
  });

  test("a code from another key fails: unknown key id, or a bad signature when the ids clash", () => {
    const code = signTicketCode(randomUUID(), key);
    const other = generateEventKeyPair({ avoidKeyIds: [key.keyId] });
    expect(other.keyId).not.toBe(key.keyId);
    expect(verifyTicketCode(code, [other])).toEqual({ ok: false, reason: "unknown-key" });
    expect(verifyTicketCode(code, [])).toEqual({ ok: false, reason: "unknown-key" });
    const twin = keyWithSameId(key);
    expect(verifyTicketCode(code, [twin])).toEqual({ ok: false, reason: "bad-signature" });
    // With both listed, the right one is found despite the shared id.
    expect(verifyTicketCode(code, [twin, key]).ok).toBe(true);
  });

  test("rotated keys: old codes verify while the old key is listed, new codes use the new key", () => {
    const oldKey = generateEventKeyPair();
    const newKey = generateEventKeyPair({ avoidKeyIds: [oldKey.keyId] });
    const oldCode = signTicketCode("11111111-2222-4333-8444-555555555555", oldKey);
    const newCode = signTicketCode("11111111-2222-4333-8444-555555555555", newKey);
    expect(oldCode).not.toBe(newCode);
    const both = [newKey, oldKey];
    expect(verifyTicketCode(oldCode, both)).toMatchObject({ ok: true, keyId: oldKey.keyId });
    expect(verifyTicketCode(newCode, both)).toMatchObject({ ok: true, keyId: newKey.keyId });
    expect(verifyTicketCode(oldCode, [newKey])).toEqual({ ok: false, reason: "unknown-key" });
  });

  test("malformed input is reported as such; scanner whitespace is tolerated", () => {
    const code = signTicketCode(randomUUID(), key);
    for (const bad of ["", "1", "1ab", "hello world", code + "==", code.slice(0, 60), `4${code.slice(1)}`]) {
      expect(verifyTicketCode(bad, [key])).toEqual({ ok: false, reason: "malformed" });
    }
    expect(verifyTicketCode(`${code}\r\n`, [key]).ok).toBe(true);
    expect(verifyTicketCode(`${code}\t`, [key]).ok).toBe(true);
  });

  test("a malformed public key in the list is a configuration error, not a silent failure", () => {
    const code = signTicketCode(randomUUID(), key);
    expect(() => verifyTicketCode(code, ["not-a-key"])).toThrow(TypeError);
  });
});

describe("kiosk verifier (WebCrypto, as in the browser)", () => {
  test("agrees with the server on genuine, changed, foreign and malformed codes", async () => {
    const other = generateEventKeyPair({ avoidKeyIds: [key.keyId] });
    const genuine = [randomUUID(), randomUUID(), "7", "9007199254740993", "abc_DEF-123"].map((id) => signTicketCode(id, key));
    const samples = [
      ...genuine,
      ...genuine.map((c) => c.slice(0, 50) + (c[50] === "A" ? "B" : "A") + c.slice(51)),
      signTicketCode(randomUUID(), other),
      "garbage",
      "",
    ];
    for (const code of samples) {
      expect(await verifyInBrowser(code, [key.publicKey])).toEqual(verifyTicketCode(code, [key.publicKey]));
    }
    for (const code of genuine) expect((await verifyInBrowser(code, [other, key])).ok).toBe(true);
  });

  test("every single changed character fails in the browser verifier too", async () => {
    const code = signTicketCode(randomUUID(), key);
    for (const changed of singleCharChanges(code)) {
      const result = await verifyInBrowser(changed, [key]);
      if (result.ok) throw new Error(`accepted a changed code: ${changed}`);
    }
  });

  test("codes typed by a USB scanner under the Russian layout are recovered", async () => {
    const id = randomUUID();
    const code = signTicketCode(id, key);
    // What the OS produces when the scanner presses the keys for `code` with ЙЦУКЕН active.
    const us = "qwertyuiopasdfghjklzxcvbnm";
    const ru = "йцукенгшщзфывапролдячсмить";
    const typed = Array.from(code, (ch) => {
      const i = us.indexOf(ch.toLowerCase());
      if (i < 0) return ch;
      return ch === ch.toLowerCase() ? ru[i] : ru[i].toUpperCase();
    }).join("");
    expect(typed).not.toBe(code);
    expect(await verifyInBrowser(typed, [key])).toEqual({ ok: false, reason: "malformed" });
    expect(undoRussianLayout(typed)).toBe(code);
    expect(await verifyInBrowser(undoRussianLayout(typed), [key])).toMatchObject({ ok: true, registrationId: id });
  });

  test("characters rebuilt from KeyboardEvent.code give back the code whatever the layout", () => {
    const code = signTicketCode(randomUUID(), key);
    const keyEvents = Array.from(code, (ch) => {
      if (/[a-z]/.test(ch)) return { code: `Key${ch.toUpperCase()}`, shiftKey: false };
      if (/[A-Z]/.test(ch)) return { code: `Key${ch}`, shiftKey: true };
      if (/[0-9]/.test(ch)) return { code: `Digit${ch}`, shiftKey: false };
      return { code: "Minus", shiftKey: ch === "_" };
    });
    expect(keyEvents.map(ticketCharFromKeyEvent).join("")).toBe(code);
    expect(ticketCharFromKeyEvent({ code: "Enter", shiftKey: false })).toBeNull();
    expect(ticketCharFromKeyEvent({ code: "ShiftLeft", shiftKey: true })).toBeNull();
    expect(ticketCharFromKeyEvent({ code: "Numpad7", shiftKey: false })).toBe("7");
    expect(ticketCharFromKeyEvent({ code: "Digit2", shiftKey: true })).toBeNull(); // "@" or '"': never in a code
  });

  test("parseTicketCode exposes the id without trusting it", () => {
    const id = randomUUID();
    const parsed = parseTicketCode(signTicketCode(id, key));
    expect(parsed?.registrationId).toBe(id);
    expect(parsed?.keyId).toBe(key.keyId);
    expect(parsed?.signature).toHaveLength(64);
  });
});
