//! Bodies of job posts and templates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::entities::PostStatus;

/// A screening question of a post, answered in the apply form's `answers` by its `id`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema, PartialEq, Eq)]
pub struct ScreeningQuestion {
    /// Key of the answer: lower-case letters, digits and `_`.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub id: String,
    /// The question.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub question: String,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: bool,
}

/// A new job post (HR/ADMIN). `status: "open"` publishes it at once; the default is a draft.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewJobPost {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description (plain text or Markdown).
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: String,
    /// Where the job is.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub location: String,
    /// Remote work possible.
    pub remote: bool,
    /// Skills looked for (1-30 of 1-60 characters each).
    #[validate(length(max = 30), custom(function = "valid_skills"))]
    #[schema(max_items = 30)]
    pub skills: Vec<String>,
    /// Lowest salary offered, paise per year.
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000i64)]
    pub salary_min_paise: Option<i64>,
    /// Highest salary offered, paise per year (at least `salary_min_paise`).
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000i64)]
    pub salary_max_paise: Option<i64>,
    /// `draft` (default), `open` or `closed`.
    pub status: Option<PostStatus>,
    /// Job family: picks the stage template (default `general`, or the template's).
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub family: Option<String>,
    /// A job template of this platform or a seeded one (gives the family).
    pub template_id: Option<Uuid>,
    /// Screening questions (at most 20, distinct ids).
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub screening_questions: Vec<ScreeningQuestion>,
}

/// Changes to a job post (HR/ADMIN); absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct JobPostUpdate {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// `draft`, `open` or `closed` (an open or closed post cannot go back to draft).
    pub status: Option<PostStatus>,
}

/// A job post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobPostDto {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Where.
    pub location: String,
    /// Remote work possible.
    pub remote: bool,
    /// Skills.
    pub skills: Vec<String>,
    /// Lowest salary, paise per year.
    pub salary_min_paise: Option<i64>,
    /// Highest salary, paise per year.
    pub salary_max_paise: Option<i64>,
    /// Screening questions.
    pub screening_questions: Vec<ScreeningQuestion>,
    /// Job family.
    pub family: String,
    /// The pipeline's stages in order (`rejected` and `withdrawn` are always possible too).
    pub stages: Vec<String>,
    /// Draft, open or closed.
    pub status: PostStatus,
    /// When it was opened.
    pub published_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The job template it was made from.
    pub template_id: Option<Uuid>,
    /// That template's version at the time (later edits do not change the post).
    pub template_version: Option<i32>,
}

/// A job template.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobTemplateDto {
    /// Id.
    pub id: Uuid,
    /// Job family.
    pub family: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Skills.
    pub skills: Vec<String>,
    /// The family's stages.
    pub stages: Vec<String>,
    /// Seeded suite-wide (read-only) rather than the platform's own.
    pub seeded: bool,
    /// Bumped by every change (posts record the version they were made from).
    pub version: i32,
    /// When it was archived (no longer offered for new posts).
    pub archived_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Job templates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobTemplateList {
    /// The templates.
    pub items: Vec<JobTemplateDto>,
}

/// A page of job posts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobPostList {
    /// The posts of this page.
    pub items: Vec<JobPostDto>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Lower-case letters, digits and `_`.
pub fn valid_key(value: &str) -> Result<(), ValidationError> {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(())
    } else {
        let mut e = ValidationError::new("key");
        e.message = Some("must be lower-case letters, digits and '_'".into());
        Err(e)
    }
}

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
