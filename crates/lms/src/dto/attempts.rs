//! Bodies of attempts: what a learner (or candidate) sees, saves and submits.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{AttemptStatus, QuestionKind};

/// An option as shown in an attempt: its text and its index in the question (answers name
/// the index, whatever order the attempt shows).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OptionView {
    /// The option's index (what an answer names).
    pub index: usize,
    /// Text.
    pub text: String,
}

/// A visible test case of a code question.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleCase {
    /// Input.
    pub stdin: String,
    /// Expected output.
    pub expected_output: String,
}

/// A question of an attempt, without its answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptQuestion {
    /// Question id (what answers name).
    pub question_id: Uuid,
    /// Order in this attempt, from 0.
    pub position: i32,
    /// Kind.
    pub kind: QuestionKind,
    /// Text.
    pub prompt: String,
    /// Marks.
    pub marks: i32,
    /// Options in this attempt's order (mcq, multi).
    pub options: Vec<OptionView>,
    /// code: the language id.
    pub language_id: Option<i32>,
    /// code: the cases that are not hidden.
    pub sample_cases: Vec<SampleCase>,
    /// The right answer, once the quiz's review policy shows it.
    pub correct_answer: Option<Value>,
    /// Marks given, once graded and the review policy shows scores.
    pub score: Option<f64>,
}

/// A saved answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SavedAnswer {
    /// Question.
    pub question_id: Uuid,
    /// The answer.
    pub answer: Value,
    /// The client's sequence number of this answer.
    pub seq: i64,
    /// Saved.
    pub saved_at: DateTime<Utc>,
}

/// A graded attempt's result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttemptResult {
    /// Marks scored.
    pub score: f64,
    /// Marks possible.
    pub max_score: f64,
    /// Whether the score reached the pass percentage.
    pub passed: bool,
}

/// An attempt as its taker sees it: the questions (no answers), every saved answer and the
/// server's deadline. Reloading shows the same order and the same answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptView {
    /// Attempt id.
    pub attempt_id: Uuid,
    /// Quiz.
    pub quiz_id: Uuid,
    /// Quiz title.
    pub title: String,
    /// 1 for the first attempt.
    pub attempt_no: i32,
    /// State.
    pub status: AttemptStatus,
    /// Started (server clock).
    pub started_at: DateTime<Utc>,
    /// Answers are accepted until this (plus `grace_seconds` for the network).
    pub deadline: DateTime<Utc>,
    /// Seconds after `deadline` that a save or submit is still accepted.
    pub grace_seconds: i64,
    /// The server's clock when answering (for the client's countdown).
    pub server_time: DateTime<Utc>,
    /// Questions in this attempt's order.
    pub questions: Vec<AttemptQuestion>,
    /// Saved answers.
    pub answers: Vec<SavedAnswer>,
    /// The result, once graded and when the review policy shows it.
    pub result: Option<AttemptResult>,
}

/// Saves one answer. `seq` is the client's counter for this question: an answer with a
/// `seq` not above the stored one is ignored (a stale retry never overwrites a newer answer).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct SaveAnswer {
    /// The answer: an option index (mcq), indexes (multi), a number (numeric), code.
    pub answer: Value,
    /// The client's sequence number (increase it with every change).
    #[validate(range(min = 0, max = 9_007_199_254_740_991i64))]
    #[schema(minimum = 0, maximum = 9_007_199_254_740_991i64)]
    pub seq: i64,
}

/// What a save did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerSaved {
    /// Question.
    pub question_id: Uuid,
    /// The stored answer's sequence number (the newest the server has).
    pub seq: i64,
    /// False when the stored answer was newer (or this very one): nothing changed.
    pub applied: bool,
    /// When the stored answer was saved.
    pub saved_at: DateTime<Utc>,
}

/// One answer of a submit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmittedAnswer {
    /// Question of the attempt.
    pub question_id: Uuid,
    /// The answer (shape by kind).
    pub answer: Value,
}

/// Submits an attempt: these answers replace saved ones of the same questions, and every
/// saved answer is graded (an empty list grades what was saved).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct SubmitAttempt {
    /// Final answers (at most 500).
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub answers: Vec<SubmittedAnswer>,
}

/// A candidate's view of an invite: the quiz, and the attempt once started.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CandidateQuiz {
    /// Candidate's name.
    pub full_name: String,
    /// Quiz title.
    pub title: String,
    /// Time allowed, with the candidate's accommodations.
    pub duration_seconds: i64,
    /// Number of questions.
    pub question_count: usize,
    /// The link stops working after this.
    pub expires_at: Option<DateTime<Utc>>,
    /// The attempt, once started.
    pub attempt: Option<AttemptView>,
}

/// An attempt in an admin's list of a quiz's attempts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptSummary {
    /// Attempt id.
    pub attempt_id: Uuid,
    /// The learner (none for a candidate).
    pub user_id: Option<Uuid>,
    /// The candidate's invite (none for a learner).
    pub invite_id: Option<Uuid>,
    /// 1 for the taker's first attempt.
    pub attempt_no: i32,
    /// State.
    pub status: AttemptStatus,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Deadline.
    pub deadline: DateTime<Utc>,
    /// Graded at.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Marks scored.
    pub score: Option<f64>,
    /// Marks possible.
    pub max_score: Option<f64>,
    /// Passed.
    pub passed: Option<bool>,
}

impl From<crate::entities::quiz_attempts::Model> for AttemptSummary {
    fn from(a: crate::entities::quiz_attempts::Model) -> Self {
        Self {
            attempt_id: a.id,
            user_id: a.user_id,
            invite_id: a.invite_id,
            attempt_no: a.attempt_no,
            status: a.status,
            started_at: a.started_at,
            deadline: a.deadline,
            submitted_at: a.submitted_at,
            score: a.score,
            max_score: a.max_score,
            passed: a.passed,
        }
    }
}

/// A quiz as a learner sees it before (or between) attempts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LearnerQuiz {
    /// Quiz id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Course.
    pub course_id: Option<Uuid>,
    /// Number of questions.
    pub question_count: usize,
    /// Time an attempt gets, with the learner's accommodations (a clamping `closes_at` can
    /// cut it).
    pub duration_seconds: i64,
    /// Attempts allowed, with the learner's extra attempts.
    pub max_attempts: i32,
    /// Attempts used.
    pub attempts_used: i64,
    /// The attempt in progress, to resume.
    pub in_progress_attempt_id: Option<Uuid>,
    /// Best graded score, when the review policy shows scores.
    pub best_score: Option<f64>,
    /// Whether a graded attempt passed, when the review policy shows scores.
    pub passed: Option<bool>,
    /// Closing time.
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether the close cuts an attempt's time.
    pub close_clamps_deadline: bool,
    /// Pass percentage.
    pub pass_percent: i32,
}
