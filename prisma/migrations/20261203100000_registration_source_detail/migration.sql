-- Where a registration came from (issue #14). `source` stays the kind of way in
-- (site | api | cabinet | import | kiosk | manager | invitation); these add the detail:
-- UTM tags and referrer from the public forms, the API token's or campaign's name, a manager's
-- own label that overrides the rest in reports, and the invitation a person answered.
ALTER TABLE "Registration"
    ADD COLUMN "sourceDetail" TEXT,
    ADD COLUMN "utmSource" TEXT,
    ADD COLUMN "utmMedium" TEXT,
    ADD COLUMN "utmCampaign" TEXT,
    ADD COLUMN "utmContent" TEXT,
    ADD COLUMN "utmTerm" TEXT,
    ADD COLUMN "referrer" TEXT,
    ADD COLUMN "manualSource" TEXT,
    ADD COLUMN "invitationId" UUID;

CREATE INDEX "Registration_eventId_source_idx" ON "Registration" ("eventId", "source");
CREATE INDEX "Registration_invitationId_idx" ON "Registration" ("invitationId");
