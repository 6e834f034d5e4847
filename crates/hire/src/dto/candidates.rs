//! Bodies of candidate merges, duplicate suggestions and the candidate data export.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A candidate in a suggestion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CandidateBrief {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Applications.
    pub applications: i64,
    /// First seen.
    pub created_at: DateTime<Utc>,
}

/// Two candidates whose names are alike (HR decides whether they are one person).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DuplicateSuggestion {
    /// One.
    pub a: CandidateBrief,
    /// The other.
    pub b: CandidateBrief,
    /// Name similarity, 0-1 (1: the same words).
    pub similarity: f64,
}

/// A page of suggestions, by the pair's ids (the older candidate first).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateList {
    /// At most `limit`.
    pub items: Vec<DuplicateSuggestion>,
    /// The next page's cursor; null on the last page (a page may be short and still have one:
    /// each request probes a bounded number of candidates).
    pub next_cursor: Option<String>,
}

/// Merge a candidate into another.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct MergeInput {
    /// The candidate that keeps the applications.
    pub into: Uuid,
}

/// A merge.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MergeView {
    /// Id (undo with `POST /api/admin/candidate-merges/{id}/undo`).
    pub id: Uuid,
    /// The candidate merged away.
    pub source_id: Uuid,
    /// The candidate kept.
    pub target_id: Uuid,
    /// The applications moved.
    pub application_ids: Vec<Uuid>,
    /// Name similarity when merged.
    pub similarity: Option<f64>,
    /// Who.
    pub merged_by: Option<Uuid>,
    /// When.
    pub merged_at: DateTime<Utc>,
    /// Undone.
    pub undone_at: Option<DateTime<Utc>>,
}

/// Everything Mr. Hire keeps about a candidate (their data export).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateExport {
    /// The candidate.
    pub candidate: CandidateBrief,
    /// When erased.
    pub erased_at: Option<DateTime<Utc>>,
    /// Each application with its answers, stage log, consents, screening, interviews,
    /// scorecards, review requests and emails.
    #[schema(value_type = Vec<Object>)]
    pub applications: Vec<serde_json::Value>,
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
}
