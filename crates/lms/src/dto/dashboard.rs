//! The student dashboard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::enrollments::Progress;

/// One enrolment on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DashboardCourse {
    /// Enrolment.
    pub enrollment_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Course title.
    pub title: String,
    /// Course slug.
    pub slug: String,
    /// Batch name, if seated.
    pub batch: Option<String>,
    /// Progress through the course.
    pub progress: Progress,
    /// When the student enrolled.
    pub enrolled_at: DateTime<Utc>,
}

/// `GET /api/student/dashboard`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    /// Active enrolments, newest first.
    pub enrollments: Vec<DashboardCourse>,
    /// Overall progress across every enrolled course.
    pub progress: Progress,
    /// Experience points (the engagement area fills them; 0 until then).
    pub xp: i64,
    /// Days in a row with activity (the engagement area fills it; 0 until then).
    pub streak: i64,
}
