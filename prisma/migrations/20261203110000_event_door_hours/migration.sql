-- Opening hours of each event day (venue-local "HH:MM"); the kiosk warns about scans outside them.
ALTER TABLE "Event" ADD COLUMN "doorsOpen" TEXT,
ADD COLUMN "doorsClose" TEXT;
