//! Indexes for the two meeting reads that scanned the table: the admin's list of a platform's
//! meetings in start order (`GET /api/admin/meetings`, keyset-paginated on `(starts_at, id)`)
//! and the settlement sweep over meetings whose join window closed (`ends_at`, unsettled
//! statuses only).

crate::sql_migration! {
    up: r#"
        CREATE INDEX meetings_platform_start ON meetings (platform_id, starts_at, id);
        CREATE INDEX meetings_unsettled_end ON meetings (ends_at)
            WHERE status IN ('scheduled', 'live', 'ended');
    "#,
    down: r#"
        DROP INDEX meetings_unsettled_end;
        DROP INDEX meetings_platform_start;
    "#,
}
