-- Public registration (self-service link), media accreditation, stand booking requests,
-- SMS reminders and per-IP rate-limit counters (issue #5).

ALTER TABLE "Registration" ADD COLUMN "manageTokenHash" TEXT;

CREATE TABLE "MediaAccreditation" (
    "registrationId" UUID NOT NULL,
    "outlet" TEXT NOT NULL,
    "role" TEXT,
    "proofUrl" TEXT,
    "proofFile" TEXT,
    "proofFileName" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MediaAccreditation_pkey" PRIMARY KEY ("registrationId")
);

CREATE TABLE "StandBooking" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "companyName" TEXT NOT NULL,
    "inn" TEXT,
    "city" TEXT,
    "country" TEXT,
    "website" TEXT,
    "contactLastName" TEXT NOT NULL,
    "contactFirstName" TEXT NOT NULL,
    "contactMiddleName" TEXT,
    "contactPosition" TEXT,
    "contactEmail" TEXT NOT NULL,
    "contactPhone" TEXT,
    "areaM2" DECIMAL(10,2) NOT NULL,
    "comment" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'ru',
    "source" TEXT NOT NULL DEFAULT 'site',
    "status" TEXT NOT NULL DEFAULT 'new',
    "exhibitorId" UUID,
    "crmDealId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StandBooking_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "SmsReminder" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "registrationId" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "smsId" TEXT,
    "statusCode" INTEGER,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "resends" INTEGER NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMPTZ(3),
    "statusCheckedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SmsReminder_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

CREATE UNIQUE INDEX "Registration_manageTokenHash_key" ON "Registration"("manageTokenHash");

CREATE INDEX "StandBooking_eventId_createdAt_idx" ON "StandBooking"("eventId", "createdAt");

CREATE UNIQUE INDEX "SmsReminder_registrationId_key" ON "SmsReminder"("registrationId");

ALTER TABLE "MediaAccreditation" ADD CONSTRAINT "MediaAccreditation_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "StandBooking" ADD CONSTRAINT "StandBooking_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "StandBooking" ADD CONSTRAINT "StandBooking_exhibitorId_fkey" FOREIGN KEY ("exhibitorId") REFERENCES "Exhibitor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "SmsReminder" ADD CONSTRAINT "SmsReminder_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
