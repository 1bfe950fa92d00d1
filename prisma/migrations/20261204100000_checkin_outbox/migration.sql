-- A check-in's "tell the CRM" as a cheap durable marker (issue #16, decision 0016): the check-in
-- statement inserts one row here instead of calling graphile_worker.add_jobs (~3 ms in the
-- database each); the drainer (app/services/kiosk/crm-outbox.server.ts) deletes rows and adds
-- their crm-sync jobs in the same statement, in batches.
CREATE TABLE "CheckInOutbox" (
    "id" BIGSERIAL NOT NULL,
    "registrationId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CheckInOutbox_pkey" PRIMARY KEY ("id")
);
