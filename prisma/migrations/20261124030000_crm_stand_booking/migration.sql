-- Stand-booking requests sync to Bitrix24 as a company, a contact and a deal (issue #4).
ALTER TYPE "CrmEntity" ADD VALUE IF NOT EXISTS 'standBooking';

ALTER TABLE "StandBooking" ADD COLUMN "crmCompanyId" INTEGER, ADD COLUMN "crmContactId" INTEGER;
