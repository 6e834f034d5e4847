//! `mrlearn_sync_configs` and `mrtest_sync_configs`: one row shape for both (the Mr. Test
//! table has no reminder columns; its rows read them as off). Read with plain SQL whose table
//! name comes from [`crate::sync::SyncKind::config_table`], a closed set.

use sea_orm::{FromQueryResult, entity::prelude::*};

/// One sync config.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct SyncConfigRow {
    /// Id.
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Unique name on the platform.
    pub name: String,
    /// Base URL override (else `GRAPHY_BASE_URL` / `EZEXAM_BASE_URL`).
    pub base_url: Option<String>,
    /// The outside API's key, sealed (`v1:<hex>`), bound to platform and config id.
    pub api_key_sealed: String,
    /// Seconds between scheduled runs.
    pub interval_seconds: i32,
    /// Filters (`course_ids` / `exam_ids`).
    pub filters: Json,
    /// Whether the schedule runs.
    pub enabled: bool,
    /// Mr. Learn: WhatsApp nudges after each successful run.
    pub reminders_enabled: bool,
    /// Mr. Learn: the nudge's approved WhatsApp template.
    pub reminder_template: Option<String>,
    /// Mr. Learn: the template's language.
    pub reminder_language: String,
    /// Mr. Learn: progress untouched this long is stale.
    pub reminder_stale_hours: i32,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// The select list of a config table (the Mr. Test table fills the reminder columns).
pub fn columns(kind: crate::sync::SyncKind) -> &'static str {
    match kind {
        crate::sync::SyncKind::Mrlearn => {
            "id, platform_id, name, base_url, api_key_sealed, interval_seconds, filters, enabled, \
             reminders_enabled, reminder_template, reminder_language, reminder_stale_hours, \
             created_at, updated_at"
        }
        crate::sync::SyncKind::Mrtest => {
            "id, platform_id, name, base_url, api_key_sealed, interval_seconds, filters, enabled, \
             false AS reminders_enabled, NULL::text AS reminder_template, \
             'en'::text AS reminder_language, 0 AS reminder_stale_hours, created_at, updated_at"
        }
    }
}
