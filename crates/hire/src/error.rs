//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// Mr. Hire's error codes.
pub mod codes {
    kernel::error_codes! {
        /// This email already applied to this job post.
        DUPLICATE_APPLICATION = CONFLICT "duplicate_application";
        /// The job post is not open for applications.
        JOB_POST_CLOSED = CONFLICT "job_post_closed";
        /// The application is already in the stage asked for.
        STAGE_UNCHANGED = CONFLICT "stage_unchanged";
        /// This quiz was already sent to this application's candidate.
        QUIZ_ALREADY_SENT = CONFLICT "quiz_already_sent";
        /// The person already has as many Miss Ozone calls that day as the configuration allows.
        DAILY_CALL_CAP_REACHED = CONFLICT "daily_call_cap_reached";
        /// Only a queued Miss Ozone call can be cancelled.
        CALL_NOT_CANCELLABLE = CONFLICT "call_not_cancellable";
        /// Seeded suite-wide templates cannot be changed: the platform makes its own.
        SEEDED_TEMPLATE_READ_ONLY = CONFLICT "seeded_template_read_only";
        /// The platform already has a live job template with this title.
        JOB_TEMPLATE_TITLE_TAKEN = CONFLICT "job_template_title_taken";
    }
}

/// What can go wrong in Mr. Hire. Each variant answers one registered code ([`Self::code`]).
#[derive(Debug, thiserror::Error)]
pub enum HireError {
    /// 404 `not_found` on this platform.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 409 `duplicate_application` on `email`.
    #[error("this email has already applied to this job")]
    DuplicateApplication,
    /// 409 `job_post_closed`.
    #[error("this job post is not open for applications")]
    JobPostClosed,
    /// 409 `stage_unchanged` on `stage`.
    #[error("the application is already in stage {0:?}")]
    StageUnchanged(String),
    /// 409 `quiz_already_sent` on `quiz_id`.
    #[error("this quiz was already sent for this application")]
    QuizAlreadySent,
    /// 409 `daily_call_cap_reached` on `user_id`.
    #[error(
        "this person already has {0} call(s) planned or made that day, the configuration's cap"
    )]
    DailyCallCap(i64),
    /// 409 `call_not_cancellable`.
    #[error("the call is {0}; only a queued call can be cancelled")]
    CallNotCancellable(String),
    /// 409 `seeded_template_read_only`.
    #[error("seeded templates cannot be changed; create the platform's own")]
    SeededTemplateReadOnly,
    /// 409 `job_template_title_taken` on `title`.
    #[error("the platform already has a job template with this title")]
    JobTemplateTitleTaken,
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (from storage, rate limits).
    #[error(transparent)]
    App(AppError),
}

impl HireError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::DuplicateApplication => &codes::DUPLICATE_APPLICATION,
            Self::JobPostClosed => &codes::JOB_POST_CLOSED,
            Self::StageUnchanged(_) => &codes::STAGE_UNCHANGED,
            Self::QuizAlreadySent => &codes::QUIZ_ALREADY_SENT,
            Self::DailyCallCap(_) => &codes::DAILY_CALL_CAP_REACHED,
            Self::CallNotCancellable(_) => &codes::CALL_NOT_CANCELLABLE,
            Self::SeededTemplateReadOnly => &codes::SEEDED_TEMPLATE_READ_ONLY,
            Self::JobTemplateTitleTaken => &codes::JOB_TEMPLATE_TITLE_TAKEN,
            Self::Invalid(..) => &kernel_codes::VALIDATION_FAILED,
            Self::Db(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<AppError> for HireError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<storage::StorageError> for HireError {
    fn from(err: storage::StorageError) -> Self {
        Self::App(err.into())
    }
}

impl From<HireError> for AppError {
    fn from(err: HireError) -> Self {
        match err {
            HireError::Invalid(field, message) => AppError::invalid_field(field, message),
            HireError::Db(e) => e.into(),
            HireError::App(e) => e,
            HireError::DuplicateApplication => {
                AppError::new(err.code(), err.to_string()).on_field("email")
            }
            HireError::QuizAlreadySent => {
                AppError::new(err.code(), err.to_string()).on_field("quiz_id")
            }
            HireError::DailyCallCap(_) => {
                AppError::new(err.code(), err.to_string()).on_field("user_id")
            }
            HireError::StageUnchanged(_) => {
                AppError::new(err.code(), err.to_string()).on_field("stage")
            }
            HireError::JobTemplateTitleTaken => {
                AppError::new(err.code(), err.to_string()).on_field("title")
            }
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_answer_their_codes() {
        for (err, status, code) in [
            (
                HireError::DuplicateApplication,
                409,
                "duplicate_application",
            ),
            (HireError::JobPostClosed, 409, "job_post_closed"),
            (
                HireError::SeededTemplateReadOnly,
                409,
                "seeded_template_read_only",
            ),
            (
                HireError::JobTemplateTitleTaken,
                409,
                "job_template_title_taken",
            ),
            (HireError::NotFound("job post"), 404, "not_found"),
            (
                HireError::Invalid("title", "empty".into()),
                422,
                "validation_failed",
            ),
        ] {
            let problem = AppError::from(err).problem();
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
        }
    }
}
