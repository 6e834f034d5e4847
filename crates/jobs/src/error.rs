//! The error codes of the queue API and dashboard (registered in `docs/errors.md`). Job
//! handlers fail with [`crate::JobError`]; HTTP answers go through [`kernel::AppError`] with
//! these codes.

/// The queue API's own error codes.
pub mod codes {
    kernel::error_codes! {
        /// No queue has this name.
        UNKNOWN_QUEUE = NOT_FOUND "unknown_queue";
        /// The queue has no such job (or it belongs to another platform).
        JOB_NOT_FOUND = NOT_FOUND "job_not_found";
        /// Only failed jobs can be retried.
        JOB_NOT_FAILED = CONFLICT "job_not_failed";
        /// The job is being processed and cannot be removed.
        JOB_ACTIVE = CONFLICT "job_active";
        /// The job is the next run of a job scheduler; removing it would end the schedule.
        JOB_SCHEDULED = CONFLICT "job_scheduled";
        /// The queue has no dead letter for this job (or it belongs to another platform).
        DEAD_LETTER_NOT_FOUND = NOT_FOUND "dead_letter_not_found";
        /// The dashboard form is stale or did not come from the dashboard.
        INVALID_CSRF_TOKEN = FORBIDDEN "invalid_csrf_token";
    }
}
