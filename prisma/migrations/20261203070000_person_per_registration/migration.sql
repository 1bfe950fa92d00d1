-- Each registration owns its own Person row (docs/decisions/0007-person-belongs-to-registration.md).
-- A Person shared by N > 1 registrations stays with the oldest of them; each of the others gets
-- an exact copy (same data, same crmContactId, same timestamps) and is re-pointed to it. Nothing
-- is deleted. Then one registration per person is enforced.

CREATE TEMPORARY TABLE "_person_split" AS
SELECT r."id" AS "registrationId", r."personId", gen_random_uuid() AS "newPersonId"
FROM (
    SELECT "id", "personId", row_number() OVER (PARTITION BY "personId" ORDER BY "createdAt", "id") AS n
    FROM "Registration"
) r
WHERE r.n > 1;

INSERT INTO "Person" ("id", "lastName", "firstName", "middleName", "position", "email", "phone", "locale",
                      "organizationId", "crmContactId", "createdAt", "updatedAt")
SELECT s."newPersonId", p."lastName", p."firstName", p."middleName", p."position", p."email", p."phone", p."locale",
       p."organizationId", p."crmContactId", p."createdAt", p."updatedAt"
FROM "_person_split" s JOIN "Person" p ON p."id" = s."personId";

UPDATE "Registration" r SET "personId" = s."newPersonId"
FROM "_person_split" s WHERE r."id" = s."registrationId";

DROP TABLE "_person_split";

-- DropIndex
DROP INDEX "Registration_eventId_personId_key";

-- CreateIndex
CREATE UNIQUE INDEX "Registration_personId_key" ON "Registration"("personId");
