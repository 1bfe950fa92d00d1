-- CRM sync with Bitrix24: per-record sync state, mapping settings, event resync requests.

-- CreateEnum
CREATE TYPE "CrmEntity" AS ENUM ('organization', 'person', 'registration', 'exhibitor');

-- CreateEnum
CREATE TYPE "CrmSyncStatus" AS ENUM ('synced', 'pending', 'failed', 'waiting_config');

-- CreateTable
CREATE TABLE "CrmSyncState" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "entityType" "CrmEntity" NOT NULL,
    "localId" UUID NOT NULL,
    "eventId" UUID,
    "status" "CrmSyncStatus" NOT NULL DEFAULT 'pending',
    "crmId" INTEGER,
    "crmCategoryId" INTEGER,
    "crmStageId" TEXT,
    "dataHash" TEXT,
    "lastError" TEXT,
    "lastErrorCode" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createStartedAt" TIMESTAMPTZ(3),
    "visitCommentFor" UUID,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "syncedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrmSyncState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrmSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "innField" TEXT,
    "attendanceCategoryId" INTEGER,
    "stagePending" TEXT,
    "stageConfirmed" TEXT,
    "stageVisited" TEXT,
    "stageLost" TEXT,
    "servicesCategoryId" INTEGER,
    "servicesStage" TEXT,
    "attendanceResponsibleId" INTEGER,
    "servicesResponsibleId" INTEGER,
    "pausedAt" TIMESTAMPTZ(3),
    "pausedReason" TEXT,
    "pausedWebhook" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrmSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrmResync" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "total" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrmResync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CrmSyncState_status_idx" ON "CrmSyncState"("status");

-- CreateIndex
CREATE INDEX "CrmSyncState_eventId_status_idx" ON "CrmSyncState"("eventId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CrmSyncState_entityType_localId_key" ON "CrmSyncState"("entityType", "localId");

-- CreateIndex
CREATE INDEX "CrmResync_eventId_startedAt_idx" ON "CrmResync"("eventId", "startedAt");
