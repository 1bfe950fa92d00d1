-- UTM tags and referrer of the public stand booking form (issue #14 item 1).
ALTER TABLE "StandBooking"
    ADD COLUMN "utmSource" TEXT,
    ADD COLUMN "utmMedium" TEXT,
    ADD COLUMN "utmCampaign" TEXT,
    ADD COLUMN "utmContent" TEXT,
    ADD COLUMN "utmTerm" TEXT,
    ADD COLUMN "referrer" TEXT;
