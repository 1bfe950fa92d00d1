import type { Locator, Page } from "playwright-core";
import { submitAndSettle } from "../setup/submit";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { useAppAndBrowser } from "../setup/e2e-app";
import { hydrated, loginAs } from "../setup/pages";

// Issue #13 items 1 and 9 in Chromium: the manager (RU, and EN for the refusal) changes an
// exhibitor from its page and several at once from the event page; the exhibitor (EN) and the
// sub-exhibitor (RU) see the result and the shared quota's shares.

const e2e = useAppAndBrowser({ app: () => ({ env: { WORKER: "off" } }) });
let manager: Page;
let managerEn: Page;
let parent: Page;
let sub: Page;
const ids: Record<string, string> = {};

beforeAll(async () => {
  for (const r of await e2e.query<{ id: string; name: string; eventId: string }>(`SELECT e.id, o.name, e."eventId" FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId"`)) {
    ids[r.name] = r.id;
    ids.event = r.eventId;
  }
  const page = async (locale: string) => (await e2e.browser.newContext({ locale })).newPage();
  [manager, managerEn, parent, sub] = await Promise.all([page("ru-RU"), page("en-US"), page("en-US"), page("ru-RU")]);
  await Promise.all([loginAs(manager, e2e.app.url, DEMO_USERS[1]), loginAs(managerEn, e2e.app.url, DEMO_USERS[1]), loginAs(parent, e2e.app.url, DEMO_USERS[2]), loginAs(sub, e2e.app.url, DEMO_USERS[3])]);
});


async function open(page: Page, path: string) {
  await page.goto(e2e.app.url + path);
  await hydrated(page);
}

/** Submits a form and waits until the action's result and the revalidated loaders are rendered. */
async function submit(page: Page, form: Locator) {
  await submitAndSettle(page, () => form.locator("button[type=submit]").click());
}

const text = async (l: Locator) => ((await l.textContent()) ?? "").replace(/\s+/g, " ").trim();
const staffRow = (page: Page, name: string) => page.getByTestId("staff-row").filter({ hasText: name });

