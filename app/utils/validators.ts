import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

// Pure validators and normalisers shared by forms (browser) and the staff import (server).
// No Node-only imports here.
//
// libphonenumber-js "max" metadata: the default "min" set validates by length only and takes,
// e.g., "8916123456" (a digit missing) for a valid Russian number. It is tree-shaken away from
// client bundles that import only the other helpers (the package has "sideEffects": false).

export type PhoneRegion = CountryCode;

// ---------------------------------------------------------------------------------------------
// INN (ИНН)

const INN10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_FIRST = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_SECOND = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function innCheckDigit(digits: number[], weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += digits[i] * weights[i];
  return (sum % 11) % 10;
}

/**
 * Russian taxpayer number: 10 digits (organisation, one check digit) or 12 digits (individual,
 * two check digits). Surrounding whitespace is ignored; anything else that is not a digit makes
 * it invalid. Region code "00" does not exist, so "0000000000" (which passes the checksum, a
 * common placeholder) is refused too.
 */
export function isValidInn(inn: string): boolean {
  const s = inn.trim();
  if (!/^(?:\d{10}|\d{12})$/.test(s) || s.startsWith("00")) return false;
  const d = Array.from(s, Number);
  if (d.length === 10) return innCheckDigit(d, INN10) === d[9];
  return innCheckDigit(d, INN12_FIRST) === d[10] && innCheckDigit(d, INN12_SECOND) === d[11];
}

// ---------------------------------------------------------------------------------------------
// Phones

// Separators between numbers in one cell. Spaces, dashes and brackets stay: they are inside numbers.
const PHONE_SEPARATORS = /(\s*\/\s*|[,;\n\r][\s,;/]*|\s+(?:или|or)\s+)/iu;
// "доб. 123" / "ext 12" standing alone after a separator: the extension of the previous number.
const EXTENSION_ONLY = /^\(?\s*(?:доб|добав|вн|внутр|ext|extension|x)\.?\s*[:#.№]?\s*\d{1,6}\s*\)?$/iu;
// "123-45-67/68": the Russian shorthand for a second number that differs in the last digits
// (only after "/": "…67, 12" is more likely an unlabelled extension, reported as invalid).
const SUFFIX_ONLY = /^(?:\d[\s-]?){1,4}$/;

export interface NormalizedPhones {
  /** Valid numbers in E.164, in the order they appear, without duplicates or extensions. */
  phones: string[];
  /** Trimmed parts of the cell that look like a number (contain digits) but are not valid. */
  invalid: string[];
}

/**
 * Splits a cell that may hold several numbers and normalises each to E.164. Russian national
 * formats ("8 (916) 123-45-67", "89161234567", "9161234567") use the default region; foreign
 * numbers are kept when written with "+", "00" or "8 10", or as a bare digit run that is no
 * Russian number (Excel drops the "+" of a number typed into a number cell). Parts without
 * digits ("-", "нет", "моб.") are placeholders or labels: ignored rather than reported.
 */
export function normalizePhones(cell: string, defaultRegion: PhoneRegion = "RU"): NormalizedPhones {
  const phones: string[] = [];
  const invalid: string[] = [];
  let previous: string | null = null;
  // With a capturing group, split() puts each separator between the pieces: odd indexes.
  const parts = cleanText(cell).split(PHONE_SEPARATORS);
  for (let i = 0; i < parts.length; i += 2) {
    const piece = parts[i].trim();
    if (!/\d/.test(piece)) continue;
    if (EXTENSION_ONLY.test(piece)) continue; // E.164 has no extension; it is dropped

    const afterSlash = i > 0 && parts[i - 1].trim() === "/";
    const found: string[] | null =
      previous && afterSlash && SUFFIX_ONLY.test(piece)
        ? withSuffix(previous, piece.replace(/\D/g, ""))
        : parsePhonePiece(piece, defaultRegion);

    if (!found) {
      invalid.push(piece);
      previous = null;
      continue;
    }
    for (const phone of found) if (!phones.includes(phone)) phones.push(phone);
    previous = found.length === 1 ? found[0] : null;
  }
  return { phones, invalid };
}

/** One number, or several written with only spaces between them; null when nothing valid. */
function parsePhonePiece(piece: string, region: PhoneRegion): string[] | null {
  // "00" is the international prefix in most of Europe; no Russian national number starts with it.
  const digitCount = piece.replace(/\D/g, "").length;
  const text = digitCount >= 9 ? piece.replace(/^(\D*?)00(?=\s*[1-9])/, "$1+") : piece;
  const one = parsePhoneNumberFromString(text, region);
  if (one?.isValid()) {
    // Digits the parse did not use beyond a trunk/IDD prefix ("8", "810") mean a second number.
    const used = one.number.length - 1 + (one.ext?.length ?? 0);
    if (digitCount - used <= 3) return [one.number];
  }
  const many = findPhoneNumbersInText(text, region);
  if (many.length >= 2) return many.map((m) => m.number.number);
  // A bare run of digits that is no national number is most likely an international one whose
  // "+" was lost: Excel turns "+4930..." typed into a number cell into 4930...
  if (/^\d{11,15}$/.test(piece)) {
    const international = parsePhoneNumberFromString(`+${piece}`);
    if (international?.isValid()) return [international.number];
  }
  return null;
}

function withSuffix(previous: string, suffix: string): string[] | null {
  const candidate = parsePhoneNumberFromString(previous.slice(0, -suffix.length) + suffix);
  return candidate?.isValid() ? [candidate.number] : null;
}

// ---------------------------------------------------------------------------------------------
// E-mail and website

/** Zero-width characters and the BOM sneak in from copy-paste and Excel; NBSP becomes a space. */
function cleanText(s: string): string {
  return s.replace(/[\u200B-\u200D\u2060\uFEFF]/g, "").replace(/\u00A0/g, " ");
}

const HOST_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const TOP_LABEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** A public host name (Cyrillic IDN like "почта.рф" allowed); no IP addresses, no "localhost". */
function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((l) => l.length <= 63 && HOST_LABEL.test(l))) return false;
  return TOP_LABEL.test(labels[labels.length - 1]);
}

