-- The event's change log pages through its entries newest first (issue #13 item 2).
CREATE INDEX "AuditLog_eventId_at_idx" ON "AuditLog" ("eventId", "at");
