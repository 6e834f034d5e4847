//! Meetings carry a plan version: every delayed notice (reminders, the completion link) is
//! planned for one version, and a reschedule or cancellation bumps it, so notices planned
//! before are no-ops when they run (checked at send time, on any replica).

crate::sql_migration! {
    up: r#"
        ALTER TABLE meetings ADD COLUMN plan_version integer NOT NULL DEFAULT 1 CHECK (plan_version > 0);
        CREATE INDEX meeting_logs_kind ON meeting_logs (meeting_id, kind);
    "#,
    down: r#"
        DROP INDEX meeting_logs_kind;
        ALTER TABLE meetings DROP COLUMN plan_version;
    "#,
}
