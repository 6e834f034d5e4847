//! The crate's jobs and schedules: the quiz sweeper (`cleanupQueue`, every minute), which
//! finalises attempts whose deadline plus `QUIZ_SUBMIT_GRACE_SECONDS` has passed, grading
//! their saved answers. (Assignment reminders and the payment reconciliation register here
//! too.)

use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{Lms, service::attempts};

/// Finalises overdue quiz attempts with their saved answers (`cleanupQueue`, every minute).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SweepQuizAttempts {}

impl JobSpec for SweepQuizAttempts {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "sweep-quiz-attempts";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's jobs and schedules.
pub fn workers(registry: &mut Registry, lms: &Lms) {
    let state = lms.clone();
    registry
        .handle(move |_ctx: JobContext, _job: SweepQuizAttempts| {
            let state = state.clone();
            async move {
                let done = attempts::sweep_overdue(
                    &state.ctx().db,
                    state.config().quiz_submit_grace_seconds,
                    state.code_runner(),
                )
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(finalised = done, "overdue quiz attempts swept");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:sweep-quiz-attempts",
            SweepQuizAttempts::QUEUE,
            SweepQuizAttempts::NAME,
            "0 * * * * *",
            jobs::schedule::IST,
        ));
}
