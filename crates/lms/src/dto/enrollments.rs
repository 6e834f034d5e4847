//! Bodies of enrolments and progress.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::{
    dto::courses::{CourseDto, ModuleDto},
    entities::{EnrollmentSource, EnrollmentStatus, enrollments},
};

/// An admin's grant of a course to a user (idempotent per user and course).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct GrantEnrollment {
    /// The student, a user of this platform.
    pub user_id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// A batch of the course to seat the student in (409 `batch_full` when no seat is left).
    pub batch_id: Option<Uuid>,
}

/// Seats an enrolled student in a batch of their course (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AssignBatch {
    /// The batch (of the enrolment's course).
    pub batch_id: Uuid,
}

/// An enrolment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentDto {
    /// Id.
    pub id: Uuid,
    /// Student.
    pub user_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Batch.
    pub batch_id: Option<Uuid>,
    /// How it came about.
    pub source: EnrollmentSource,
    /// State.
    pub status: EnrollmentStatus,
    /// The paid order behind it.
    pub order_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<enrollments::Model> for EnrollmentDto {
    fn from(e: enrollments::Model) -> Self {
        Self {
            id: e.id,
            user_id: e.user_id,
            course_id: e.course_id,
            batch_id: e.batch_id,
            source: e.source,
            status: e.status,
            order_id: e.order_id,
            created_at: e.created_at,
        }
    }
}

/// Progress through a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    /// Items completed.
    pub completed: i64,
    /// Items in the course.
    pub total: i64,
    /// `completed / total` in whole percent (0 for an empty course).
    pub percent: i64,
}

impl Progress {
    /// Progress from counts.
    pub fn of(completed: i64, total: i64) -> Self {
        let percent = if total > 0 {
            (completed.min(total) * 100) / total
        } else {
            0
        };
        Self {
            completed,
            total,
            percent,
        }
    }
}

/// The course page of an enrolled student: content, completion per item, progress.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StudentCourse {
    /// The course.
    pub course: CourseDto,
    /// The caller's enrolment (none for admins and mentors looking at it).
    pub enrollment: Option<EnrollmentDto>,
    /// Modules with their items' content and completion.
    pub modules: Vec<ModuleDto>,
    /// Progress through the course.
    pub progress: Progress,
}

/// An item marked complete.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemCompleted {
    /// The item.
    pub item_id: Uuid,
    /// When it was first completed.
    pub completed_at: DateTime<Utc>,
    /// Progress through the course afterwards.
    pub progress: Progress,
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn percent_rounds_down_and_handles_empty_courses() {
        assert_eq!(Progress::of(0, 0).percent, 0);
        assert_eq!(Progress::of(1, 3).percent, 33);
        assert_eq!(Progress::of(3, 3).percent, 100);
        assert_eq!(Progress::of(5, 3).percent, 100);
    }
}
