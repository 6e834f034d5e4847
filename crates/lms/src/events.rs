//! Domain events the LMS publishes through the outbox (delivered on the events queue to
//! subscribers in other crates: gamification, workflows, notifications).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `assignment.submitted`: a student handed in (or replaced) an assignment's submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentSubmitted {
    /// The submission (this version).
    pub submission_id: Uuid,
    /// The assignment.
    pub assignment_id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// 1 for the first hand-in, +1 per resubmission.
    pub version: i32,
    /// Handed in by the due time.
    pub on_time: bool,
    /// Percent the grade will lose for lateness.
    pub penalty_percent: i32,
    /// When.
    pub submitted_at: DateTime<Utc>,
}

impl jobs::EventSpec for AssignmentSubmitted {
    const NAME: &'static str = "assignment.submitted";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `quiz.passed`: an attempt was graded and reached the quiz's pass percentage (published
/// once per attempt, by the transaction that grades it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuizPassed {
    /// The attempt.
    pub attempt_id: Uuid,
    /// The quiz.
    pub quiz_id: Uuid,
    /// The quiz's course, if any.
    pub course_id: Option<Uuid>,
    /// The learner (none for a candidate).
    pub user_id: Option<Uuid>,
    /// The candidate's invite (none for a learner).
    pub invite_id: Option<Uuid>,
    /// Marks scored.
    pub score: f64,
    /// Marks possible.
    pub max_score: f64,
}

impl jobs::EventSpec for QuizPassed {
    const NAME: &'static str = "quiz.passed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `lesson.completed`: a student completed a content item of a course (published once, by
/// the transaction that recorded it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonCompleted {
    /// The content item.
    pub item_id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// The enrolment.
    pub enrollment_id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// When it was recorded.
    pub completed_at: DateTime<Utc>,
}

impl jobs::EventSpec for LessonCompleted {
    const NAME: &'static str = "lesson.completed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `live_class.attended`: a student joined a live class for the first time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveClassAttended {
    /// The class.
    pub live_class_id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

impl jobs::EventSpec for LiveClassAttended {
    const NAME: &'static str = "live_class.attended";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `mentorship.session_completed`, as mentorship publishes it (the LMS subscribes by the
/// event's name and fields; it does not depend on the mentorship crate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorshipSessionCompleted {
    /// The meeting.
    pub meeting_id: Uuid,
    /// The mentor.
    pub mentor_user_id: Uuid,
    /// The student.
    pub student_user_id: Uuid,
    /// When it was marked held.
    pub completed_at: DateTime<Utc>,
}

impl jobs::EventSpec for MentorshipSessionCompleted {
    const NAME: &'static str = "mentorship.session_completed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}
