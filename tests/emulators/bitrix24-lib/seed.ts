// What a freshly configured organiser portal holds: users, deal pipelines and their stages.
// Pipeline ids are deliberately not 1 and 2 so code that hard-codes ids fails in tests.

export const BITRIX24_SEED = {
  webhookUserId: 1,
  marketingUserId: 5,
  salesUserId: 7,
  attendanceCategoryId: 3,
  servicesCategoryId: 5,
} as const;

export type Category = {
  id: number;
  name: string;
  sort: number;
  entityTypeId: 2;
  isDefault: "Y" | "N";
  originId?: string;
  originatorId?: string;
};

export type Semantics = "process" | "success" | "failure" | "apology";

export type Stage = {
  ID: string;
  ENTITY_ID: string;
  STATUS_ID: string;
  NAME: string;
  NAME_INIT: string;
  SORT: string;
  SYSTEM: "Y" | "N";
  CATEGORY_ID: string | null;
  COLOR: string;
  SEMANTICS: "S" | "F" | null;
  EXTRA: { SEMANTICS: Semantics; COLOR: string };
};

export type User = {
  ID: string;
  ACTIVE: boolean;
  NAME: string;
  LAST_NAME: string;
  EMAIL: string;
  WORK_POSITION: string;
  UF_DEPARTMENT: number[];
};

export function seedCategories(): Category[] {
  return [
    {
      id: BITRIX24_SEED.attendanceCategoryId,
      name: "Attendance",
      sort: 200,
      entityTypeId: 2,
      isDefault: "N",
      originId: "",
      originatorId: "",
    },
    {
      id: BITRIX24_SEED.servicesCategoryId,
      name: "Exhibition services",
      sort: 250,
      entityTypeId: 2,
      isDefault: "N",
      originId: "",
      originatorId: "",
    },
    { id: 0, name: "General", sort: 300, entityTypeId: 2, isDefault: "Y" },
  ];
}

const COLORS: Record<Semantics, string> = { process: "#39A8EF", success: "#7BD500", failure: "#FF5752", apology: "#FF5752" };

export function seedStages(): Stage[] {
  let nextId = 101;
  const make = (categoryId: number, statusId: string, name: string, semantics: Semantics, sort: number, system: boolean): Stage => {
    const prefix = categoryId === 0 ? "" : `C${categoryId}:`;
    return {
      ID: String(nextId++),
      ENTITY_ID: categoryId === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${categoryId}`,
      STATUS_ID: prefix + statusId,
      NAME: name,
      NAME_INIT: system ? name : "",
      SORT: String(sort),
      SYSTEM: system ? "Y" : "N",
      CATEGORY_ID: categoryId === 0 ? null : String(categoryId),
      COLOR: COLORS[semantics],
      SEMANTICS: semantics === "success" ? "S" : semantics === "process" ? null : "F",
      EXTRA: { SEMANTICS: semantics, COLOR: COLORS[semantics] },
    };
  };
  const { attendanceCategoryId: att, servicesCategoryId: svc } = BITRIX24_SEED;
  return [
    make(0, "NEW", "New", "process", 10, true),
    make(0, "PREPARATION", "Document preparation", "process", 20, false),
    make(0, "PREPAYMENT_INVOICE", "Prepayment invoice", "process", 30, false),
    make(0, "EXECUTING", "In progress", "process", 40, false),
    make(0, "FINAL_INVOICE", "Final invoice", "process", 50, false),
    make(0, "WON", "Deal successful", "success", 60, true),
    make(0, "LOSE", "Deal failed", "failure", 70, true),
    make(0, "APOLOGY", "Failure reason analysis", "apology", 80, false),
    make(att, "NEW", "Awaiting verification", "process", 10, true),
    make(att, "PREPARATION", "Awaiting visit", "process", 20, false),
    make(att, "WON", "Visited", "success", 60, true),
    make(att, "LOSE", "Lost", "failure", 70, true),
    make(svc, "NEW", "New", "process", 10, true),
    make(svc, "PREPARATION", "In progress", "process", 20, false),
    make(svc, "WON", "Contract signed", "success", 60, true),
    make(svc, "LOSE", "Lost", "failure", 70, true),
  ];
}

export function seedUsers(): User[] {
  const u = (id: number, name: string, last: string, position: string, dept: number, active = true): User => ({
    ID: String(id),
    ACTIVE: active,
    NAME: name,
    LAST_NAME: last,
    EMAIL: `${name.toLowerCase()}.${last.toLowerCase()}@organiser.example`,
    WORK_POSITION: position,
    UF_DEPARTMENT: [dept],
  });
  return [
    u(BITRIX24_SEED.webhookUserId, "Anna", "Admin", "Portal administrator", 1),
    u(3, "Boris", "Builder", "Stand construction", 4),
    u(BITRIX24_SEED.marketingUserId, "Maria", "Marketing", "Marketing manager", 2),
    u(BITRIX24_SEED.salesUserId, "Sergey", "Sales", "Sales manager", 3),
    u(9, "Former", "Employee", "Left the company", 3, false),
  ];
}
