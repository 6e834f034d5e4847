-- Experiment (REPLAY_VARIANTS in bench/mentorship.sh), not a change: commits return before
-- their WAL is flushed. A booking moves money, so the gateway keeps synchronous commit; this
-- says what the flush costs.
DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database());
END $$;
