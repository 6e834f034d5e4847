//! Sync runs (`GET …/sync-configs/{id}/runs`, `POST …/run`) and the admin proxies' query
//! and page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::sync_runs::{self, RunStatus, RunTrigger};

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
#[schema(as = SyncRunQueued)]
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
