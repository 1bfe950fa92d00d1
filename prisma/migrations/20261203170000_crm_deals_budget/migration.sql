-- Analytics (issue #14 items 2 and 3): Bitrix24 deals of our contacts and companies as last
-- pulled, event budget lines (planned and actual), and the per-event attribution window.
CREATE TABLE "CrmDeal" (
    "id" INTEGER NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "categoryId" INTEGER NOT NULL DEFAULT 0,
    "stageId" TEXT NOT NULL DEFAULT '',
    "semantic" TEXT NOT NULL DEFAULT 'P',
    "amount" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'RUB',
    "contactId" INTEGER,
    "companyId" INTEGER,
    "assignedById" INTEGER,
    "assignedName" TEXT,
    "ours" BOOLEAN NOT NULL DEFAULT false,
    "crmCreatedAt" TIMESTAMPTZ(3),
    "closeDate" DATE,
    "refreshedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CrmDeal_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CrmDeal_contactId_idx" ON "CrmDeal" ("contactId");
CREATE INDEX "CrmDeal_companyId_idx" ON "CrmDeal" ("companyId");

CREATE TABLE "BudgetLine" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT,
    "note" TEXT,
    "planned" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "actual" DECIMAL(14,2),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BudgetLine_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "BudgetLine_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "BudgetLine_eventId_idx" ON "BudgetLine" ("eventId");

CREATE TABLE "EventAnalytics" (
    "eventId" UUID NOT NULL,
    "attributionDays" INTEGER NOT NULL DEFAULT 90,
    "dealsRefreshedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EventAnalytics_pkey" PRIMARY KEY ("eventId"),
    CONSTRAINT "EventAnalytics_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
