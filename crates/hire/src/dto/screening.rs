//! Bodies of AI screening: the rubric, an application's analysis, overrides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::posts::valid_key;

/// One criterion of the screening rubric.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema, PartialEq, Eq)]
pub struct Criterion {
    /// Key: lower-case letters, digits and `_`.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub key: String,
    /// What the model looks for.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// Weight in the 0-100 score, 1-10.
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub weight: i32,
}

/// The platform's screening configuration.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScreeningConfigView {
    /// The rubric.
    pub rubric: Vec<Criterion>,
    /// Its version (bumped on every change; applications are re-screened).
    pub rubric_version: i32,
    /// Whether applications are screened.
    pub enabled: bool,
    /// Last change (none while the default applies).
    pub updated_at: Option<DateTime<Utc>>,
}

/// A new screening configuration (HR/ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ScreeningConfigInput {
    /// The rubric (1-20 criteria, distinct keys).
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub rubric: Vec<Criterion>,
    /// Screen applications (default: unchanged).
    pub enabled: Option<bool>,
}

/// A human's score.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverrideView {
    /// 0-100.
    pub score: i32,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor_id: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A human's score for an application (wins over the AI's, re-screens included).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct OverrideInput {
    /// 0-100.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub score: i32,
    /// Why (recorded in the audit log).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// An application's latest screening and any override.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnalysisView {
    /// The application.
    pub application_id: Uuid,
    /// The AI's 0-100 score.
    pub score: i32,
    /// The score that counts: the override's when there is one.
    pub effective_score: i32,
    /// The model's summary.
    pub summary: String,
    /// Per criterion: `{key, score (0-5), evidence}`.
    #[schema(value_type = Vec<Object>)]
    pub criteria: serde_json::Value,
    /// Strengths.
    #[schema(value_type = Vec<String>)]
    pub strengths: serde_json::Value,
    /// Gaps.
    #[schema(value_type = Vec<String>)]
    pub gaps: serde_json::Value,
    /// The rubric used.
    #[schema(value_type = Vec<Criterion>)]
    pub rubric: serde_json::Value,
    /// Its version.
    pub rubric_version: i32,
    /// The provider that answered.
    pub provider: String,
    /// Its model.
    pub model: String,
    /// The agent's prompt version.
    pub prompt_version: String,
    /// SHA-256 of the exact input the model was given.
    pub input_sha256: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The human override, if any.
    #[serde(rename = "override")]
    pub override_: Option<OverrideView>,
}
