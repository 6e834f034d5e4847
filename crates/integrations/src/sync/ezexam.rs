//! EzExam (Mr. Test)'s API as the sync reads it (docs/integrations-sync.md): paged
//! `GET /v1/exams` and `GET /v1/exams/{exam_id}/results`; the admin proxy browses the same
//! two listings. Key: `X-Api-Key`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Path of the exams listing.
pub const EXAMS: &str = "/v1/exams";

/// Path of one exam's results.
pub fn results_path(exam_id: &str) -> String {
    format!("/v1/exams/{exam_id}/results")
}

/// One exam.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Exam {
    /// EzExam's exam id.
    pub id: String,
    /// Title.
    pub title: String,
    /// EzExam's status (`draft`, `live`, `ended`, …: an open set, stored as given).
    #[serde(default)]
    pub status: Option<String>,
    /// Highest possible score.
    #[serde(default)]
    pub max_score: Option<f64>,
    /// Length in minutes.
    #[serde(default)]
    pub duration_minutes: Option<i32>,
    /// Opens at.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Closes at.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
}

/// A candidate as a result embeds them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Candidate {
    /// EzExam's candidate id.
    pub id: String,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone with country code.
    #[serde(default)]
    pub phone: Option<String>,
}

/// One candidate's result in one exam.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExamResult {
    /// The candidate.
    pub candidate: Candidate,
    /// Score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Highest possible score.
    #[serde(default)]
    pub max_score: Option<f64>,
    /// Whether the candidate passed.
    #[serde(default)]
    pub passed: Option<bool>,
    /// EzExam's status (`submitted`, `in_progress`, …: stored as given).
    #[serde(default)]
    pub status: Option<String>,
    /// When the attempt was submitted.
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
}
