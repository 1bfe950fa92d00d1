import { describe, expect, test } from "vitest";
import { editDistance, matchScore, searchKey, searchPeople } from "../../app/utils/people-search";

const people = [
  { id: "kuz", name: "Кузнецова Юлия", company: "ТехноПром", email: "yk@techno.ru", phone: "+7 (999) 000-11-22" },
  { id: "fed", name: "Фёдоров Андрей", company: "СтройМаш", email: null, phone: "+79161234567" },
  { id: "smith", name: "Smith John", company: "Acme", email: "john@acme.com", phone: null },
  { id: "shch", name: "Щербаков Алексей", company: "Детали+", email: null, phone: null },
  { id: "sergey", name: "Sergey Kuznetsov", company: "Northwind", email: null, phone: "+44 20 7946 0958" },
];
const ids = (q: string) => searchPeople(people, q).map((p) => p.id);

/** Each pair spells one name two ways: both spellings must give the same key. */
function expectOneKey(pairs: Array<[string, string]>) {
  for (const [a, b] of pairs) expect(searchKey(a), `${a} ~ ${b}`).toBe(searchKey(b));
}

describe("one key for transliteration variants", () => {
  test("kuznetsova, kuznecova, kuznetsowa and Кузнецова are one key", () => {
    expectOneKey([
      ["kuznetsova", "Кузнецова"],
      ["kuznecova", "Кузнецова"],
      ["kuznetsowa", "Кузнецова"],
      ["KUZNETSOVA", "Кузнецова"],
    ]);
  });
  test("ё/е and й/и fold", () => {
    expectOneKey([
      ["Фёдоров", "Федоров"],
      ["Андрей", "Андреи"],
      ["Андрей", "Andrey"],
      ["Andrei", "Andrey"],
      ["Sergej", "Сергей"],
    ]);
  });
  test("Cyrillic <-> Latin both ways", () => {
    expectOneKey([
      ["Юлия", "Yulia"],
      ["Хабаров", "Khabarov"],
      ["Щербаков", "Shcherbakov"],
      ["Щербаков", "Scherbakov"],
      ["Евгений", "Yevgeniy"],
      ["Смит", "Smit"],
    ]);
  });
});

describe("search", () => {
  test("the transliteration variants find Кузнецова; a Cyrillic query finds a Latin name", () => {
    // Kuznetsov is one letter off Kuznetsova: found too, but after the exact match.
    for (const q of ["kuznetsova", "kuznecova", "kuznetsowa", "Кузнецова"]) expect(ids(q), q).toEqual(["kuz", "sergey"]);
    for (const q of ["кузнецова юлия", "yulia kuznetsova", "Kuznetsowa Julia"]) expect(ids(q), q).toEqual(["kuz"]);
    expect(ids("Кузнецов")).toEqual(["kuz", "sergey"]); // a prefix of both
    expect(ids("Сергей Кузнецов")).toEqual(["sergey"]);
    expect(ids("Смит")).toEqual(["smith"]);
    expect(ids("федоров")).toEqual(["fed"]);
    expect(ids("Fedorov Andrei")).toEqual(["fed"]);
    expect(ids("Андреи")).toEqual(["fed"]);
  });
  test("one typo (a letter wrong, missing, extra or two swapped) still finds; two do not", () => {
    expect(ids("kuznetsofa")).toEqual(["kuz"]); // one substitution
    expect(ids("Кузнецвоа")).toEqual(["kuz"]); // two neighbours swapped
    expect(ids("kuznetsva")).toEqual(["kuz"]); // one missing
    expect(ids("Щербакова")).toEqual(["shch"]); // one extra
    expect(ids("kuzmetsofa")).toEqual([]); // two typos
    expect(editDistance("abcd", "abdc", 1)).toBe(1);
    expect(searchPeople([{ id: "2", name: "Гостев2" }, { id: "3", name: "Гостев3" }], "гостев3").map((p) => p.id)).toEqual(["3"]); // no typos in numbers
    expect(editDistance("abcd", "badc", 1)).toBe(2);
  });
  test("company, email and phone digits", () => {
    expect(ids("технопром")).toEqual(["kuz"]);
    expect(ids("tehnoprom")).toEqual(["kuz"]);
    expect(ids("stroimash")).toEqual(["fed"]);
    expect(ids("john@acme")).toEqual(["smith"]);
    expect(ids("1234567")).toEqual(["fed"]);
    expect(ids("8 916 123-45-67")).toEqual([]); // a trunk prefix 8 is not +7: the last digits are what is searched
    expect(ids("916 123-45-67")).toEqual(["fed"]);
    expect(ids("0001122")).toEqual(["kuz"]);
    expect(ids("1122")).toEqual(["kuz"]);
    expect(ids("Петров")).toEqual([]);
  });
  test("exact words rank before typos", () => {
    const list = [
      { id: "typo", name: "Ivamov Anna" },
      { id: "exact", name: "Ivanov Petr" },
    ];
    expect(matchScore(list[0], "ivanov")).toBe(1);
    expect(matchScore(list[1], "ivanov")).toBe(0);
    expect(searchPeople(list, "Иванов").map((p) => p.id)).toEqual(["exact", "typo"]);
  });
});
