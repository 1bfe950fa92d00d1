import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { useAppAndBrowser } from "../setup/e2e-app";
import { newPage } from "../setup/pages";

const e2e = useAppAndBrowser();

async function login(page: Page, email: string, password: string) {
  await page.goto(e2e.app.url + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForLoadState("networkidle"), page.click("button[type=submit].primary")]);
}

describe("login in a real browser", () => {
  test("the start output prints the demo logins", () => {
    for (const u of DEMO_USERS) expect(e2e.app.output()).toContain(`${u.email}`);
    expect(e2e.app.output()).toContain(DEMO_USERS[1].password);
  });

  test.each([
    ["admin", "/manage"],
    ["manager", "/manage"],
    ["exhibitor", "/cabinet"],
  ] as const)("%s lands on %s", async (role, path) => {
    const user = DEMO_USERS.find((u) => u.role === role)!;
    const page = await newPage(e2e.browser);
    await login(page, user.email, user.password);
    await page.waitForURL(e2e.app.url + path);
    await expect(page.getByTestId("current-user").textContent()).resolves.toBe(user.name);
    if (path === "/manage") await expect(page.getByTestId("events").textContent()).resolves.toContain("ЭкспоСтрой 2026");
    else await expect(page.locator("[data-testid=company-card] [name=name]").inputValue()).resolves.toBe("СтройМаш");
    await page.context().close();
  });

  test("the sub-exhibitor sees only its own cabinet", async () => {
    const user = DEMO_USERS.find((u) => u.email.startsWith("sub@"))!;
    const page = await newPage(e2e.browser);
    await login(page, user.email, user.password);
    await page.waitForURL(e2e.app.url + "/cabinet");
    await expect(page.locator("[data-testid=company-card] [name=name]").inputValue()).resolves.toBe("Детали+");
    const manage = await page.goto(e2e.app.url + "/manage");
    expect(manage?.status()).toBe(403);
    await page.context().close();
  });

  test("a wrong password shows the translated error, in Russian and in English", async () => {
    const ru = await newPage(e2e.browser);
    await login(ru, DEMO_USERS[0].email, "wrong-password-1");
    await expect(ru.getByTestId("form-error").textContent()).resolves.toBe("Неверная эл. почта или пароль.");
    await ru.context().close();

    const en = await newPage(e2e.browser, "en-US");
    await login(en, DEMO_USERS[0].email, "wrong-password-2");
    await expect(en.getByTestId("form-error").textContent()).resolves.toBe("Wrong email or password.");
    await en.context().close();
  });

  test("an invalid email is reported next to the field", async () => {
    const page = await newPage(e2e.browser);
    await login(page, "not-an-email", "x");
    await expect(page.locator("#email-error").textContent()).resolves.toContain("Введите адрес эл. почты");
    await page.context().close();
  });

  test("a locked-out account is told when to retry, even with the right password", async () => {
    const user = DEMO_USERS[1];
    const page = await newPage(e2e.browser);
    for (let i = 0; i < 5; i++) await login(page, user.email, `bad-${i}-password`);
    await expect(page.getByTestId("form-error").textContent()).resolves.toMatch(/Попробуйте снова через 15 мин\. \(после \d\d:\d\d/);
    await login(page, user.email, user.password);
    expect(page.url()).toContain("/login");
    await expect(page.getByTestId("form-error").textContent()).resolves.toMatch(/Слишком много неудачных попыток/);
    await page.context().close();
  });

  test("logout ends the session", async () => {
    const user = DEMO_USERS[2];
    const page = await newPage(e2e.browser);
    await login(page, user.email, user.password);
    await page.waitForURL(e2e.app.url + "/cabinet");
    await Promise.all([page.waitForURL(e2e.app.url + "/login"), page.click("text=Выйти")]);
    await page.goto(e2e.app.url + "/cabinet");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.context().close();
  });
});
