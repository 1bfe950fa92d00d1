-- Ticket-code signing keys per event; invitation delivery state on registrations.

CREATE TABLE "EventKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "keyId" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMPTZ(3),
    CONSTRAINT "EventKey_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "EventKey_eventId_keyId_key" ON "EventKey"("eventId", "keyId");

ALTER TABLE "EventKey" ADD CONSTRAINT "EventKey_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Registration" ADD COLUMN "inviteSentAt" TIMESTAMPTZ(3),
ADD COLUMN "inviteError" TEXT;
