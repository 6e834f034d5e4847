//! Bodies of candidate quizzes (the LMS's quiz engine, sent from the pipeline).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Sends a quiz of the platform to the application's candidate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct SendQuiz {
    /// The quiz (`/api/admin/quizzes`).
    pub quiz_id: Uuid,
    /// Extra time for this candidate (1-5x).
    #[validate(range(min = 1.0, max = 5.0))]
    #[schema(minimum = 1, maximum = 5)]
    pub time_multiplier: Option<f64>,
    /// When the link stops working (default: when the quiz closes, else never).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A quiz sent: the single-use link is shown once, to hand to the candidate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuizSent {
    /// Id.
    pub id: Uuid,
    /// The quiz.
    pub quiz_id: Uuid,
    /// The LMS invite.
    pub invite_id: Uuid,
    /// The application's stage when sent.
    pub stage: String,
    /// The candidate's link (`/candidate-quiz/{token}`), shown once.
    pub url: String,
    /// When the link expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A quiz of the application with the candidate's result so far.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationQuiz {
    /// Id.
    pub id: Uuid,
    /// The quiz.
    pub quiz_id: Uuid,
    /// The LMS invite.
    pub invite_id: Uuid,
    /// The application's stage when sent.
    pub stage: String,
    /// When sent.
    pub sent_at: DateTime<Utc>,
    /// `not_started`, `in_progress`, `submitted` or `auto_submitted`.
    pub state: lms::dto::quizzes::InviteState,
    /// Marks scored, once graded.
    pub score: Option<f64>,
    /// Marks possible, once graded.
    pub max_score: Option<f64>,
    /// Whether the quiz's pass percentage was reached.
    pub passed: Option<bool>,
    /// When the candidate submitted.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The quizzes of an application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationQuizList {
    /// Oldest first.
    pub items: Vec<ApplicationQuiz>,
}
