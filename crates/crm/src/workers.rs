//! The crate's jobs and schedules: `leadAssignmentQueue` every 15 minutes (when
//! `LEAD_AUTO_ASSIGNMENT_ENABLED`), assigning open leads that found no free agent when they
//! arrived ([`crate::service::assignment::assign_unassigned`]).

use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{Crm, service::assignment};

/// Leads assigned per run at most.
pub const SWEEP_LIMIT: u64 = 2_000;

/// Assigns unowned open leads (`leadAssignmentQueue`). Carries nothing: ids are read from
/// the tables.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AssignUnassignedLeads {}

impl JobSpec for AssignUnassignedLeads {
    const QUEUE: &'static str = "leadAssignmentQueue";
    const NAME: &'static str = "assign-unassigned-leads";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's jobs and, when enabled, the 15-minute schedule.
pub fn workers(registry: &mut Registry, crm: &Crm) {
    let state = crm.clone();
    registry.handle(move |ctx: JobContext, _job: AssignUnassignedLeads| {
        let state = state.clone();
        async move {
            let swept = assignment::assign_unassigned(state.ctx(), SWEEP_LIMIT)
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
            tracing::info!(job_id = %ctx.job_id, assigned = swept.assigned, waiting = swept.waiting, "unassigned leads swept");
            if swept.assigned > 0 {
                state.jobs().notify_committed();
            }
            Ok(())
        }
    });
    if crm.config().auto_assignment {
        registry.schedule(ScheduleSpec::cron(
            "crm:assign-unassigned-leads",
            AssignUnassignedLeads::QUEUE,
            AssignUnassignedLeads::NAME,
            "0 */15 * * * *",
            jobs::schedule::IST,
        ));
    }
}
