//! `/api/graphy/*` and `/api/ezexam/*` sync config bodies (the API key is write-only: no
//! response carries it, `Debug` does not print it). Runs and the proxies: `sync_runs`.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::{entities::sync_configs::SyncConfigRow, sync::SyncKind};

fn http_url(url: &str) -> Result<(), ValidationError> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() > "http://".len()
        && !url.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("url").with_message("must be an http(s) URL".into()))
    }
}

/// Whether `id` is an outside id we accept: 1-64 of `[A-Za-z0-9_-]`.
pub fn valid_outside_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn outside_ids(ids: &[String]) -> Result<(), ValidationError> {
    if ids.len() <= 100 && ids.iter().all(|id| valid_outside_id(id)) {
        Ok(())
    } else {
        Err(ValidationError::new("ids")
            .with_message("at most 100 ids of 1-64 letters, digits, `-` or `_`".into()))
    }
}

/// Which outside records a config syncs (empty: all). Graphy configs take `course_ids`,
/// EzExam configs `exam_ids`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncFilters {
    /// Graphy course ids (at most 100, each 1-64 of `[A-Za-z0-9_-]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[validate(custom(function = "outside_ids"))]
    #[schema(max_items = 100)]
    pub course_ids: Vec<String>,
    /// EzExam exam ids (at most 100, each 1-64 of `[A-Za-z0-9_-]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[validate(custom(function = "outside_ids"))]
    #[schema(max_items = 100)]
    pub exam_ids: Vec<String>,
}

/// A new sync config.
#[derive(Deserialize, Validate, ToSchema)]
pub struct CreateSyncConfig {
    /// Unique name on the platform, 1-100 characters.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The outside API's key, 8-500 characters (stored sealed, never returned).
    #[validate(length(min = 8, max = 500))]
    #[schema(min_length = 8, max_length = 500, format = Password)]
    pub api_key: String,
    /// Seconds between runs: at least `SYNC_MIN_INTERVAL_SECS` (default 300), at most 604800.
    #[validate(range(min = 1, max = 604_800))]
    #[schema(minimum = 1, maximum = 604_800)]
    pub interval_seconds: i32,
    /// Base URL override (http(s), at most 500 characters); default `GRAPHY_BASE_URL` /
    /// `EZEXAM_BASE_URL`.
    #[validate(length(max = 500), custom(function = "http_url"))]
    #[schema(max_length = 500)]
    pub base_url: Option<String>,
    /// Filters.
    #[validate(nested)]
    pub filters: Option<SyncFilters>,
    /// Whether the schedule runs (default true).
    pub enabled: Option<bool>,
    /// Graphy only: WhatsApp progress nudges after each successful run (needs
    /// `reminder_template`).
    pub reminders_enabled: Option<bool>,
    /// Graphy only: the approved WhatsApp template of the nudge, 1-512 characters.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub reminder_template: Option<String>,
    /// Graphy only: the template's language (2-15 characters, default `en`).
    #[validate(length(min = 2, max = 15))]
    #[schema(min_length = 2, max_length = 15)]
    pub reminder_language: Option<String>,
    /// Graphy only: hours without activity after which progress is stale, 1-8760 (default 72).
    #[validate(range(min = 1, max = 8760))]
    #[schema(minimum = 1, maximum = 8760)]
    pub reminder_stale_hours: Option<i32>,
}

/// Changes to a sync config (absent fields stay); `api_key` rotates the key.
#[derive(Deserialize, Validate, ToSchema)]
pub struct UpdateSyncConfig {
    /// New name, 1-100 characters.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// New key, 8-500 characters (stored sealed, never returned).
    #[validate(length(min = 8, max = 500))]
    #[schema(min_length = 8, max_length = 500, format = Password)]
    pub api_key: Option<String>,
    /// Seconds between runs (see create).
    #[validate(range(min = 1, max = 604_800))]
    #[schema(minimum = 1, maximum = 604_800)]
    pub interval_seconds: Option<i32>,
    /// Base URL override; `""` removes it.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub base_url: Option<String>,
    /// Filters (replaced as a whole).
    #[validate(nested)]
    pub filters: Option<SyncFilters>,
    /// Whether the schedule runs.
    pub enabled: Option<bool>,
    /// Graphy only: nudges on or off.
    pub reminders_enabled: Option<bool>,
    /// Graphy only: the nudge's template, 1-512 characters.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub reminder_template: Option<String>,
    /// Graphy only: the template's language, 2-15 characters.
    #[validate(length(min = 2, max = 15))]
    #[schema(min_length = 2, max_length = 15)]
    pub reminder_language: Option<String>,
    /// Graphy only: stale after this many hours, 1-8760.
    #[validate(range(min = 1, max = 8760))]
    #[schema(minimum = 1, maximum = 8760)]
    pub reminder_stale_hours: Option<i32>,
}

impl std::fmt::Debug for CreateSyncConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateSyncConfig")
            .field("name", &self.name)
            .field("api_key", &"[redacted]")
            .field("interval_seconds", &self.interval_seconds)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UpdateSyncConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateSyncConfig")
            .field("name", &self.name)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("interval_seconds", &self.interval_seconds)
            .finish_non_exhaustive()
    }
}

/// A key from a request body, trimmed.
pub fn secret(value: &str) -> SecretString {
    SecretString::from(value.trim().to_owned())
}

/// A sync config as the admin sees it (never the key).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncConfigDto {
    /// Id.
    pub id: Uuid,
    /// Graphy or EzExam.
    pub kind: SyncKind,
    /// Name.
    pub name: String,
    /// Base URL override.
    pub base_url: Option<String>,
    /// Always true: a key is stored (it is never returned).
    pub api_key_set: bool,
    /// Seconds between runs.
    pub interval_seconds: i32,
    /// Filters.
    pub filters: SyncFilters,
    /// Whether the schedule runs.
    pub enabled: bool,
    /// Graphy: nudges on.
    pub reminders_enabled: bool,
    /// Graphy: the nudge's template.
    pub reminder_template: Option<String>,
    /// Graphy: the template's language.
    pub reminder_language: String,
    /// Graphy: stale after this many hours.
    pub reminder_stale_hours: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl SyncConfigDto {
    /// The row as the admin sees it.
    pub fn new(kind: SyncKind, row: SyncConfigRow) -> Self {
        Self {
            id: row.id,
            kind,
            name: row.name,
            base_url: row.base_url,
            api_key_set: true,
            interval_seconds: row.interval_seconds,
            filters: serde_json::from_value(row.filters).unwrap_or_default(),
            enabled: row.enabled,
            reminders_enabled: row.reminders_enabled,
            reminder_template: row.reminder_template,
            reminder_language: row.reminder_language,
            reminder_stale_hours: row.reminder_stale_hours,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
