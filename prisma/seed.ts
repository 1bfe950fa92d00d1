import { randomBytes } from "node:crypto";
import type { RegistrationCategory, RegistrationStatus } from "../app/generated/prisma/client";
import { hashPassword, verifyPassword } from "../app/utils/auth.server";
import { prisma } from "../app/utils/db.server";

// Demo data for `npm start`: one event two weeks ahead, three exhibitors (one of them a
// sub-exhibitor), about forty registrations and a login per role. Created once.

export const DEMO_USERS = [
  { role: "admin" as const, email: "admin@expodesk.local", name: "Администратор", password: "demo-admin-2026" },
  { role: "manager" as const, email: "manager@expodesk.local", name: "Мария Менеджерова", password: "demo-manager-2026" },
  { role: "exhibitor" as const, email: "exhibitor@stroymash.example", name: "Иван Петров", password: "demo-exhibitor-2026", exhibitor: "stroymash" },
  { role: "exhibitor" as const, email: "sub@detali.example", name: "Ольга Деталь", password: "demo-subexhibitor-2026", exhibitor: "detali" },
];

const VISITORS: Array<[string, string, string | null, string]> = [
  ["Смирнов", "Алексей", "Игоревич", "Главный инженер"],
  ["Кузнецова", "Анна", "Сергеевна", "Закупщик"],
  ["Попов", "Дмитрий", null, "Директор"],
  ["Васильева", "Елена", "Андреевна", "Архитектор"],
  ["Соколов", "Михаил", "Петрович", "Прораб"],
  ["Михайлова", "Ольга", null, "Менеджер проектов"],
  ["Новиков", "Сергей", "Викторович", "Технолог"],
  ["Фёдорова", "Татьяна", "Олеговна", "Снабженец"],
  ["Морозов", "Андрей", null, "Инженер ПТО"],
  ["Волкова", "Наталья", "Ивановна", "Дизайнер"],
  ["Алексеев", "Павел", "Юрьевич", "Владелец"],
  ["Лебедева", "Ирина", null, "Бухгалтер"],
  ["Семёнов", "Николай", "Алексеевич", "Сметчик"],
  ["Егорова", "Юлия", "Дмитриевна", "Маркетолог"],
  ["Павлов", "Владимир", null, "Технадзор"],
  ["Козлова", "Мария", "Павловна", "Аналитик"],
  ["Smith", "John", null, "Purchasing manager"],
  ["Müller", "Anna", null, "Sales director"],
  ["Степанов", "Григорий", "Ильич", "Главный механик"],
  ["Николаева", "Светлана", null, "Логист"],
  ["Орлов", "Константин", "Евгеньевич", "Инвестор"],
  ["Андреева", "Вера", "Николаевна", "Юрист"],
];

const secret = () => randomBytes(16).toString("base64url");

