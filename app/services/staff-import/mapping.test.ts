import { describe, expect, it } from "vitest";
import { emptyMapping, guessMapping, missingRequiredFields } from "./index";

describe("guessMapping", () => {
  it("recognises the usual Russian headers, whatever the case", () => {
    expect(guessMapping(["№", "ФАМИЛИЯ", "имя", "Отчество", "Должность", "Эл. почта", "Тел."])).toEqual({
      lastName: 1,
      firstName: 2,
      middleName: 3,
      fullName: null,
      position: 4,
      email: 5,
      phone: 6,
    });
  });

  it("recognises English headers", () => {
    expect(guessMapping(["Surname", "First name", "Middle name", "Job title", "Email", "Phone"])).toEqual({
      lastName: 0,
      firstName: 1,
      middleName: 2,
      fullName: null,
      position: 3,
      email: 4,
      phone: 5,
    });
    expect(guessMapping(["Last Name", "Given name", "Position", "E-mail", "Mobile"])).toMatchObject({
      lastName: 0,
      firstName: 1,
      position: 2,
      email: 3,
      phone: 4,
    });
  });

  it.each([
    ["ФИО", "fullName"],
    ["Ф.И.О.", "fullName"],
    ["ф. и. о.", "fullName"],
    ["Фамилия Имя Отчество", "fullName"],
    ["Фамилия, имя", "fullName"],
    ["ФИО сотрудника", "fullName"],
    ["Full name", "fullName"],
    ["Name", "fullName"],
    ["Фамилия сотрудника", "lastName"],
    ["Имя (латиницей)", "firstName"],
    ["E-mail", "email"],
    ["e-mail адрес", "email"],
    ["Почта", "email"],
    ["Адрес электронной почты", "email"],
    ["Email сотрудника", "email"],
    ["Телефон", "phone"],
    ["Мобильный", "phone"],
    ["Контактный телефон", "phone"],
    ["Тел./факс", "phone"],
    ["Телефон (мобильный)", "phone"],
    ["Phone number", "phone"],
    ["Должность в компании", "position"],
  ])("%j -> %s", (header, field) => {
    const mapping = guessMapping(["Что-то ещё", header]);
    expect(mapping[field as keyof typeof mapping]).toBe(1);
    const others = Object.entries(mapping).filter(([key]) => key !== field);
    expect(others.every(([, column]) => column === null)).toBe(true);
  });

  it("does not take a postal address or a company name", () => {
    expect(guessMapping(["Почтовый адрес", "Company name", "Название компании"])).toEqual(emptyMapping());
  });

  it("prefers exact headers and gives each column one field", () => {
    // "Мобильный телефон" would match phone too, but "Телефон" is exact.
    expect(guessMapping(["Мобильный телефон руководителя", "Телефон"]).phone).toBe(1);
    // Separate name columns next to a full-name column: all mapped, nothing twice.
    const m = guessMapping(["ФИО", "Фамилия", "Имя"]);
    expect(m).toMatchObject({ fullName: 0, lastName: 1, firstName: 2 });
    // Two e-mail columns: the leftmost.
    expect(guessMapping(["Фамилия", "Email", "E-mail"]).email).toBe(1);
  });

  it("leaves unknown headers unmapped", () => {
    expect(guessMapping(["A", "B", "", "Дата рождения"])).toEqual(emptyMapping());
  });
});

describe("missingRequiredFields", () => {
  it("needs names (own columns or a full name) and e-mail unless optional", () => {
    expect(missingRequiredFields(emptyMapping())).toEqual(["lastName", "firstName", "email"]);
    expect(missingRequiredFields({ ...emptyMapping(), fullName: 0, email: 1 })).toEqual([]);
    expect(missingRequiredFields({ ...emptyMapping(), lastName: 0 }, { requireEmail: false })).toEqual(["firstName"]);
  });
});
