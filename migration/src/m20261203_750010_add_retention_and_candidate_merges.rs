//! Mr. Hire (band 75): voice-interview recordings on a shorter retention
//! (`voice_interviews.recording_pruned_at`), talent-pool consent expiry acted on
//! (`application_consents.talent_pool_expired_at`), and candidate merges with undo
//! (`candidates.merged_into`, `candidate_merges`: which applications moved, so an undo moves
//! exactly those back).

crate::sql_migration! {
    up: r#"
        ALTER TABLE voice_interviews ADD COLUMN recording_pruned_at timestamptz;
        CREATE INDEX voice_interviews_recordings ON voice_interviews (completed_at) WHERE recording_key IS NOT NULL;
        ALTER TABLE application_consents ADD COLUMN talent_pool_expired_at timestamptz;
        CREATE INDEX application_consents_pool ON application_consents (talent_pool_until)
            WHERE talent_pool_until IS NOT NULL AND talent_pool_expired_at IS NULL;
        ALTER TABLE candidates ADD COLUMN merged_into uuid REFERENCES candidates (id);
        CREATE TABLE candidate_merges (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            source_id        uuid NOT NULL REFERENCES candidates (id),
            target_id        uuid NOT NULL REFERENCES candidates (id),
            application_ids  jsonb NOT NULL CHECK (jsonb_typeof(application_ids) = 'array'),
            similarity       double precision CHECK (similarity BETWEEN 0 AND 1),
            merged_by        uuid REFERENCES users (id) ON DELETE SET NULL,
            merged_at        timestamptz NOT NULL DEFAULT now(),
            undone_at        timestamptz,
            undone_by        uuid REFERENCES users (id) ON DELETE SET NULL,
            CHECK (source_id <> target_id)
        );
        CREATE UNIQUE INDEX candidate_merges_live ON candidate_merges (source_id) WHERE undone_at IS NULL;
        CREATE INDEX candidate_merges_platform ON candidate_merges (platform_id, merged_at DESC);
    "#,
    down: r#"
        DROP TABLE candidate_merges;
        ALTER TABLE candidates DROP COLUMN merged_into;
        DROP INDEX application_consents_pool;
        ALTER TABLE application_consents DROP COLUMN talent_pool_expired_at;
        DROP INDEX voice_interviews_recordings;
        ALTER TABLE voice_interviews DROP COLUMN recording_pruned_at;
    "#,
}
