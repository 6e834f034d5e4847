//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// The LMS's error codes.
pub mod codes {
    kernel::error_codes! {
        /// Another course of the platform has this slug.
        SLUG_TAKEN = CONFLICT "slug_taken";
        /// Another batch of the course has this name.
        BATCH_NAME_TAKEN = CONFLICT "batch_name_taken";
        /// Every seat of the batch is taken.
        BATCH_FULL = CONFLICT "batch_full";
        /// The course is not published (not in the catalogue, cannot be bought).
        COURSE_NOT_PUBLISHED = CONFLICT "course_not_published";
        /// The enrolment is revoked.
        ENROLLMENT_REVOKED = CONFLICT "enrollment_revoked";
        /// The caller is already enrolled in the course.
        ALREADY_ENROLLED = CONFLICT "already_enrolled";
        /// The assignment no longer accepts submissions (past its `reject_after` cutoff).
        SUBMISSION_CLOSED = CONFLICT "submission_closed";
        /// The submission is graded: it cannot be replaced any more.
        SUBMISSION_GRADED = CONFLICT "submission_graded";
        /// The assignment has submissions and cannot be deleted.
        ASSIGNMENT_HAS_SUBMISSIONS = CONFLICT "assignment_has_submissions";
        /// The live class cannot be joined yet (the join window opens shortly before it starts).
        CLASS_NOT_STARTED = CONFLICT "class_not_started";
        /// The live class is over.
        CLASS_ENDED = CONFLICT "class_ended";
        /// Another document of the platform is registered with this storage key.
        DOCUMENT_TAKEN = CONFLICT "document_taken";
        /// The learner has used every attempt of the quiz (accommodations included).
        ATTEMPTS_EXHAUSTED = CONFLICT "attempts_exhausted";
        /// The attempt's deadline plus the grace has passed; its saved answers are graded.
        ATTEMPT_EXPIRED = CONFLICT "attempt_expired";
        /// The attempt is already submitted (and graded once).
        ATTEMPT_SUBMITTED = CONFLICT "attempt_submitted";
        /// The quiz closed: no attempt starts any more.
        QUIZ_CLOSED = CONFLICT "quiz_closed";
        /// Another badge of the platform has this code.
        BADGE_CODE_TAKEN = CONFLICT "badge_code_taken";
        /// The course plan is still being written, or failed: there is nothing to edit.
        COURSE_PLAN_NOT_READY = CONFLICT "course_plan_not_ready";
    }
}

/// What can go wrong in the LMS. Each variant answers one registered code ([`Self::code`]).
#[derive(Debug, thiserror::Error)]
pub enum LmsError {
    /// 404 `not_found` on this platform.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 409 `slug_taken` on `slug`.
    #[error("another course of this platform has this slug")]
    SlugTaken,
    /// 409 `batch_name_taken` on `name`.
    #[error("another batch of this course has this name")]
    BatchNameTaken,
    /// 409 `batch_full`.
    #[error("every seat of this batch is taken")]
    BatchFull,
    /// 409 `course_not_published`.
    #[error("the course is not published")]
    CourseNotPublished,
    /// 409 `enrollment_revoked`.
    #[error("the enrolment is revoked")]
    EnrollmentRevoked,
    /// 409 `already_enrolled`.
    #[error("you are already enrolled in this course")]
    AlreadyEnrolled,
    /// 409 `attempts_exhausted`.
    #[error("every attempt of this quiz is used")]
    AttemptsExhausted,
    /// 409 `attempt_expired`.
    #[error("the attempt's time is over; its saved answers were graded")]
    AttemptExpired,
    /// 409 `attempt_submitted`.
    #[error("the attempt is already submitted")]
    AttemptSubmitted,
    /// 409 `quiz_closed`.
    #[error("the quiz is closed")]
    QuizClosed,
    /// 401 `invalid_token`: a candidate link that is unknown, expired or spent.
    #[error("this quiz link is invalid, expired or already used")]
    InvalidToken,
    /// 403 `not_enrolled`.
    #[error("you are not enrolled in this course")]
    NotEnrolled,
    /// 409 `submission_closed`.
    #[error("this assignment no longer accepts submissions")]
    SubmissionClosed,
    /// 409 `submission_graded`.
    #[error("your submission is graded and cannot be replaced")]
    SubmissionGraded,
    /// 409 `assignment_has_submissions`.
    #[error("the assignment has submissions")]
    AssignmentHasSubmissions,
    /// 409 `class_not_started`, saying when the join window opens.
    #[error("the class cannot be joined before {0}")]
    ClassNotStarted(String),
    /// 409 `class_ended`.
    #[error("the class is over")]
    ClassEnded,
    /// 409 `document_taken` on `storage_key`.
    #[error("this file is already registered as a document")]
    DocumentTaken,
    /// 409 `badge_code_taken` on `code`.
    #[error("another badge of this platform has this code")]
    BadgeCodeTaken,
    /// 409 `course_plan_not_ready`.
    #[error("the course plan is not ready (still being written, or failed)")]
    CoursePlanNotReady,
    /// 403 `forbidden`, saying what is missing.
    #[error("{0}")]
    Forbidden(String),
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (from storage, providers).
    #[error(transparent)]
    App(AppError),
}

