-- The organisation-wide audience base, its imports and invitations to events (issue #14 item 5).
CREATE TABLE "AudienceContact" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lastName" TEXT,
    "firstName" TEXT,
    "middleName" TEXT,
    "email" TEXT,
    "phones" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "inn" TEXT,
    "company" TEXT,
    "position" TEXT,
    "city" TEXT,
    "industry" TEXT,
    "companySize" TEXT,
    "category" TEXT,
    "importId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AudienceContact_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AudienceContact_email_idx" ON "AudienceContact" ("email");
CREATE INDEX "AudienceContact_inn_idx" ON "AudienceContact" ("inn");
CREATE INDEX "AudienceContact_phones_idx" ON "AudienceContact" USING GIN ("phones");
CREATE INDEX "AudienceContact_city_idx" ON "AudienceContact" ("city");
CREATE INDEX "AudienceContact_industry_idx" ON "AudienceContact" ("industry");

CREATE TABLE "AudienceImport" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID,
    "fileName" TEXT NOT NULL,
    "userId" UUID,
    "counts" JSONB NOT NULL,
    "report" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AudienceImport_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AudienceImport_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "AudienceImport_createdAt_idx" ON "AudienceImport" ("createdAt");

CREATE TABLE "AudienceInvitation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "campaign" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "tokenHash" TEXT NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "registrationId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AudienceInvitation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AudienceInvitation_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AudienceInvitation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "AudienceContact"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "AudienceInvitation_tokenHash_key" ON "AudienceInvitation" ("tokenHash");
CREATE UNIQUE INDEX "AudienceInvitation_eventId_contactId_key" ON "AudienceInvitation" ("eventId", "contactId");
CREATE INDEX "AudienceInvitation_eventId_status_idx" ON "AudienceInvitation" ("eventId", "status");
