//! The crate's jobs and schedules: the daily reconciliation of course orders against
//! Razorpay (`cleanupQueue`, 03:15 IST), registered by [`payment_workers`] because it needs
//! the shared payments; the quiz sweeper (`cleanupQueue`, every minute: finalises attempts
//! whose deadline plus `QUIZ_SUBMIT_GRACE_SECONDS` passed, grading their saved answers) in
//! [`workers`], where assignment reminders register too.

use chrono::Duration;
use integrations::payments::Payments;
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{
    Lms,
    service::{attempts, orders},
};

/// Reconciles course orders left `initiated` against Razorpay: captures what Razorpay says was
/// paid (enrolling once), expires what was never paid within a day (`cleanupQueue`, daily).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReconcileCourseOrders {}

impl JobSpec for ReconcileCourseOrders {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "reconcile-course-orders";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

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

/// Registers the jobs that need the shared payments (the course-order reconciliation).
pub fn payment_workers(registry: &mut Registry, payments: &Payments) {
    let payments = payments.clone();
    registry
        .handle(move |_ctx: JobContext, _job: ReconcileCourseOrders| {
            let payments = payments.clone();
            async move {
                if payments.razorpay.is_none() {
                    return Ok(());
                }
                let done = orders::reconcile(&payments, Duration::minutes(30), Duration::hours(24))
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(?done, "course orders reconciled");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:reconcile-course-orders",
            ReconcileCourseOrders::QUEUE,
            ReconcileCourseOrders::NAME,
            "0 15 3 * * *",
            jobs::schedule::IST,
        ));
}