describe("the manager changes exhibitors from the pages; the shared quota is explained", () => {
  test("the manager raises the quota on the exhibitor page and the exhibitor sees it at once", async () => {
    await open(parent, "/cabinet");
    await expect.poll(() => text(parent.getByTestId("quota"))).toBe("6 of 10 badges used");
    await open(manager, `/manage/exhibitors/${ids["СтройМаш"]}`);
    await manager.fill("[data-testid=exhibitor-settings] [name=staffQuota]", "15");
    await submit(manager, manager.getByTestId("exhibitor-settings"));
    await expect.poll(() => text(manager.getByTestId("quota"))).toBe("Использовано 6 из 15 бейджей");
    await open(parent, "/cabinet");
    await expect.poll(() => text(parent.getByTestId("quota"))).toBe("6 of 15 badges used");
  });

  test("a quota below the staff already registered is refused next to the field, in RU and EN", async () => {
    await manager.fill("[data-testid=exhibitor-settings] [name=staffQuota]", "3");
    await submit(manager, manager.getByTestId("exhibitor-settings"));
    await expect.poll(() => text(manager.getByTestId("error-staffQuota"))).toBe("Уже зарегистрировано сотрудников: 6. Лимит не может быть меньше.");
    await open(managerEn, `/manage/exhibitors/${ids["СтройМаш"]}`);
    await managerEn.fill("[data-testid=exhibitor-settings] [name=staffQuota]", "5");
    await submit(managerEn, managerEn.getByTestId("exhibitor-settings"));
    await expect.poll(() => text(managerEn.getByTestId("error-staffQuota"))).toBe("6 staff are already registered. The quota cannot be lower.");
    await open(manager, `/manage/exhibitors/${ids["СтройМаш"]}`);
    await expect.poll(() => text(manager.getByTestId("quota"))).toBe("Использовано 6 из 15 бейджей");
  });

  test("the manager edits the company card and the staff (add, edit, resend, remove with confirm)", async () => {
    await manager.fill("[data-testid=company-card] [name=city]", "Тула");
    await submit(manager, manager.getByTestId("company-card"));
    await open(parent, "/cabinet");
    await expect.poll(() => parent.locator("[data-testid=company-card] [name=city]").inputValue()).toBe("Тула");

    const add = manager.getByTestId("add-staff");
    await add.locator("[name=lastName]").fill("Новикова");
    await add.locator("[name=firstName]").fill("Анна");
    await add.locator("[name=email]").fill("a.novikova@stroymash.example");
    await submit(manager, add);
    await staffRow(manager, "Новикова Анна").waitFor();
    await expect.poll(() => text(manager.getByTestId("quota"))).toBe("Использовано 7 из 15 бейджей");

    const row = staffRow(manager, "Новикова Анна");
    await row.locator("summary").click();
    await row.locator("[data-testid=edit-staff] [name=email]").fill("novikova@");
    await submit(manager, row.getByTestId("edit-staff"));
    await expect.poll(() => text(row.getByTestId("error-email"))).toContain("адрес эл. почты");
    await row.locator("[data-testid=edit-staff] [name=email]").fill("a.novikova@stroymash.example");
    await row.locator("[data-testid=edit-staff] [name=position]").fill("Инженер-конструктор");
    await submit(manager, row.getByTestId("edit-staff"));
    await expect.poll(() => text(manager.getByTestId("notice"))).toBe("Сохранено.");
    await row.locator("td", { hasText: "Инженер-конструктор" }).waitFor();

    await submit(manager, row.getByTestId("resend-invite"));
    await expect.poll(() => text(manager.getByTestId("notice"))).toBe("Приглашение снова отправлено на a.novikova@stroymash.example.");

    await open(parent, "/cabinet");
    await expect.poll(() => text(staffRow(parent, "Новикова Анна"))).toContain("Инженер-конструктор");

    let asked = "";
    manager.once("dialog", (d) => ((asked = d.message()), void d.accept()));
    await Promise.all([manager.waitForResponse((r) => r.request().method() === "POST"), row.getByRole("button", { name: "Удалить" }).click()]);
    await staffRow(manager, "Новикова Анна").waitFor({ state: "detached" });
    expect(asked).toContain("Новикова Анна");
    await expect.poll(() => text(manager.getByTestId("quota"))).toBe("Использовано 6 из 15 бейджей");
  });

  test("the event page sets the quota of three exhibitors at once; below usage nothing changes", async () => {
    await open(manager, `/manage/events/${ids.event}`);
    const tick = (name: string) => manager.getByRole("checkbox", { name: `Отметить: ${name}`, exact: true }).check();
    for (const name of ["СтройМаш", "ТехноПром", "Детали+"]) await tick(name);
    await manager.fill("[data-testid=bulk-quota] [name=staffQuota]", "20");
    await submit(manager, manager.getByTestId("bulk-quota"));
    await expect.poll(() => text(manager.getByRole("status"))).toBe("Лимит изменён у экспонентов: 3.");
    // The fourth cell: badges used / quota.
    const used = async () => (await manager.locator("[data-testid=exhibitor-row] td:nth-child(4)").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim()).sort();
    await expect.poll(() => used()).toEqual(["1 / 20", "2 / 20", "6 / 20"]);

    for (const name of ["СтройМаш", "ТехноПром", "Детали+"]) await tick(name);
    await manager.fill("[data-testid=bulk-quota] [name=staffQuota]", "1");
    await submit(manager, manager.getByTestId("bulk-quota"));
    await expect.poll(() => text(manager.locator("[data-testid=bulk-quota] [data-testid=error-staffQuota]"))).toBe(
      "Лимит меньше числа уже зарегистрированных сотрудников: СтройМаш (6), ТехноПром (2). Ничего не изменено.",
    );
    await expect.poll(() => used()).toEqual(["1 / 20", "2 / 20", "6 / 20"]);
    const quotas = await e2e.query<{ q: number }>(`SELECT DISTINCT "staffQuota" AS q FROM "Exhibitor" WHERE "eventId" = $1`, [ids.event]);
    expect(quotas).toEqual([{ q: 20 }]);
  });

  test("with two sub-exhibitors the meter shows each share: by name to the parent and managers, the others summed to a sub-exhibitor", async () => {
    await open(manager, `/manage/exhibitors/${ids["ТехноПром"]}`);
    await manager.selectOption("[data-testid=exhibitor-settings] [name=parentExhibitorId]", ids["СтройМаш"]);
    await submit(manager, manager.getByTestId("exhibitor-settings"));
    await expect.poll(() => text(manager.getByRole("status").filter({ hasText: "Сохранено" }))).toBe("Сохранено.");
    const shares = async (page: Page) => (await page.locator("[data-testid=quota-shares] [data-testid=share]").allTextContents()).map((t) => t.trim());

    await expect.poll(() => shares(manager)).toEqual(["СтройМаш (основной экспонент): 5", "Детали+ (субэкспонент): 1 из 20", "ТехноПром (субэкспонент): 2 из 20", "Свободно: 12"]);

    await open(parent, "/cabinet");
    await expect.poll(() => text(parent.locator("[data-testid=quota-shares] p").first())).toBe("The quota is shared by the main exhibitor and its sub-exhibitors: 8 of 20 used.");
    await expect.poll(() => shares(parent)).toEqual(["СтройМаш (main exhibitor): 5", "Детали+ (sub-exhibitor): 1 of 20", "ТехноПром (sub-exhibitor): 2 of 20", "Free: 12"]);

    await open(sub, "/cabinet");
    await expect.poll(() => text(sub.getByTestId("quota"))).toBe("Использовано 1 из 20 бейджей");
    await expect.poll(() => shares(sub)).toEqual(["СтройМаш (основной экспонент): 5", "Ваши сотрудники: 1 из 20", "Другие субэкспоненты: 2", "Свободно: 12"]);
    await expect.poll(() => text(sub.getByTestId("own-free"))).toBe("Вы можете добавить ещё 12.");
    expect(await sub.locator("body").textContent()).not.toContain("ТехноПром");
  });
});
