//! `/api/graphy/*` and `/api/ezexam/*` bodies: sync configs (the API key is write-only: no
//! response carries it, `Debug` does not print it), runs, and the proxies' queries.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::{
    entities::{
        sync_configs::SyncConfigRow,
        sync_runs::{self, RunStatus, RunTrigger},
    },
    sync::SyncKind,
};

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

fn outside_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn outside_ids(ids: &[String]) -> Result<(), ValidationError> {
    if ids.len() <= 100 && ids.iter().all(|id| outside_id(id)) {
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

macro_rules! redacted_debug {
    ($t:ty, $($f:ident),*) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t))
                    $(.field(stringify!($f), &self.$f))*
                    .field("api_key", &"[redacted]")
                    .finish_non_exhaustive()
            }
        }
    };
}
redacted_debug!(CreateSyncConfig, name, interval_seconds, enabled);
redacted_debug!(UpdateSyncConfig, name, interval_seconds, enabled);

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

/// One run of a config.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncRunDto {
    /// Id.
    pub id: Uuid,
    /// The config.
    pub config_id: Uuid,
    /// What started it.
    pub trigger: RunTrigger,
    /// The job's attempt.
    pub attempt: i32,
    /// How it ended.
    pub status: RunStatus,
    /// Pages read.
    pub pages: i32,
    /// Rows inserted or changed.
    pub upserted: i32,
    /// Rows already up to date.
    pub unchanged: i32,
    /// `[{message, at}]`.
    #[schema(value_type = Vec<Object>)]
    pub errors: Value,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Length in milliseconds.
    pub duration_ms: Option<i64>,
}

impl From<sync_runs::Model> for SyncRunDto {
    fn from(m: sync_runs::Model) -> Self {
        Self {
            id: m.id,
            config_id: m.config_id,
            trigger: m.trigger,
            attempt: m.attempt,
            status: m.status,
            pages: m.pages,
            upserted: m.upserted,
            unchanged: m.unchanged,
            errors: m.errors,
            started_at: m.started_at,
            finished_at: m.finished_at,
            duration_ms: m.duration_ms,
        }
    }
}

/// `GET …/runs`: the newest runs first.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// How many, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// A run was queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunQueued {
    /// The config.
    pub config_id: Uuid,
    /// Always true: the job follows the commit.
    pub queued: bool,
}

/// A proxied listing: which config's key, which page.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProxyQuery {
    /// The sync config whose key and base URL are used.
    pub config_id: Uuid,
    /// Page, 1-10000 (default 1).
    #[validate(range(min = 1, max = 10_000))]
    #[param(minimum = 1, maximum = 10_000)]
    pub page: Option<u32>,
    /// Items per page, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Text search (Graphy learners only), at most 100 characters.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub search: Option<String>,
}

/// The outside API's page, passed through (`{data, page, per_page, has_more}`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProxyPage {
    /// Items as the outside API gave them.
    #[schema(value_type = Vec<Object>)]
    pub data: Vec<Value>,
    /// Page.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Whether another page follows.
    pub has_more: bool,
}

/// Validates an outside id in a path (`exam_id`).
pub fn valid_outside_id(id: &str) -> bool {
    outside_id(id)
}
