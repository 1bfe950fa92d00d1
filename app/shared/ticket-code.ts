// Signed ticket codes: the format, and offline verification with WebCrypto.
//
// This file is the single definition of the code format. It has no Node imports so the kiosk
// bundle can use it; app/services/ticket-codes.server.ts imports the same parser and signs with
// node:crypto. A code is
//
//   <format: 1 char> <key id: 2 chars> <base64url(id bytes || Ed25519 signature (64 bytes))>
//
//   format "1": the id is a UUID, packed as 16 bytes          -> 3 + 107 = 110 characters
//   format "2": the id is a decimal integer < 2^64, 8 bytes   -> 3 + 96  =  99 characters
//   format "3": the id is 1-36 chars of [A-Za-z0-9_-], raw    -> 3 + ceil((n + 64) * 4 / 3)
//
// A UUID code cannot be under 100 characters with any keyboard-typable alphabet: 16 id bytes plus
// a 64-byte signature are 80 bytes, i.e. at least 107 base64url characters. Format "2" exists
// for a short numeric ticket id when a code under 100 characters is a must.
//
// The signature covers a fixed context string, the 3-character header and the id bytes, so a
// changed format or key id character fails like any other change. Decoding is strict (only the
// canonical base64url spelling is accepted), so every single-character change fails.
//
// Key id: the first two characters of the base64url public key (12 bits). It only selects which
// of the event's keys to try; two keys may share an id, then both are tried.
//
// Keyboard-wedge USB scanners type through the OS keyboard layout: with the Russian layout
// active, "Ab-9_" arrives as "Фи-9_". base64url was kept (digits only would need ~200 characters,
// which a scanner types for 2-3 s). Two ways back, both exported below:
//   - preferred: rebuild each character from KeyboardEvent.code + shiftKey (layout-independent,
//     also covers Kazakh, German QWERTZ, CapsLock); see ticketCharFromKeyEvent;
//   - fallback for text that already went through a field: undoRussianLayout, exact for the
//     base64url alphabet, since digits, "-" and "_" sit on the same keys in the Russian layout.

export type TicketVerifyResult =
  | { ok: true; registrationId: string; keyId: string }
  | { ok: false; reason: "malformed" | "unknown-key" | "bad-signature" };

/** A public key as stored for an event: raw 32 bytes in base64url, or a row carrying it. */
export type TicketPublicKey = string | { publicKey: string };

export interface ParsedTicketCode {
  keyId: string;
  registrationId: string;
  /** The exact bytes the signature covers. */
  message: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

const SIGNATURE_BYTES = 64;
const HEADER_CHARS = 3;
const CONTEXT = "expo-desk/ticket-code\n";

// ---------------------------------------------------------------- base64url (strict)

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function base64UrlEncode(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(acc >> bits) & 63];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (6 - bits)) & 63];
  return out;
}

/** Unpadded base64url; null unless `text` is the canonical spelling (no stray bits, no padding). */
export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  return acc === 0 ? out : null; // leftover bits must be zero, or two spellings would decode alike
}

// ---------------------------------------------------------------- id packing

