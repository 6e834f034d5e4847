//! Mr. Hire (band 75): a Miss Ozone call keeps its length (`duration_secs`, from ElevenLabs'
//! `metadata.call_duration_secs` when the call completes) for the student's own list
//! (`GET /api/miss-ozone/my-calls`), which reads by person through `ozone_calls_person`.

crate::sql_migration! {
    up: r#"
        ALTER TABLE ozone_calls ADD COLUMN duration_secs integer CHECK (duration_secs BETWEEN 0 AND 86400);
        CREATE INDEX ozone_calls_person ON ozone_calls (platform_id, user_id, created_at DESC, id DESC);
    "#,
    down: r#"
        DROP INDEX ozone_calls_person;
        ALTER TABLE ozone_calls DROP COLUMN duration_secs;
    "#,
}
