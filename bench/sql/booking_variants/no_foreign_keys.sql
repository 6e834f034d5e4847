-- Experiment (REPLAY_VARIANTS in bench/mentorship.sh), not a change: every foreign key of the
-- tables a booking writes dropped, so no insert checks (and share-locks) its parent rows. Says
-- what referential integrity costs a booking.
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
            WHERE contype = 'f' AND conrelid::regclass::text IN
              ('bookings', 'meetings', 'ledger_holds', 'ledger_transfers', 'outbox',
               'mentor_slots', 'ledger_accounts')
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
END $$;
