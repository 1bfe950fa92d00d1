-- Kiosk pairing codes and walk-in registrations at the kiosk (issue #6).

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