/** Trimmed and lower-cased address, or null if it is not a plausible single address. */
export function normalizeEmail(s: string): string | null {
  const email = cleanText(s)
    .trim()
    .replace(/^mailto:/i, "")
    .toLowerCase();
  if (email.length > 254) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !/^[^\s@"(),:;<>[\]\\]+$/u.test(local)) return null;
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return null;
  return isValidHostname(domain) ? email : null;
}

/**
 * "example.ru/about" -> "https://example.ru/about". Only http(s); no credentials; the host is
 * lower-cased but kept as written (a Cyrillic host stays readable instead of punycode).
 */
export function normalizeWebsite(s: string): string | null {
  const input = cleanText(s).trim();
  if (!input || /\s/.test(input)) return null;
  let scheme = "https";
  let rest = input;
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  if (withScheme) {
    scheme = withScheme[1].toLowerCase();
    if (scheme !== "http" && scheme !== "https") return null;
    rest = input.slice(withScheme[0].length);
  } else if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(input)) {
    return null; // "javascript:...", "mailto:..."; "example.ru:8080" has a port, not a scheme
  } else {
    rest = input.replace(/^\/\//, "");
  }
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  if (authority.includes("@")) return null;
  const hostPort = /^([^:]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!hostPort) return null;
  const host = hostPort[1].toLowerCase().replace(/\.$/, "");
  const port = hostPort[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  if (!isValidHostname(host)) return null;
  const result = `${scheme}://${host}${port ? `:${port}` : ""}${tail}`;
  try {
    new URL(result);
  } catch {
    return null;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Person names

/**
 * Trims, collapses spaces, keeps Cyrillic and Latin letters, hyphens and apostrophes (other
 * characters become spaces). Capitalises only a name typed entirely in upper or lower case
 * ("ИВАНОВ" -> "Иванов", "мария-анна" -> "Мария-Анна"); mixed case ("McDonald", "ван дер Берг")
 * is the person's own spelling and stays.
 */
export function normalizePersonName(s: string): string {
  const name = cleanText(s)
    .normalize("NFC")
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, "-")
    .replace(/[\u2018\u2019\u02BC\u02B9`\u00B4\u2032]/g, "'")
    .replace(/[^\p{Script=Latin}\p{Script=Cyrillic}\p{M}' -]+/gu, " ")
    .replace(/\s*-[\s-]*/g, "-")
    .replace(/'{2,}/g, "'")
    .replace(/ {2,}/g, " ")
    .replace(/(^|[ -])['-]+|['-]+(?=$|[ -])/g, "$1") // hyphens/apostrophes not inside a word
    .replace(/ {2,}/g, " ")
    .trim();
  const upper = name.toLocaleUpperCase("ru");
  const lower = name.toLocaleLowerCase("ru");
  if (upper === lower || (name !== upper && name !== lower)) return name;
  return lower
    .replace(/(^|[ -])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLocaleUpperCase("ru"))
    .replace(/(^|[ -])(\p{Script=Latin})'(\p{L})/gu, (_, sep: string, a: string, c: string) => `${sep}${a}'${c.toUpperCase()}`); // O'Brien, d'Artagnan-style prefixes
}
