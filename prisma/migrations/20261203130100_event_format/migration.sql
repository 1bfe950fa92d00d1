-- What kind of event it is: the events calendar colours by it (issue #14 item 4).
CREATE TYPE "EventFormat" AS ENUM ('exhibition', 'conference', 'forum', 'seminar', 'other');
ALTER TABLE "Event" ADD COLUMN "format" "EventFormat" NOT NULL DEFAULT 'exhibition';
