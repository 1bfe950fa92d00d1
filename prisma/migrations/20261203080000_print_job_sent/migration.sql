-- Browser printers (issue #12): fetching the badge no longer means printed. A job the kiosk has
-- fetched is `sent` (to the kiosk's browser) until the kiosk reports it printed (done) or failed.
ALTER TYPE "PrintJobStatus" ADD VALUE IF NOT EXISTS 'sent' AFTER 'printing';
