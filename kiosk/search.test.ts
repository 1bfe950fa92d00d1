import { describe, expect, test } from "vitest";
import { searchKey, searchPeople } from "./search";

describe("manual search", () => {
  const people = [
    { id: "1", name: "Щербаков Алексей", company: "СтройМаш", email: "a.shcherbakov@stroymash.ru", phone: "+79161234567" },
    { id: "2", name: "Smith John", company: "Acme", email: "john@acme.com", phone: null },
    { id: "3", name: "Юлия Кузнецова", company: "ТехноПром", email: "yk@techno.ru", phone: "+79990001122" },
  ];
  test("Latin query finds a Cyrillic name and the other way round", () => {
    expect(searchPeople(people, "shcherbakov").map((p) => p.id)).toEqual(["1"]);
    expect(searchPeople(people, "Смит").map((p) => p.id)).toEqual(["2"]);
    expect(searchPeople(people, "yulia kuznetsova").map((p) => p.id)).toEqual(["3"]);
  });
  test("a typo, a company, an email or the last digits of a phone find the person", () => {
    expect(searchPeople(people, "Кузнецвоа").map((p) => p.id)).toEqual(["3"]);
    expect(searchPeople(people, "технопром").map((p) => p.id)).toEqual(["3"]);
    expect(searchPeople(people, "john@acme").map((p) => p.id)).toEqual(["2"]);
    expect(searchPeople(people, "1234567").map((p) => p.id)).toEqual(["1"]);
    expect(searchPeople(people, "Петров")).toEqual([]);
  });
  test("searchKey folds transliteration variants", () => {
    expect(searchKey("Юлия")).toBe(searchKey("Yulia"));
    expect(searchKey("Хабаров")).toBe(searchKey("Habarov"));
  });
});