interface IdFormat {
  matches(id: string): boolean;
  pack(id: string): Uint8Array;
  unpack(bytes: Uint8Array): string | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const U64_RE = /^(0|[1-9][0-9]{0,19})$/;
const TEXT_RE = /^[A-Za-z0-9_-]{1,36}$/;
const U64_MAX = (1n << 64n) - 1n;

const FORMATS: Record<string, IdFormat> = {
  "1": {
    matches: (id) => UUID_RE.test(id),
    pack: (id) => hexToBytes(id.replace(/-/g, "")),
    unpack(bytes) {
      if (bytes.length !== 16) return null;
      const hex = bytesToHex(bytes);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  },
  "2": {
    matches: (id) => U64_RE.test(id) && BigInt(id) <= U64_MAX,
    pack(id) {
      const out = new Uint8Array(8);
      let n = BigInt(id);
      for (let i = 7; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
      return out;
    },
    unpack(bytes) {
      if (bytes.length !== 8) return null;
      let n = 0n;
      for (const b of bytes) n = (n << 8n) | BigInt(b);
      return n.toString();
    },
  },
  "3": {
    matches: (id) => TEXT_RE.test(id),
    pack: (id) => new TextEncoder().encode(id),
    unpack(bytes) {
      const id = String.fromCharCode(...bytes);
      return TEXT_RE.test(id) ? id : null;
    },
  },
};

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function signingInput(header: string, idBytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(CONTEXT + header);
  const out = new Uint8Array(prefix.length + idBytes.length);
  out.set(prefix);
  out.set(idBytes, prefix.length);
  return out;
}

// ---------------------------------------------------------------- encode / parse

/** The key id for a public key (raw 32 bytes, base64url). Throws on anything else. */
export function keyIdOf(publicKey: string): string {
  const raw = base64UrlDecode(publicKey);
  if (!raw || raw.length !== 32) throw new TypeError("an Ed25519 public key must be 32 bytes in base64url");
  return publicKey.slice(0, 2);
}

/**
 * Step 1 of signing (the signer lives elsewhere): returns the bytes to sign and a function that
 * assembles the code from the 64-byte signature. Throws RangeError for ids no format can hold.
 */
export function prepareTicketCode(
  registrationId: string,
  keyId: string,
): { message: Uint8Array<ArrayBuffer>; finish(signature: Uint8Array): string } {
  const format = Object.keys(FORMATS).find((f) => FORMATS[f].matches(registrationId));
  if (!format) throw new RangeError("registrationId must be a UUID, an integer below 2^64 or 1-36 chars of [A-Za-z0-9_-]");
  if (!/^[A-Za-z0-9_-]{2}$/.test(keyId)) throw new TypeError("keyId must be 2 base64url characters");
  const header = format + keyId;
  const idBytes = FORMATS[format].pack(registrationId);
  return {
    message: signingInput(header, idBytes),
    finish(signature) {
      if (signature.length !== SIGNATURE_BYTES) throw new TypeError("an Ed25519 signature is 64 bytes");
      const body = new Uint8Array(idBytes.length + SIGNATURE_BYTES);
      body.set(idBytes);
      body.set(signature, idBytes.length);
      return header + base64UrlEncode(body);
    },
  };
}

/** Splits a code into its parts without checking the signature; null if it is not well formed. */
export function parseTicketCode(code: string): ParsedTicketCode | null {
  const text = code.trim(); // scanners may add a trailing Tab or CR
  const format = FORMATS[text.charAt(0)];
  const keyId = text.slice(1, HEADER_CHARS);
  if (!format || !/^[A-Za-z0-9_-]{2}$/.test(keyId)) return null;
  const body = base64UrlDecode(text.slice(HEADER_CHARS));
  if (!body || body.length <= SIGNATURE_BYTES) return null;
  const idBytes = body.subarray(0, body.length - SIGNATURE_BYTES);
  const registrationId = format.unpack(idBytes);
  if (registrationId === null) return null;
  return {
    keyId,
    registrationId,
    message: signingInput(text.slice(0, HEADER_CHARS), idBytes),
    signature: body.slice(body.length - SIGNATURE_BYTES),
  };
}

/** The event's keys that may have signed a code with this key id (usually one). */
export function candidateKeys(publicKeys: readonly TicketPublicKey[], keyId: string): string[] {
  return publicKeys.map((k) => (typeof k === "string" ? k : k.publicKey)).filter((k) => keyIdOf(k) === keyId);
}

// ---------------------------------------------------------------- WebCrypto verification

const importedKeys = new Map<string, Promise<CryptoKey>>();

function importPublicKey(publicKey: string): Promise<CryptoKey> {
  let key = importedKeys.get(publicKey);
  if (!key) {
    const raw = base64UrlDecode(publicKey);
    if (!raw) throw new TypeError("bad public key");
    key = crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    key.catch(() => importedKeys.delete(publicKey));
    importedKeys.set(publicKey, key);
  }
  return key;
}

/**
 * Verifies a scanned code against the event's public keys, offline. Accepts any of the keys, so
 * codes signed before a key rotation stay valid while the old key is still listed.
 * Rejects (throws) if the browser lacks Ed25519 in WebCrypto: then the kiosk must ask the server
 * rather than call a genuine ticket forged.
 */
export async function verifyTicketCode(code: string, publicKeys: readonly TicketPublicKey[]): Promise<TicketVerifyResult> {
  const parsed = parseTicketCode(code);
  if (!parsed) return { ok: false, reason: "malformed" };
  const keys = candidateKeys(publicKeys, parsed.keyId);
  if (keys.length === 0) return { ok: false, reason: "unknown-key" };
  for (const publicKey of keys) {
    const key = await importPublicKey(publicKey);
    if (await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.message)) {
      return { ok: true, registrationId: parsed.registrationId, keyId: parsed.keyId };
    }
  }
  return { ok: false, reason: "bad-signature" };
}

// ---------------------------------------------------------------- keyboard-wedge input

/**
 * The code character for a key press, from the physical key (KeyboardEvent.code) and Shift, as a
 * US layout would type it; null for keys that cannot be part of a code (Enter, Tab, Shift...).
 * Use it in the scanner's keydown listener instead of event.key.
 */
export function ticketCharFromKeyEvent(event: { code: string; shiftKey: boolean }): string | null {
  const { code, shiftKey } = event;
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return shiftKey ? letter[1] : letter[1].toLowerCase();
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit) return shiftKey && code.startsWith("Digit") ? null : digit[1];
  if (code === "Minus") return shiftKey ? "_" : "-";
  if (code === "NumpadSubtract") return "-";
  return null;
}

const RU_LETTERS = "йцукенгшщзфывапролдячсмить";
const US_LETTERS = "qwertyuiopasdfghjklzxcvbnm";
const FROM_RUSSIAN = new Map<string, string>();
for (let i = 0; i < RU_LETTERS.length; i++) {
  FROM_RUSSIAN.set(RU_LETTERS[i], US_LETTERS[i]);
  FROM_RUSSIAN.set(RU_LETTERS[i].toUpperCase(), US_LETTERS[i].toUpperCase());
}

/** Turns text typed with the Russian (ЙЦУКЕН) layout back into what the keys say in US QWERTY. */
export function undoRussianLayout(text: string): string {
  return Array.from(text, (ch) => FROM_RUSSIAN.get(ch) ?? ch).join("");
}
