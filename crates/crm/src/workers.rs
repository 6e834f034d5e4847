//! The crate's jobs and schedules: `leadAssignmentQueue` every 15 minutes (when
//! `LEAD_AUTO_ASSIGNMENT_ENABLED`), assigning open leads that found no free agent when they
//! arrived ([`crate::service::assignment::assign_unassigned`]); the workflow engine's
//! subscribers to `lead.created` and `lead.stage_changed`, which start runs, and its step job
//! on `workflowQueue` (`run-workflow-step`, job id `<run_id>.<step_id>`: BullMQ refuses `:` in
//! custom ids, the effect ledger's key is `<run_id>:<step_id>`).

use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};
use uuid::Uuid;

use crate::{
    Crm,
    dto::workflows::TriggerEvent,
    entities::Stage,
    events::{LeadCreated, LeadStageChanged},
    service::{
        assignment,
        workflow_steps::{self, StepOutcome},
        workflows,
    },
};

/// Runs one step of a workflow run (`workflowQueue`). Ids only.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunWorkflowStep {
    /// The run.
    pub run_id: Uuid,
    /// The step (an id of the run's version).
    pub step_id: String,
}

impl JobSpec for RunWorkflowStep {
    const QUEUE: &'static str = "workflowQueue";
    const NAME: &'static str = "run-workflow-step";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

impl RunWorkflowStep {
    /// The deterministic BullMQ job id of the step.
    pub fn job_id(&self) -> String {
        format!("{}.{}", self.run_id, self.step_id)
    }
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(anyhow::anyhow!("{e}"))
}

async fn queue_step(
    crm: &Crm,
    platform: &str,
    run_id: Uuid,
    step_id: String,
) -> Result<(), JobError> {
    let job = RunWorkflowStep { run_id, step_id };
    crm.jobs()
        .enqueue(platform, &job, Some(&job.job_id()))
        .await
        .map_err(retry)?;
    Ok(())
}

/// Queues a step under an explicit job id (a retry uses `<run>.<step>.<attempts>`: the failed
/// job keeps `<run>.<step>` in BullMQ's failed set).
pub async fn queue_step_as(
    crm: &Crm,
    platform: &str,
    run_id: Uuid,
    step_id: String,
    job_id: &str,
) -> Result<(), kernel::AppError> {
    crm.jobs()
        .enqueue(platform, &RunWorkflowStep { run_id, step_id }, Some(job_id))
        .await
        .map_err(kernel::AppError::Unexpected)?;
    Ok(())
}

/// Queues again the next step of runs idle for 10 minutes (`workflowQueue`, every 5 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SweepStaleRuns {}

impl JobSpec for SweepStaleRuns {
    const QUEUE: &'static str = "workflowQueue";
    const NAME: &'static str = "sweep-stale-workflow-runs";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Re-queues the next step of every stale run; returns how many.
pub async fn sweep_stale(crm: &Crm, idle: chrono::Duration) -> Result<usize, JobError> {
    let stale = workflows::stale_runs(&crm.ctx().db, idle)
        .await
        .map_err(retry)?;
    for (platform, again) in &stale {
        queue_step(crm, platform, again.run_id, again.step_id.clone()).await?;
    }
    Ok(stale.len())
}

async fn start(
    crm: &Crm,
    ctx: &JobContext,
    event: TriggerEvent,
    stage: Option<Stage>,
    lead_id: Uuid,
    depth: i32,
) -> Result<(), JobError> {
    let app = crm.ctx();
    let tenant = app
        .tenants
        .resolve(&app.db, Some(&ctx.platform))
        .await
        .map_err(retry)?;
    let started = workflows::start_runs(
        &app.db,
        tenant.id,
        event,
        stage,
        lead_id,
        depth,
        &ctx.job_id,
    )
    .await
    .map_err(retry)?;
    for run in started {
        tracing::info!(run_id = %run.run_id, %lead_id, "workflow run started");
        queue_step(crm, &ctx.platform, run.run_id, run.first_step).await?;
    }
    Ok(())
}

/// Registers the workflow engine: the subscribers that start runs, the step job and the
/// stale-run sweeper.
pub fn workflow_workers(registry: &mut Registry, crm: &Crm) {
    let state = crm.clone();
    registry
        .handle(move |ctx: JobContext, _job: SweepStaleRuns| {
            let state = state.clone();
            async move {
                let n = sweep_stale(&state, chrono::Duration::minutes(10)).await?;
                tracing::info!(job_id = %ctx.job_id, requeued = n, "stale workflow runs swept");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "crm:sweep-stale-workflow-runs",
            SweepStaleRuns::QUEUE,
            SweepStaleRuns::NAME,
            "0 */5 * * * *",
            jobs::schedule::IST,
        ));
    let state = crm.clone();
    registry.subscribe("crm-workflows", move |ctx: JobContext, ev: LeadCreated| {
        let state = state.clone();
        async move { start(&state, &ctx, TriggerEvent::LeadCreated, None, ev.lead_id, 0).await }
    });
    let state = crm.clone();
    registry.subscribe(
        "crm-workflows",
        move |ctx: JobContext, ev: LeadStageChanged| {
            let state = state.clone();
            async move {
                start(
                    &state,
                    &ctx,
                    TriggerEvent::LeadStageChanged,
                    Some(ev.to),
                    ev.lead_id,
                    ev.depth,
                )
                .await
            }
        },
    );
    let state = crm.clone();
    registry.handle(move |ctx: JobContext, job: RunWorkflowStep| {
        let state = state.clone();
        async move {
            let app = state.ctx();
            let tenant = app
                .tenants
                .resolve(&app.db, Some(&ctx.platform))
                .await
                .map_err(retry)?;
            match workflow_steps::run_step(app, &tenant, job.run_id, &job.step_id).await {
                Ok(outcome) => {
                    state.jobs().notify_committed();
                    if let StepOutcome::Next(next) = outcome {
                        queue_step(&state, &ctx.platform, job.run_id, next).await?;
                    }
                    Ok(())
                }
                Err(e) => {
                    tracing::warn!(run_id = %job.run_id, step_id = %job.step_id, attempt = ctx.attempt, error = %e, "workflow step failed");
                    if ctx.attempt >= ctx.max_attempts {
                        workflow_steps::fail_step(
                            app,
                            job.run_id,
                            &job.step_id,
                            &e.to_string(),
                            ctx.attempt,
                        )
                            .await
                            .map_err(retry)?;
                    }
                    Err(retry(e))
                }
            }
        }
    });
}

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

/// Registers the crate's jobs (the assignment sweep and, when enabled, its 15-minute
/// schedule; the workflow engine).
pub fn workers(registry: &mut Registry, crm: &Crm) {
    workflow_workers(registry, crm);
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
