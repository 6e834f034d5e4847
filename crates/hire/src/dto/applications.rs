//! Bodies of applications and the HR pipeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::posts::valid_key;

/// The apply form (`multipart/form-data`; documentation of its parts).
#[derive(Debug, ToSchema)]
#[schema(max_properties = 8)]
pub struct ApplyForm {
    /// The candidate's name (1-200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Email (the duplicate key with the post).
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// Phone (6-15 digits, optional leading `+`; spaces and dashes ignored).
    #[schema(min_length = 6, max_length = 32)]
    pub phone: String,
    /// Answers to the post's screening questions: a JSON object `{question_id: text}`.
    #[schema(max_length = 65536)]
    pub answers: Option<String>,
    /// Optional self-identified group (1-60 characters) for the adverse-impact report only:
    /// stored apart from the application and never shown to screening.
    #[schema(min_length = 1, max_length = 60)]
    pub self_identified_group: Option<String>,
    /// `false` keeps AI away from this application (people screen it); default `true`.
    pub consent_ai_screening: Option<bool>,
    /// Months (0-24, default 0) the candidate's application may stay in the talent pool.
    #[schema(minimum = 0, maximum = 24)]
    pub talent_pool_months: Option<u32>,
    /// Skills for the talent pool, comma-separated (at most 20, each 1-40 characters).
    #[schema(max_length = 1024)]
    pub skills: Option<String>,
    /// Years of experience (0-60).
    #[schema(minimum = 0, maximum = 60)]
    pub experience_years: Option<u32>,
    /// Where the candidate is (1-100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub location: Option<String>,
    /// The resume: a PDF or DOCX file, checked by its content (at most `HIRE_RESUME_MAX_BYTES`).
    #[schema(value_type = String, format = Binary)]
    pub resume: Vec<u8>,
}

/// What a candidate gets back after applying.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationReceived {
    /// The application.
    pub id: Uuid,
    /// The job post.
    pub post_id: Uuid,
    /// Its first stage.
    pub stage: String,
    /// Whether AI screens the resume (the candidate's choice).
    pub ai_screening: bool,
    /// What the candidate is told about AI screening.
    pub ai_notice: String,
    /// Until when the application may stay in the talent pool (none: not at all).
    pub talent_pool_until: Option<DateTime<Utc>>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The candidate's secret for a human-review request (`POST /api/human-review/{token}`),
    /// shown once.
    pub review_token: String,
}

/// Filters of the pipeline list, with its page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct PipelineQuery {
    /// Only applications in this stage.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[param(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub stage: Option<String>,
    /// Only applications to this post.
    pub post_id: Option<Uuid>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048, pattern = "^([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

/// When an application entered a stage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct StageStamp {
    /// The stage.
    pub stage: String,
    /// Entered.
    pub entered_at: DateTime<Utc>,
}

/// One row of the pipeline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PipelineItem {
    /// The application.
    pub id: Uuid,
    /// The job post.
    pub post_id: Uuid,
    /// Its title.
    pub post_title: String,
    /// The candidate (the same across jobs).
    pub candidate_id: Uuid,
    /// Name.
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Current stage.
    pub stage: String,
    /// When it entered the current stage.
    pub stage_changed_at: DateTime<Utc>,
    /// Seconds in the current stage so far.
    pub seconds_in_stage: i64,
    /// Every stage entered, in order (from the stage log).
    pub stage_history: Vec<StageStamp>,
    /// The AI screening score (0-100), once scored.
    pub ai_score: Option<i32>,
    /// When the candidate asked for a human review still open (none: no open request).
    pub human_review_requested_at: Option<DateTime<Utc>>,
    /// Applied.
    pub created_at: DateTime<Utc>,
}

/// A page of the pipeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PipelineList {
    /// The applications of this page, newest first.
    pub items: Vec<PipelineItem>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One entry of the stage log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StageEvent {
    /// Id.
    pub id: Uuid,
    /// Stage left (none for the application itself).
    pub from_stage: Option<String>,
    /// Stage entered.
    pub to_stage: String,
    /// Why.
    pub reason: Option<String>,
    /// Who (none for the candidate).
    pub actor_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Total time spent in a stage (from the log; a stage entered twice adds up).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct TimeInStage {
    /// The stage.
    pub stage: String,
    /// Seconds.
    pub seconds: i64,
}

/// A note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteDto {
    /// Id.
    pub id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A rating.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RatingDto {
    /// The reviewer.
    pub author_id: Uuid,
    /// 1-5.
    pub score: i32,
    /// Comment.
    pub comment: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// An application with its log, time in stage, answers, notes and ratings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationDetail {
    /// The pipeline row.
    #[serde(flatten)]
    pub item: PipelineItem,
    /// Answers to the screening questions.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// The resume's file name as uploaded.
    pub resume_filename: String,
    /// SHA-256 of the resume (none once erased).
    pub resume_sha256: Option<String>,
    /// The stage log, oldest first.
    pub events: Vec<StageEvent>,
    /// Time spent per stage.
    pub time_in_stage: Vec<TimeInStage>,
    /// Notes, oldest first.
    pub notes: Vec<NoteDto>,
    /// Ratings.
    pub ratings: Vec<RatingDto>,
    /// Mean of the ratings.
    pub rating_average: Option<f64>,
    /// The candidate's human-review requests, oldest first.
    pub human_reviews: Vec<super::reviews::ReviewRequestView>,
    /// Interview scorecards.
    pub scorecards: Vec<super::reviews::ScorecardView>,
    /// Stage emails, oldest first.
    pub emails: Vec<super::reviews::StageEmailView>,
}

/// A stage move. Moving to `rejected`, and out of `rejected` (a reversal), needs a reason.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct MoveStage {
    /// The stage: one of the post's, `rejected` or `withdrawn`.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub stage: String,
    /// Why.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// A stage move of several applications at once (all or none).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct BulkMoveStage {
    /// The applications (1-100).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub application_ids: Vec<Uuid>,
    /// The stage.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub stage: String,
    /// Why.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// What a bulk move did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BulkMoved {
    /// Applications moved.
    pub moved: Vec<Uuid>,
    /// Applications already in the stage (left as they were).
    pub unchanged: Vec<Uuid>,
}

/// A new note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = NewApplicationNote)]
pub struct NewNote {
    /// Text.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// The caller's rating of an application (replaces their previous one).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RatingInput {
    /// 1-5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub score: i32,
    /// Comment.
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// A time-limited link to an application's resume (HR/ADMIN).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResumeLink {
    /// The signed URL.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// PDF or DOCX.
    pub content_type: String,
}

/// What an erasure did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Erased {
    /// The candidate.
    pub candidate_id: Uuid,
    /// Their applications (kept, without personal data).
    pub applications: usize,
    /// Stored objects deleted (resumes no one else sent, recordings).
    pub objects_deleted: usize,
}
