-- Kiosk check-in and the badge print queue (issues #6 and #7): print jobs, a log of refused and
-- duplicate scans, and the delta-sync feed kiosks poll (RegistrationSync, kept by triggers).

CREATE TYPE "PrintFormat" AS ENUM ('pdf', 'zpl');
CREATE TYPE "PrintJobStatus" AS ENUM ('queued', 'printing', 'done', 'failed');
CREATE TYPE "ScanResult" AS ENUM ('already_checked_in', 'invalid_code', 'not_found', 'cancelled', 'not_admitted');

CREATE TABLE "PrintJob" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "registrationId" UUID NOT NULL,
    "printerId" UUID,
    "format" "PrintFormat" NOT NULL,
    "status" "PrintJobStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "source" TEXT NOT NULL DEFAULT 'checkin',
    "reason" TEXT,
    "reprintOfId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "PrintJob_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ScanLog" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "kioskId" UUID,
    "registrationId" UUID,
    "clientId" UUID NOT NULL,
    "result" "ScanResult" NOT NULL,
    "reason" TEXT,
    "code" TEXT,
    "scannedAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ScanLog_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "RegistrationSync" (
    "registrationId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "txid" BIGINT NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "RegistrationSync_pkey" PRIMARY KEY ("registrationId")
);

CREATE INDEX "PrintJob_registrationId_idx" ON "PrintJob"("registrationId");
CREATE INDEX "PrintJob_printerId_status_idx" ON "PrintJob"("printerId", "status");
CREATE UNIQUE INDEX "ScanLog_clientId_key" ON "ScanLog"("clientId");
CREATE INDEX "ScanLog_eventId_result_createdAt_idx" ON "ScanLog"("eventId", "result", "createdAt");
CREATE INDEX "ScanLog_registrationId_idx" ON "ScanLog"("registrationId");
CREATE INDEX "RegistrationSync_eventId_txid_registrationId_idx" ON "RegistrationSync"("eventId", "txid", "registrationId");

ALTER TABLE "PrintJob" ADD CONSTRAINT "PrintJob_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PrintJob" ADD CONSTRAINT "PrintJob_printerId_fkey" FOREIGN KEY ("printerId") REFERENCES "Printer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "PrintJob" ADD CONSTRAINT "PrintJob_reprintOfId_fkey" FOREIGN KEY ("reprintOfId") REFERENCES "PrintJob"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ScanLog" ADD CONSTRAINT "ScanLog_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ScanLog" ADD CONSTRAINT "ScanLog_kioskId_fkey" FOREIGN KEY ("kioskId") REFERENCES "Kiosk"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ScanLog" ADD CONSTRAINT "ScanLog_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Delta sync (not part of schema.prisma: triggers). Every change to what a kiosk shows of a
-- registration (its status, category, person's name, company) stamps the registration's
-- RegistrationSync row with the writing transaction's id. A reader returns rows stamped below
-- the oldest transaction still running (pg_snapshot_xmin), so a change that commits late is
-- never skipped by a cursor that moved past it. Deleted registrations stay as tombstones.

CREATE FUNCTION "expodesk_sync_touch_registrations"(ids UUID[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO "RegistrationSync" ("registrationId", "eventId", "txid", "deleted")
    SELECT r."id", r."eventId", pg_current_xact_id()::text::bigint, false
    FROM "Registration" r WHERE r."id" = ANY(ids)
    ON CONFLICT ("registrationId") DO UPDATE
        SET "eventId" = EXCLUDED."eventId", "txid" = EXCLUDED."txid", "deleted" = false;
$$;

CREATE FUNCTION "expodesk_sync_registration"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO "RegistrationSync" ("registrationId", "eventId", "txid", "deleted")
        VALUES (OLD."id", OLD."eventId", pg_current_xact_id()::text::bigint, true)
        ON CONFLICT ("registrationId") DO UPDATE
            SET "eventId" = EXCLUDED."eventId", "txid" = EXCLUDED."txid", "deleted" = true;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE'
        AND NEW."eventId" = OLD."eventId" AND NEW."personId" = OLD."personId"
        AND NEW."exhibitorId" IS NOT DISTINCT FROM OLD."exhibitorId"
        AND NEW."category" = OLD."category" AND NEW."status" = OLD."status" THEN
        RETURN NEW;
    END IF;
    INSERT INTO "RegistrationSync" ("registrationId", "eventId", "txid", "deleted")
    VALUES (NEW."id", NEW."eventId", pg_current_xact_id()::text::bigint, false)
    ON CONFLICT ("registrationId") DO UPDATE
        SET "eventId" = EXCLUDED."eventId", "txid" = EXCLUDED."txid", "deleted" = false;
    RETURN NEW;
END
$$;

CREATE FUNCTION "expodesk_sync_person"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "expodesk_sync_touch_registrations"(ARRAY(SELECT "id" FROM "Registration" WHERE "personId" = NEW."id"));
    RETURN NEW;
END
$$;

CREATE FUNCTION "expodesk_sync_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "expodesk_sync_touch_registrations"(ARRAY(
        SELECT r."id" FROM "Registration" r JOIN "Person" p ON p."id" = r."personId" WHERE p."organizationId" = NEW."id"
        UNION
        SELECT r."id" FROM "Registration" r JOIN "Exhibitor" e ON e."id" = r."exhibitorId" WHERE e."organizationId" = NEW."id"));
    RETURN NEW;
END
$$;

CREATE FUNCTION "expodesk_sync_exhibitor"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "expodesk_sync_touch_registrations"(ARRAY(SELECT "id" FROM "Registration" WHERE "exhibitorId" = NEW."id"));
    RETURN NEW;
END
$$;

CREATE TRIGGER "Registration_sync" AFTER INSERT OR UPDATE OR DELETE ON "Registration"
    FOR EACH ROW EXECUTE FUNCTION "expodesk_sync_registration"();
CREATE TRIGGER "Person_sync" AFTER UPDATE OF "lastName", "firstName", "middleName", "organizationId" ON "Person"
    FOR EACH ROW WHEN (OLD."lastName" IS DISTINCT FROM NEW."lastName" OR OLD."firstName" IS DISTINCT FROM NEW."firstName"
        OR OLD."middleName" IS DISTINCT FROM NEW."middleName" OR OLD."organizationId" IS DISTINCT FROM NEW."organizationId")
    EXECUTE FUNCTION "expodesk_sync_person"();
CREATE TRIGGER "Organization_sync" AFTER UPDATE OF "name" ON "Organization"
    FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name") EXECUTE FUNCTION "expodesk_sync_organization"();
CREATE TRIGGER "Exhibitor_sync" AFTER UPDATE OF "organizationId" ON "Exhibitor"
    FOR EACH ROW WHEN (OLD."organizationId" IS DISTINCT FROM NEW."organizationId") EXECUTE FUNCTION "expodesk_sync_exhibitor"();

INSERT INTO "RegistrationSync" ("registrationId", "eventId", "txid")
SELECT "id", "eventId", pg_current_xact_id()::text::bigint FROM "Registration";
