-- Kiosk pairing codes, walk-in registrations at the kiosk, and exit scans (issue #6).

CREATE TABLE "KioskPairingCode" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kioskId" UUID NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "KioskPairingCode_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "KioskWalkIn" (
    "clientId" UUID NOT NULL,
    "kioskId" UUID NOT NULL,
    "registrationId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "KioskWalkIn_pkey" PRIMARY KEY ("clientId")
);

CREATE UNIQUE INDEX "KioskPairingCode_codeHash_key" ON "KioskPairingCode"("codeHash");
CREATE INDEX "KioskPairingCode_kioskId_idx" ON "KioskPairingCode"("kioskId");
CREATE INDEX "KioskWalkIn_registrationId_idx" ON "KioskWalkIn"("registrationId");

ALTER TABLE "KioskPairingCode" ADD CONSTRAINT "KioskPairingCode_kioskId_fkey" FOREIGN KEY ("kioskId") REFERENCES "Kiosk"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "KioskWalkIn" ADD CONSTRAINT "KioskWalkIn_kioskId_fkey" FOREIGN KEY ("kioskId") REFERENCES "Kiosk"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "KioskWalkIn" ADD CONSTRAINT "KioskWalkIn_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Event" ADD COLUMN "countsExits" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Kiosk" ADD COLUMN "mode" TEXT NOT NULL DEFAULT 'entry';
ALTER TABLE "Kiosk" ADD CONSTRAINT "Kiosk_mode_check" CHECK ("mode" IN ('entry', 'exit'));

CREATE TABLE "CheckOut" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "registrationId" UUID NOT NULL,
    "kioskId" UUID,
    "clientId" UUID NOT NULL,
    "eventDay" DATE NOT NULL,
    "scannedAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CheckOut_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "CheckOut_clientId_key" ON "CheckOut"("clientId");
CREATE INDEX "CheckOut_eventId_eventDay_idx" ON "CheckOut"("eventId", "eventDay");
CREATE INDEX "CheckOut_registrationId_eventDay_idx" ON "CheckOut"("registrationId", "eventDay");

ALTER TABLE "CheckOut" ADD CONSTRAINT "CheckOut_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CheckOut" ADD CONSTRAINT "CheckOut_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CheckOut" ADD CONSTRAINT "CheckOut_kioskId_fkey" FOREIGN KEY ("kioskId") REFERENCES "Kiosk"("id") ON DELETE SET NULL ON UPDATE CASCADE;
