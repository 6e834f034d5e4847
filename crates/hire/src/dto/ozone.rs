//! Bodies of Miss Ozone: call configurations and calls.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

fn default_cap() -> i32 {
    2
}
fn default_attempts() -> i32 {
    3
}
fn default_backoff() -> i32 {
    900
}
fn default_true() -> bool {
    true
}

/// A new call configuration (ADMIN).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct OzoneConfigInput {
    /// Name, unique per platform.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The ElevenLabs conversational agent that calls.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub agent_id: String,
    /// What the call is for (the agent gets it as `purpose`).
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub purpose: String,
    /// Dials per person per IST day across configurations, 1-10 (default 2).
    #[serde(default = "default_cap")]
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub daily_cap_per_person: i32,
    /// Dials of one call before it fails, 1-10 (default 3).
    #[serde(default = "default_attempts")]
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub max_attempts: i32,
    /// First retry delay in seconds, 60-86400 (default 900); doubles with each attempt.
    #[serde(default = "default_backoff")]
    #[validate(range(min = 60, max = 86400))]
    #[schema(minimum = 60, maximum = 86400)]
    pub retry_backoff_secs: i32,
    /// Whether new calls may use it (default true).
    #[serde(default = "default_true")]
    pub active: bool,
}

/// A change to a call configuration (ADMIN); absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct OzoneConfigPatch {
    /// Name.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// Agent.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub agent_id: Option<String>,
    /// Purpose.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub purpose: Option<String>,
    /// 1-10.
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub daily_cap_per_person: Option<i32>,
    /// 1-10.
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub max_attempts: Option<i32>,
    /// 60-86400.
    #[validate(range(min = 60, max = 86400))]
    #[schema(minimum = 60, maximum = 86400)]
    pub retry_backoff_secs: Option<i32>,
    /// Active.
    pub active: Option<bool>,
}

/// A call configuration.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OzoneConfigView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The ElevenLabs agent.
    pub agent_id: String,
    /// What the call is for.
    pub purpose: String,
    /// Dials per person per IST day.
    pub daily_cap_per_person: i32,
    /// Dials of one call before it fails.
    pub max_attempts: i32,
    /// First retry delay (seconds).
    pub retry_backoff_secs: i32,
    /// Whether new calls may use it.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The platform's call configurations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OzoneConfigList {
    /// By name.
    pub items: Vec<OzoneConfigView>,
}

/// A call to queue (ADMIN).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewOzoneCall {
    /// An active configuration of the platform.
    pub config_id: Uuid,
    /// The student to call (a user of the platform with a phone number).
    pub user_id: Uuid,
    /// When to call (default now; at most 30 days ahead).
    pub at: Option<DateTime<Utc>>,
}

/// A call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OzoneCallView {
    /// Id.
    pub id: Uuid,
    /// The configuration.
    pub config_id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// `queued`, `dialling`, `dispatched`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// Dials so far.
    pub attempts: i32,
    /// When a queued call is due.
    pub next_attempt_at: DateTime<Utc>,
    /// The latest dial's ElevenLabs conversation.
    pub conversation_id: Option<String>,
    /// The transcript (until pruned).
    #[schema(value_type = Option<Vec<Object>>)]
    pub transcript: Option<serde_json::Value>,
    /// ElevenLabs' analysis (until pruned).
    #[schema(value_type = Option<Object>)]
    pub evaluation: Option<serde_json::Value>,
    /// Why the last dial failed or was put off.
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Reached ElevenLabs.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// Completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// `webhook` or `sync`.
    pub completed_via: Option<String>,
    /// When the transcript was pruned.
    pub pruned_at: Option<DateTime<Utc>>,
    /// The call's length in seconds, once completed.
    pub duration_secs: Option<i32>,
}

/// Filters of the call list, with its page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct OzoneCallQuery {
    /// Only calls in this status.
    #[validate(length(min = 1, max = 20))]
    #[param(
        min_length = 1,
        max_length = 20,
        pattern = "^(queued|dialling|dispatched|completed|failed|cancelled)$"
    )]
    pub status: Option<String>,
    /// Only calls to this student.
    pub user_id: Option<Uuid>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048, pattern = "^([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

/// A page of calls, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OzoneCallList {
    /// The calls.
    pub items: Vec<OzoneCallView>,
    /// The next page's cursor.
    pub next_cursor: Option<String>,
}

/// One of the caller's own Miss Ozone calls.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyOzoneCall {
    /// Id.
    pub id: Uuid,
    /// `queued`, `dialling`, `dispatched`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// When the call is (or was last) due.
    pub scheduled_at: DateTime<Utc>,
    /// When Miss Ozone last dialled.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// When the call ended.
    pub completed_at: Option<DateTime<Utc>>,
    /// The call's length in seconds, once completed.
    pub duration_secs: Option<i32>,
    /// ElevenLabs' summary of the conversation, when there is one (until pruned).
    pub summary: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
}

/// The page of the caller's own calls.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct MyOzoneCallQuery {
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048, pattern = "^([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

/// A page of the caller's own calls, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyOzoneCallList {
    /// The calls.
    pub items: Vec<MyOzoneCall>,
    /// The next page's cursor.
    pub next_cursor: Option<String>,
}