/** Returns true when it created the demo data, false when it was there already. */
export async function seedDemo(): Promise<boolean> {
  const db = prisma();
  if ((await db.user.count({ where: { email: DEMO_USERS[0].email } })) > 0) return false;

  const day = 24 * 3600_000;
  const start = new Date(Math.ceil((Date.now() + 14 * day) / day) * day + 6 * 3600_000); // 09:00 Moscow
  const event = await db.event.create({
    data: {
      name: "ЭкспоСтрой 2026",
      venue: "Крокус Экспо, павильон 3",
      address: "Московская обл., Красногорск, ул. Международная, 16",
      timezone: "Europe/Moscow",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * day + 9 * 3600_000),
      editDeadline: new Date(start.getTime() - 3 * day + 9 * 3600_000),
    },
  });

  const org = (name: string, inn: string, city: string) =>
    db.organization.create({ data: { name, legalName: `ООО «${name}»`, inn, country: "RU", city, phones: ["+74951234567"], emails: [`info@${inn}.example`] } });
  const stroymashOrg = await org("СтройМаш", "7707083893", "Москва");
  const technoOrg = await org("ТехноПром", "7830002293", "Санкт-Петербург");
  const detaliOrg = await org("Детали+", "5001012345", "Химки");

  const stroymash = await db.exhibitor.create({ data: { eventId: event.id, organizationId: stroymashOrg.id, stand: "A-101", areaM2: 36, staffQuota: 10 } });
  const techno = await db.exhibitor.create({ data: { eventId: event.id, organizationId: technoOrg.id, stand: "B-12", areaM2: 18, staffQuota: 6 } });
  const detali = await db.exhibitor.create({ data: { eventId: event.id, organizationId: detaliOrg.id, parentExhibitorId: stroymash.id, stand: "A-101/2", areaM2: 6, staffQuota: 3 } });
  const exhibitors: Record<string, string> = { stroymash: stroymash.id, detali: detali.id };

  for (const u of DEMO_USERS) {
    await db.user.create({
      data: { email: u.email, name: u.name, role: u.role, passwordHash: await hashPassword(u.password), exhibitorId: "exhibitor" in u && u.exhibitor ? exhibitors[u.exhibitor] : null },
    });
  }

  const register = async (
    p: { lastName: string; firstName: string; middleName?: string | null; position?: string; email: string; phone?: string; organizationId?: string },
    category: RegistrationCategory,
    status: RegistrationStatus = "confirmed",
    exhibitorId: string | null = null,
  ) => {
    const person = await db.person.create({ data: { ...p, middleName: p.middleName ?? null } });
    // Demo data pretends the invitations went out when the registrations were made.
    await db.registration.create({ data: { eventId: event.id, personId: person.id, category, status, exhibitorId, codeSecret: secret(), source: "seed", inviteSentAt: status === "confirmed" ? new Date() : null } });
  };

  const staff: Array<[string, string, string, string, string]> = [
    ["Петров", "Иван", "stroymash", "Руководитель стенда", "i.petrov"],
    ["Сидорова", "Мария", "stroymash", "Менеджер по продажам", "m.sidorova"],
    ["Ковалёв", "Артём", "stroymash", "Инженер", "a.kovalev"],
    ["Белова", "Дарья", "stroymash", "Промоутер", "d.belova"],
    ["Гусев", "Роман", "stroymash", "Технический специалист", "r.gusev"],
    ["Титов", "Евгений", "techno", "Коммерческий директор", "e.titov"],
    ["Зайцева", "Полина", "techno", "Менеджер", "p.zaitseva"],
    ["Деталь", "Ольга", "detali", "Директор", "o.detal"],
  ];
  const exById: Record<string, { id: string; org: string }> = {
    stroymash: { id: stroymash.id, org: stroymashOrg.id },
    techno: { id: techno.id, org: technoOrg.id },
    detali: { id: detali.id, org: detaliOrg.id },
  };
  for (const [last, first, ex, position, mail] of staff) {
    await register({ lastName: last, firstName: first, position, email: `${mail}@${ex}.example`, organizationId: exById[ex].org }, "exhibitor_staff", "confirmed", exById[ex].id);
  }
  for (const [i, [last, first, middle, position]] of VISITORS.entries()) {
    await register({ lastName: last, firstName: first, middleName: middle, position, email: `visitor${i + 1}@example.com`, phone: `+7916${String(1000000 + i * 7919).slice(0, 7)}` }, "visitor");
  }
  await register({ lastName: "Репортёрова", firstName: "Алина", position: "Корреспондент", email: "press1@media.example" }, "media", "confirmed");
  await register({ lastName: "Камеров", firstName: "Олег", position: "Фотограф", email: "press2@media.example" }, "media", "confirmed");
  await register({ lastName: "Блогерова", firstName: "Кира", position: "Блогер", email: "press3@media.example" }, "media", "pending_approval");
  await register({ lastName: "Журналистов", firstName: "Пётр", position: "Редактор", email: "press4@media.example" }, "media", "pending_approval");
  await register({ lastName: "Докладов", firstName: "Сергей", position: "Эксперт", email: "speaker1@example.com" }, "speaker");
  await register({ lastName: "Лекторова", firstName: "Нина", position: "Профессор", email: "speaker2@example.com" }, "speaker");
  await register({ lastName: "Thompson", firstName: "Emily", position: "Keynote speaker", email: "speaker3@example.com" }, "speaker");
  await register({ lastName: "Организаторов", firstName: "Илья", position: "Руководитель проекта", email: "org1@expodesk.local" }, "organizer");
  await register({ lastName: "Помощникова", firstName: "Лена", position: "Координатор", email: "org2@expodesk.local" }, "organizer");
  await register({ lastName: "Важный", firstName: "Виктор", middleName: "Викторович", position: "Заместитель министра", email: "vip1@example.com" }, "vip");
  return true;
}

/** The demo logins whose password is still the demo one (printed at start). */
export async function demoLogins() {
  const out: Array<{ role: string; email: string; password: string }> = [];
  for (const u of DEMO_USERS) {
    const row = await prisma().user.findUnique({ where: { email: u.email } });
    if (row?.passwordHash && (await verifyPassword(row.passwordHash, u.password))) out.push({ role: u.role, email: u.email, password: u.password });
  }
  return out;
}
