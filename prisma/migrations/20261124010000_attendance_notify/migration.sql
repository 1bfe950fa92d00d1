-- Live attendance dashboard (issue #6): every change to who has checked in, or to who is
-- expected, tells the app instances which event changed. Each instance LISTENs on one
-- connection and recomputes the figures for its open dashboards. NOTIFY is delivered at commit
-- and PostgreSQL folds identical notifications of one transaction, so a batch of 500 check-ins
-- of one event is one message.

CREATE FUNCTION "expodesk_attendance_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('expodesk_attendance', OLD."eventId"::text);
    ELSE
        PERFORM pg_notify('expodesk_attendance', NEW."eventId"::text);
        IF TG_OP = 'UPDATE' AND OLD."eventId" <> NEW."eventId" THEN
            PERFORM pg_notify('expodesk_attendance', OLD."eventId"::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- CheckIn: inserts and deletes; updates too (an offline scan that is older replaces the stored time).
CREATE TRIGGER "CheckIn_attendance_notify" AFTER INSERT OR DELETE OR UPDATE ON "CheckIn"
    FOR EACH ROW EXECUTE FUNCTION "expodesk_attendance_notify"();

-- Registration: the plan side (confirmed registrations by category and exhibitor).
CREATE TRIGGER "Registration_attendance_notify" AFTER INSERT OR DELETE OR UPDATE OF "status", "category", "exhibitorId", "eventId" ON "Registration"
    FOR EACH ROW EXECUTE FUNCTION "expodesk_attendance_notify"();
