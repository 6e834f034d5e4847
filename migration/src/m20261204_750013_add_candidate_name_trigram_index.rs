//! Mr. Hire (band 75): duplicate-candidate suggestions compare every live candidate, not the
//! latest 1,000 (ADR 0082). `pg_trgm` (contrib, a trusted extension since PostgreSQL 13) and a
//! trigram GIN index over live candidates' names let PostgreSQL find the pairs whose names
//! share enough trigrams (`%`, word order, case and punctuation ignored); the crate keeps its
//! edit-distance score as the final test.

crate::sql_migration! {
    up: r#"
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX candidates_name_trgm ON candidates USING gin (full_name gin_trgm_ops)
            WHERE erased_at IS NULL AND merged_into IS NULL;
        CREATE INDEX candidates_live_id ON candidates (platform_id, id)
            WHERE erased_at IS NULL AND merged_into IS NULL;
    "#,
    down: r#"
        DROP INDEX candidates_live_id;
        DROP INDEX candidates_name_trgm;
        DROP EXTENSION IF EXISTS pg_trgm;
    "#,
}
