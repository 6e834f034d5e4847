//! Graphy (Mr. Learn)'s API as the sync reads it (docs/integrations-sync.md): paged
//! `GET /v1/enrolments` and `GET /v1/progress`, plus the listings the admin screens browse
//! through the proxy (`/v1/learners`, `/v1/courses`). Key: `Authorization: Bearer`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Path of the enrolments listing.
pub const ENROLMENTS: &str = "/v1/enrolments";
/// Path of the progress listing.
pub const PROGRESS: &str = "/v1/progress";
/// Path of the learners listing (admin proxy only).
pub const LEARNERS: &str = "/v1/learners";
/// Path of the courses listing (admin proxy only).
pub const COURSES: &str = "/v1/courses";

/// A learner as an enrolment embeds it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Learner {
    /// Graphy's learner id.
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

/// A course as an enrolment embeds it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Course {
    /// Graphy's course id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
}

/// One enrolment of a learner in a course.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Enrolment {
    /// Graphy's enrolment id.
    pub id: String,
    /// The learner.
    pub learner: Learner,
    /// The course.
    pub course: Course,
    /// Graphy's status (`active`, `expired`, …: an open set, stored as given).
    #[serde(default)]
    pub status: Option<String>,
    /// When the learner enrolled.
    #[serde(default)]
    pub enrolled_at: Option<DateTime<Utc>>,
}

/// A learner's progress in one course.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Progress {
    /// Graphy's learner id.
    pub learner_id: String,
    /// Graphy's course id.
    pub course_id: String,
    /// Completion, 0-100 (clamped).
    pub percent: f64,
    /// Lessons completed.
    #[serde(default)]
    pub completed_lessons: i32,
    /// Lessons in the course.
    #[serde(default)]
    pub total_lessons: i32,
    /// Last activity of the learner in the course.
    #[serde(default)]
    pub last_activity_at: Option<DateTime<Utc>>,
}

impl Progress {
    /// The percentage as a whole number in 0..=100.
    pub fn percent_rounded(&self) -> i32 {
        if self.percent.is_finite() {
            // clamped to 0..=100 first, so the cast cannot truncate
            self.percent.clamp(0.0, 100.0).round() as i32
        } else {
            0
        }
    }
}