impl LmsError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::SlugTaken => &codes::SLUG_TAKEN,
            Self::BatchNameTaken => &codes::BATCH_NAME_TAKEN,
            Self::BatchFull => &codes::BATCH_FULL,
            Self::CourseNotPublished => &codes::COURSE_NOT_PUBLISHED,
            Self::EnrollmentRevoked => &codes::ENROLLMENT_REVOKED,
            Self::AlreadyEnrolled => &codes::ALREADY_ENROLLED,
            Self::AttemptsExhausted => &codes::ATTEMPTS_EXHAUSTED,
            Self::AttemptExpired => &codes::ATTEMPT_EXPIRED,
            Self::AttemptSubmitted => &codes::ATTEMPT_SUBMITTED,
            Self::QuizClosed => &codes::QUIZ_CLOSED,
            Self::InvalidToken => &kernel_codes::INVALID_TOKEN,
            Self::NotEnrolled => &kernel_codes::NOT_ENROLLED,
            Self::SubmissionClosed => &codes::SUBMISSION_CLOSED,
            Self::SubmissionGraded => &codes::SUBMISSION_GRADED,
            Self::AssignmentHasSubmissions => &codes::ASSIGNMENT_HAS_SUBMISSIONS,
            Self::ClassNotStarted(_) => &codes::CLASS_NOT_STARTED,
            Self::ClassEnded => &codes::CLASS_ENDED,
            Self::DocumentTaken => &codes::DOCUMENT_TAKEN,
            Self::BadgeCodeTaken => &codes::BADGE_CODE_TAKEN,
            Self::CoursePlanNotReady => &codes::COURSE_PLAN_NOT_READY,
            Self::Forbidden(_) => &kernel_codes::FORBIDDEN,
            Self::Invalid(..) => &kernel_codes::VALIDATION_FAILED,
            Self::Db(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<AppError> for LmsError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<storage::StorageError> for LmsError {
    fn from(err: storage::StorageError) -> Self {
        Self::App(err.into())
    }
}

impl From<LmsError> for AppError {
    fn from(err: LmsError) -> Self {
        match err {
            LmsError::Invalid(field, message) => AppError::invalid_field(field, message),
            LmsError::Db(e) => e.into(),
            LmsError::App(e) => e,
            LmsError::SlugTaken => AppError::new(err.code(), err.to_string()).on_field("slug"),
            LmsError::BatchNameTaken => AppError::new(err.code(), err.to_string()).on_field("name"),
            LmsError::BadgeCodeTaken => AppError::new(err.code(), err.to_string()).on_field("code"),
            LmsError::DocumentTaken => {
                AppError::new(err.code(), err.to_string()).on_field("storage_key")
            }
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

pub use kernel::db::violates;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_answer_their_codes() {
        for (err, status, code) in [
            (LmsError::BatchFull, 409, "batch_full"),
            (LmsError::SlugTaken, 409, "slug_taken"),
            (LmsError::NotEnrolled, 403, "not_enrolled"),
            (LmsError::NotFound("course"), 404, "not_found"),
            (
                LmsError::Invalid("title", "empty".into()),
                422,
                "validation_failed",
            ),
        ] {
            let problem = AppError::from(err).problem();
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
        }
    }
}
