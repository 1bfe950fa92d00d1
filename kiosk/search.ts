// Manual search at the kiosk for people without their QR: by name, company, email or phone,
// tolerant to Cyrillic/Latin transliteration and small typos.

const TRANSLIT: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p",
  р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
};

/** A loose Latin key: transliterated, lower-case, with spellings that vary folded together. */
export function searchKey(text: string): string {
  const latin = Array.from(text.toLowerCase(), (ch) => TRANSLIT[ch] ?? ch).join("");
  return latin
    .replace(/[^a-z0-9@.+ ]/g, "")
    .replace(/kh/g, "h")
    .replace(/(ks|x)/g, "ks")
    .replace(/(iy|yi|ii|y)/g, "i")
    .replace(/(ya|ia)/g, "ia")
    .replace(/(yu|iu)/g, "iu")
    .replace(/w/g, "v")
    .replace(/\s+/g, " ")
    .trim();
}

/** Edit distance counting a swap of two neighbours as one typo (optimal string alignment), bounded by max. */
function distance(a: string, b: string, max: number): number {
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

export type Searchable = { id: string; name: string; company?: string | null; email?: string | null; phone?: string | null };

/** Every word of the query must match a word of the person (prefix, or within one typo for words of 4+ letters). */
export function searchPeople<T extends Searchable>(people: T[], query: string, limit = 20): T[] {
  const words = searchKey(query).split(/[ @.]/).filter(Boolean);
  const digits = query.replace(/\D/g, "");
  if (words.length === 0) return [];
  const scored: Array<[number, T]> = [];
  for (const p of people) {
    if (digits.length >= 6 && p.phone && p.phone.replace(/\D/g, "").includes(digits)) {
      scored.push([0, p]);
      continue;
    }
    const hay = searchKey([p.name, p.company ?? "", p.email ?? ""].join(" ")).split(/[ @.]/).filter(Boolean);
    let score = 0;
    let ok = true;
    for (const w of words) {
      if (hay.some((h) => h.startsWith(w))) continue;
      const typo = w.length >= 4 && hay.some((h) => distance(w, h.slice(0, w.length + 1), 1) <= 1 || distance(w, h, 1) <= 1);
      if (!typo) {
        ok = false;
        break;
      }
      score++;
    }
    if (ok) scored.push([score, p]);
  }
  return scored.sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, p]) => p);
}
