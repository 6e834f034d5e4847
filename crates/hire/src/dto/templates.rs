//! Bodies of editable job templates and stage templates (ADR 0082).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use super::posts::valid_key;

fn valid_skills(skills: &[String]) -> Result<(), ValidationError> {
    if skills
        .iter()
        .all(|s| !s.trim().is_empty() && s.chars().count() <= 60)
    {
        Ok(())
    } else {
        let mut e = ValidationError::new("skills");
        e.message = Some("each skill must be 1-60 characters".into());
        Err(e)
    }
}

/// A new job template of the platform (HR/ADMIN).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewJobTemplate {
    /// Job family (picks the stage template; one must exist for it).
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub family: String,
    /// Title, unique among the platform's live templates.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description.
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: String,
    /// Skills (at most 30 of 1-60 characters).
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "valid_skills"))]
    #[schema(max_items = 30)]
    pub skills: Vec<String>,
}

/// A change to a job template of the platform (HR/ADMIN); absent fields stay. Posts made from
/// it keep their copy.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct JobTemplatePatch {
    /// Job family.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub family: Option<String>,
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Skills.
    #[validate(length(max = 30), custom(function = "valid_skills"))]
    #[schema(max_items = 30)]
    pub skills: Option<Vec<String>>,
}

/// Filters of the template list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct JobTemplateQuery {
    /// Include the platform's archived templates (default false).
    pub archived: Option<bool>,
}

/// One scorecard criterion of a stage.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema, PartialEq, Eq)]
pub struct CriterionInput {
    /// Key: lower-case letters, digits and `_`.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub key: String,
    /// What the interviewer judges.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub description: String,
}

/// The platform's template of a job family (HR/ADMIN): the next version replaces the current
/// one for new posts; posts already made keep theirs.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct StageTemplateInput {
    /// Stage names in order (1-20, distinct, lower-case letters, digits and `_`, starting with
    /// a letter; not `rejected` or `withdrawn`, which every post has). New applications enter
    /// the first.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub stages: Vec<String>,
    /// The email sent when an application enters a stage: stage (one of `stages`, `rejected`
    /// or `withdrawn`) -> `interview_invitation`, `offer_extended`, `application_rejected` or
    /// `stage_update`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub stage_emails: BTreeMap<String, String>,
    /// A stage's scorecard criteria (stage -> 1-20 criteria with distinct keys).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub scorecards: BTreeMap<String, Vec<CriterionInput>>,
}

/// A stage template version.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StageTemplateView {
    /// Id (a post records the version it was made under).
    pub id: Uuid,
    /// Job family.
    pub family: String,
    /// Seeded suite-wide rather than the platform's own.
    pub seeded: bool,
    /// Version.
    pub version: i32,
    /// Stages in order.
    pub stages: Vec<String>,
    /// Stage -> email template.
    #[schema(value_type = Object)]
    pub stage_emails: serde_json::Value,
    /// Stage -> scorecard criteria.
    #[schema(value_type = Object)]
    pub scorecards: serde_json::Value,
    /// Made.
    pub created_at: DateTime<Utc>,
}

/// The stage templates in use for the platform's families.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageTemplateList {
    /// One per family: the platform's own over the seeded one.
    pub items: Vec<StageTemplateView>,
}
