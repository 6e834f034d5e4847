//! The crate's jobs and schedules (the quiz sweeper and the payment reconciliation register
//! here too): the assignment reminders (`assignmentReminderQueue`, daily at 19:00 IST; see
//! [`reminders`]).

use chrono::Utc;
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{
    Lms,
    service::reminders::{self, AssignmentReminders},
};

fn retry(e: crate::LmsError) -> JobError {
    JobError::Retry(anyhow::Error::new(e))
}

/// Registers the crate's jobs and schedules.
pub fn workers(registry: &mut Registry, lms: &Lms) {
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: AssignmentReminders| {
            let state = state.clone();
            async move {
                let sent = reminders::send_due(state.ctx(), Utc::now())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, sent, "assignment reminders");
                if sent > 0 {
                    state.jobs().notify_committed();
                }
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:assignment-reminders",
            AssignmentReminders::QUEUE,
            AssignmentReminders::NAME,
            "0 0 19 * * *",
            jobs::schedule::IST,
        ));
}
