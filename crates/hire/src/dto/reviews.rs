//! Bodies of candidates' human-review requests, interview scorecards and stage emails.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// The reason of a human-review request (the candidate's secret is in the path).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ReviewReason {
    /// What the candidate wants a person to look at again.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// A human-review request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewRequestView {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The candidate's words.
    pub reason: String,
    /// Asked.
    pub created_at: DateTime<Utc>,
    /// Resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// By whom.
    pub resolved_by: Option<Uuid>,
    /// What the reviewer decided.
    pub resolution: Option<String>,
}

/// HR's answer to a human-review request.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ResolveReview {
    /// What the reviewer decided and why.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub resolution: String,
}

/// An interviewer's scorecard for a stage: every criterion of the stage's template scored 1-5.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ScorecardInput {
    /// Criterion key -> 1-5 (exactly the stage's criteria).
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, i32>,
    /// `strong_no`, `no`, `yes` or `strong_yes`.
    #[validate(length(min = 1, max = 20))]
    #[schema(pattern = "^(strong_no|no|yes|strong_yes)$")]
    pub recommendation: String,
    /// Notes.
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub notes: String,
}

/// A scorecard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScorecardView {
    /// Id.
    pub id: Uuid,
    /// The stage.
    pub stage: String,
    /// The interviewer.
    pub interviewer_id: Uuid,
    /// Criterion key -> 1-5.
    #[schema(value_type = Object)]
    pub scores: serde_json::Value,
    /// Mean of the scores.
    pub mean: f64,
    /// The recommendation.
    pub recommendation: String,
    /// Notes.
    pub notes: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The scorecards of an application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScorecardList {
    /// By stage, then interviewer.
    pub items: Vec<ScorecardView>,
}

/// A stage email of an application.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StageEmailView {
    /// Id.
    pub id: Uuid,
    /// The template.
    pub template: String,
    /// `queued`, `sent` or `skipped`.
    pub status: String,
    /// Why it was skipped.
    pub skipped_reason: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Sent.
    pub sent_at: Option<DateTime<Utc>>,
}
