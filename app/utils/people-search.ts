// One normalisation for looking people up by name, company, email or phone: the kiosk's offline
// search (IndexedDB copy) and the manager's server-side search both use it, so a spelling that
// finds someone at the door finds them on the attendance page too. No imports: it runs in the
// kiosk bundle and on the server.
//
// A search key is a loose Latin spelling: Cyrillic is transliterated, then the spellings that
// vary between systems are folded together, e.g. Кузнецова, kuznetsova, kuznecova, kuznetsowa
// all become "kuznecova"; ё/е and й/и/y fold too. On top of that each word may be one typo off.

const TRANSLIT: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p",
  р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
  // Latin letters with marks, as in imported lists (Müller, Łukasz...)
  ä: "a", á: "a", à: "a", â: "a", ã: "a", å: "a", ç: "c", č: "ch", é: "e", è: "e", ê: "e", ë: "e", í: "i", ì: "i", î: "i", ï: "i",
  ł: "l", ñ: "n", ń: "n", ö: "o", ó: "o", ò: "o", ô: "o", õ: "o", ø: "o", ř: "r", š: "sh", ś: "s", ß: "ss", ü: "u", ú: "u", ù: "u",
  û: "u", ý: "i", ž: "zh", ź: "z", ż: "z",
};

/** A loose Latin key: transliterated, lower-case, with spellings that vary folded together. */
export function searchKey(text: string): string {
  const latin = Array.from(text.toLowerCase(), (ch) => TRANSLIT[ch] ?? ch).join("");
  return latin
    .replace(/[^a-z0-9@.+ ]/g, " ")
    .replace(/shch|sch/g, "sh")
    .replace(/kh/g, "h")
    .replace(/(ts|tz|cz)/g, "c") // Кузнецова: kuznetsova / kuznecova
    .replace(/x/g, "ks")
    .replace(/\bye/g, "e") // Евгений: Yevgeny / Evgeny
    .replace(/(iy|yi|ii|y|j)/g, "i") // й / и / y: Sergey, Sergei, Sergej
    .replace(/(ia|ya)/g, "ia")
    .replace(/(iu|yu)/g, "iu")
    .replace(/w/g, "v") // kuznetsowa
    .replace(/\s+/g, " ")
    .trim();
}

/** The digits of a phone number or query (for "last digits of the phone"). */
export const digitsOf = (text: string | null | undefined) => (text ?? "").replace(/\D/g, "");

/** Edit distance counting a swap of two neighbours as one typo (optimal string alignment), bounded by max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

export type Searchable = { id: string; name: string; company?: string | null; email?: string | null; phone?: string | null; stand?: string | null };

const words = (text: string) => searchKey(text).split(/[ @.+]/).filter(Boolean);

/**
 * How well a person matches a query: null for no match, else the number of words that needed a
 * typo (0 is best). Every word of the query must match a word of the person: as a prefix, or
 * within one edit for words of 4+ letters without digits. A query of 4+ digits matches phone digits anywhere.
 */
export function matchScore(p: Searchable, query: string): number | null {
  const digits = digitsOf(query);
  const qWords = words(query);
  if (qWords.length === 0) return null;
  if (digits.length >= 4 && /^[\d\s()+-]+$/.test(query.trim()) && digitsOf(p.phone).includes(digits)) return 0;
  const hay = words([p.name, p.company ?? "", p.email ?? "", p.stand ?? ""].join(" "));
  let score = 0;
  for (const w of qWords) {
    if (hay.some((h) => h.startsWith(w))) continue;
    // Typos are forgiven in words, not in numbers (Гостев3 is not Гостев2).
    const typo = w.length >= 4 && !/\d/.test(w) && hay.some((h) => editDistance(w, h.slice(0, w.length + 1), 1) <= 1 || editDistance(w, h, 1) <= 1);
    if (!typo) return null;
    score++;
  }
  return score;
}

/** The people matching `query`, best first (stable among equals), at most `limit`. */
export function searchPeople<T extends Searchable>(people: T[], query: string, limit = 20): T[] {
  const scored: Array<[number, T]> = [];
  for (const p of people) {
    const s = matchScore(p, query);
    if (s !== null) scored.push([s, p]);
  }
  return scored.sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, p]) => p);
}
