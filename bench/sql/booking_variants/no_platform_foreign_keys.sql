-- Experiment (REPLAY_VARIANTS in bench/mentorship.sh), not a change: only the foreign keys to
-- `platforms` dropped. Every booking share-locks its platform's one row five times; this says
-- whether concurrent bookings contend on it.
ALTER TABLE mentor_slots DROP CONSTRAINT mentor_slots_platform_id_fkey;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_platform_id_fkey;
ALTER TABLE ledger_holds DROP CONSTRAINT ledger_holds_platform_id_fkey;
ALTER TABLE ledger_transfers DROP CONSTRAINT ledger_transfers_platform_id_fkey;
ALTER TABLE bookings DROP CONSTRAINT bookings_platform_id_fkey;
ALTER TABLE meetings DROP CONSTRAINT meetings_platform_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_platform_id_fkey;
