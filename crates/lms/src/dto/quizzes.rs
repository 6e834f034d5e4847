//! Bodies of quizzes, learners' accommodations and candidate invites.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{AttemptStatus, ReviewPolicy, learner_accommodations, quizzes};

/// A new quiz (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewQuiz {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// A course of the platform: attempts then need an active enrolment.
    pub course_id: Option<Uuid>,
    /// Time allowed per attempt (before a learner's accommodations).
    #[validate(range(min = 1, max = 86400))]
    #[schema(minimum = 1, maximum = 86400)]
    pub duration_seconds: i32,
    /// Questions of the bank, in order (1-200, distinct).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub question_ids: Vec<Uuid>,
    /// Attempts per learner (before accommodations).
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: i32,
    /// Score percentage that passes.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub pass_percent: i32,
    /// Questions in a random order per attempt (default false).
    #[serde(default)]
    pub shuffle_questions: bool,
    /// Options in a random order per attempt (default false).
    #[serde(default)]
    pub shuffle_options: bool,
    /// No attempt starts after this.
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether `closes_at` also cuts the time of an attempt in progress (default true:
    /// an attempt started 10 minutes before the close has 10 minutes). False: an attempt
    /// started before the close keeps its whole duration.
    pub close_clamps_deadline: Option<bool>,
    /// What learners see after submitting (default `score_only`; `answers_after_close`
    /// needs `closes_at`).
    pub review_policy: Option<ReviewPolicy>,
}

/// A quiz.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuizDto {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Course.
    pub course_id: Option<Uuid>,
    /// Time allowed per attempt.
    pub duration_seconds: i32,
    /// Attempts per learner.
    pub max_attempts: i32,
    /// Pass percentage.
    pub pass_percent: i32,
    /// Shuffled questions.
    pub shuffle_questions: bool,
    /// Shuffled options.
    pub shuffle_options: bool,
    /// Closing time.
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether the close cuts an attempt's time.
    pub close_clamps_deadline: bool,
    /// Review policy.
    pub review_policy: ReviewPolicy,
    /// Questions in order.
    pub question_ids: Vec<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl QuizDto {
    /// The quiz with its question ids.
    pub fn new(q: quizzes::Model, question_ids: Vec<Uuid>) -> Self {
        Self {
            id: q.id,
            title: q.title,
            course_id: q.course_id,
            duration_seconds: q.duration_seconds,
            max_attempts: q.max_attempts,
            pass_percent: q.pass_percent,
            shuffle_questions: q.shuffle_questions,
            shuffle_options: q.shuffle_options,
            closes_at: q.closes_at,
            close_clamps_deadline: q.close_clamps_deadline,
            review_policy: q.review_policy,
            question_ids,
            created_at: q.created_at,
        }
    }
}

/// A learner's accommodations (ADMIN): they apply to every timed assessment.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct AccommodationsUpdate {
    /// Multiplies every duration (1-5; default 1).
    #[serde(default = "one")]
    #[validate(range(min = 1.0, max = 5.0))]
    #[schema(minimum = 1, maximum = 5)]
    pub time_multiplier: f64,
    /// Seconds added to every deadline (default 0).
    #[serde(default)]
    #[validate(range(min = 0, max = 86400))]
    #[schema(minimum = 0, maximum = 86400)]
    pub extra_seconds: i32,
    /// Attempts added to every quiz's maximum (default 0).
    #[serde(default)]
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub extra_attempts: i32,
    /// Why (visible to admins).
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: String,
}

fn one() -> f64 {
    1.0
}

/// A learner's accommodations.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccommodationsDto {
    /// The learner.
    pub user_id: Uuid,
    /// Duration multiplier.
    pub time_multiplier: f64,
    /// Extra seconds.
    pub extra_seconds: i32,
    /// Extra attempts.
    pub extra_attempts: i32,
    /// Note.
    pub note: String,
    /// Changed (none: never set, the defaults apply).
    pub updated_at: Option<DateTime<Utc>>,
}

impl AccommodationsDto {
    /// No accommodations.
    pub fn none(user_id: Uuid) -> Self {
        Self {
            user_id,
            time_multiplier: 1.0,
            extra_seconds: 0,
            extra_attempts: 0,
            note: String::new(),
            updated_at: None,
        }
    }
}

impl From<learner_accommodations::Model> for AccommodationsDto {
    fn from(a: learner_accommodations::Model) -> Self {
        Self {
            user_id: a.user_id,
            time_multiplier: a.time_multiplier,
            extra_seconds: a.extra_seconds,
            extra_attempts: a.extra_attempts,
            note: a.note,
            updated_at: Some(a.updated_at),
        }
    }
}

/// A candidate invite (ADMIN; Mr. Hire through [`crate::service::candidates`]).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewInvite {
    /// Candidate's email.
    #[validate(email, length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254, format = "email")]
    pub email: String,
    /// Candidate's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// The candidate's own time multiplier (1-5; default 1).
    #[validate(range(min = 1.0, max = 5.0))]
    #[schema(minimum = 1, maximum = 5)]
    pub time_multiplier: Option<f64>,
    /// The candidate's own extra seconds (default 0).
    #[validate(range(min = 0, max = 86400))]
    #[schema(minimum = 0, maximum = 86400)]
    pub extra_seconds: Option<i32>,
    /// The link stops working after this (default: when the quiz closes, or never).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A created invite: the token is shown once (only its hash is stored).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InviteCreated {
    /// Invite id (to read the result).
    pub id: Uuid,
    /// The link's secret token.
    pub token: String,
    /// The candidate's link.
    pub url: String,
    /// The link stops working after this.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Where a candidate is with an invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    /// The link was not used yet.
    NotStarted,
    /// The attempt is running.
    InProgress,
    /// Submitted by the candidate.
    Submitted,
    /// Finalised after its deadline.
    AutoSubmitted,
}

impl From<AttemptStatus> for InviteState {
    fn from(s: AttemptStatus) -> Self {
        match s {
            AttemptStatus::InProgress => Self::InProgress,
            AttemptStatus::Submitted => Self::Submitted,
            AttemptStatus::AutoSubmitted => Self::AutoSubmitted,
        }
    }
}

/// An invite and the candidate's result (ADMIN, Mr. Hire).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InviteResult {
    /// Invite id.
    pub id: Uuid,
    /// Quiz.
    pub quiz_id: Uuid,
    /// Candidate's email.
    pub email: String,
    /// Candidate's name.
    pub full_name: String,
    /// State.
    pub state: InviteState,
    /// Started.
    pub started_at: Option<DateTime<Utc>>,
    /// Graded.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Marks scored.
    pub score: Option<f64>,
    /// Marks possible.
    pub max_score: Option<f64>,
    /// Passed.
    pub passed: Option<bool>,
    /// Created.
    pub created_at: DateTime<Utc>,
}
