//! Bodies of the students-at-risk consoles (batch lead, super mentor, community manager) and
//! interventions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Filters of a students list.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentFilter {
    /// Only this batch.
    pub batch_id: Option<Uuid>,
    /// Only scores at or above this.
    #[validate(range(min = 0, max = 100))]
    #[param(minimum = 0, maximum = 100)]
    pub min_score: Option<i32>,
    /// At most this many (default 200).
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// A student of a batch with their latest risk score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StudentRisk {
    /// The student.
    pub user_id: Uuid,
    /// Their name.
    pub full_name: String,
    /// The course.
    pub course_id: Uuid,
    /// Its title.
    pub course_title: String,
    /// The batch.
    pub batch_id: Option<Uuid>,
    /// Its name.
    pub batch_name: Option<String>,
    /// Latest score 0-100 (none before the first daily run).
    pub risk_score: Option<i32>,
    /// At or above the platform's `RISK_AT_RISK_SCORE`.
    pub at_risk: bool,
    /// The day of the latest score (IST).
    pub scored_on: Option<NaiveDate>,
    /// Latest score minus the score a week before it (positive: rising risk).
    pub trend: Option<i32>,
    /// The parts with some risk, largest contribution first.
    pub reasons: Vec<RiskPart>,
    /// Total XP.
    pub xp: i64,
    /// Interventions not closed yet.
    pub open_interventions: i64,
}

/// One day of a student's score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskDay {
    /// The course.
    pub course_id: Uuid,
    /// The IST day.
    pub day: NaiveDate,
    /// The score.
    pub score: i32,
    /// Every part, explained.
    pub parts: Vec<RiskPart>,
}

/// A student's score history and interventions.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentRiskHistory {
    /// The student.
    pub user_id: Uuid,
    /// Up to 60 days, newest first.
    pub history: Vec<RiskDay>,
    /// Interventions, newest first.
    pub interventions: Vec<Intervention>,
}

/// What was done about a student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    /// A phone call.
    Call,
    /// A message.
    Message,
    /// A mentor session.
    MentorSession,
}

impl InterventionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Message => "message",
            Self::MentorSession => "mentor_session",
        }
    }
}

/// How it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionOutcome {
    /// Not known yet.
    Pending,
    /// The student was reached.
    Reached,
    /// No answer.
    NoResponse,
    /// The student improved.
    Improved,
    /// Nothing changed.
    NoChange,
    /// The student dropped out.
    DroppedOut,
}

impl InterventionOutcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Reached => "reached",
            Self::NoResponse => "no_response",
            Self::Improved => "improved",
            Self::NoChange => "no_change",
            Self::DroppedOut => "dropped_out",
        }
    }
}

/// A new intervention.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewIntervention {
    /// The student.
    pub user_id: Uuid,
    /// The course (the student's enrolment).
    pub course_id: Uuid,
    /// `call`, `message` or `mentor_session`.
    pub kind: InterventionKind,
    /// What was planned or said.
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// Recording an intervention's outcome.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct InterventionUpdate {
    /// The outcome (`pending` reopens it).
    pub outcome: InterventionOutcome,
    /// What happened.
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub outcome_note: String,
}

/// An intervention.
#[derive(Debug, Clone, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct Intervention {
    /// The intervention.
    pub id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The student's batch.
    pub batch_id: Option<Uuid>,
    /// `call`, `message`, `mentor_session`.
    pub kind: String,
    /// Note.
    pub note: String,
    /// `pending`, `reached`, `no_response`, `improved`, `no_change`, `dropped_out`.
    pub outcome: String,
    /// What happened.
    pub outcome_note: String,
    /// The student's risk score when it was logged.
    pub risk_score_at: Option<i32>,
    /// Who logged it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the outcome was recorded.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A cohort (batch) as the community manager sees it.
#[derive(Debug, Clone, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct Cohort {
    /// The batch.
    pub batch_id: Uuid,
    /// Its name.
    pub name: String,
    /// The course.
    pub course_id: Uuid,
    /// Its title.
    pub course_title: String,
    /// Start day.
    pub starts_on: NaiveDate,
    /// Active students.
    pub students: i64,
    /// Students with a score.
    pub scored: i64,
    /// Students at or above `RISK_AT_RISK_SCORE`.
    pub at_risk: i64,
    /// Mean latest score.
    pub mean_risk: Option<f64>,
    /// Mean XP of its students.
    pub mean_xp: Option<f64>,
}

/// One part of a score, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskPart {
    /// `attendance`, `quizzes`, `lateness`, `inactivity`, `warnings`.
    pub part: String,
    /// The part's own risk, 0-100.
    pub value: i64,
    /// Its weight.
    pub weight: i64,
    /// Points it adds to the score (value × weight / total weight).
    pub contribution: f64,
    /// What it is made of, in words.
    pub detail: String,
}
