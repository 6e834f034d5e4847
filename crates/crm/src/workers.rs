//! The crate's jobs and schedules: `leadAssignmentQueue` every 15 minutes (when
//! `LEAD_AUTO_ASSIGNMENT_ENABLED`), assigning open leads that found no free agent when they
//! arrived ([`crate::service::assignment::assign_unassigned`]); the workflow engine's
//! subscribers to `lead.created`, `lead.stage_changed`, `lead.field_changed` and
//! `lead.form_submitted`, which start runs, the 5-minute trigger scan (`time_since`,
//! `schedule`), and its step job on `workflowQueue` (`run-workflow-step`, job id
//! `<run_id>.<step_id>`: BullMQ refuses `:` in custom ids, the effect ledger's key is
//! `<run_id>:<step_id>`; the step after a wait is the same job delayed).

use integrations::Integrations;
use jobs::{Envelope, JobContext, JobError, JobSpec, Registry, ScheduleSpec};
use uuid::Uuid;

use crate::{
    Crm,
    dto::workflows::TriggerEvent,
    events::{LeadCreated, LeadFieldChanged, LeadFormSubmitted, LeadStageChanged},
    service::{
        assignment,
        reminders::{self, RemindLeadTask},
        webhook::WebhookPolicy,
        workflow_steps::{self, Effects, StepOutcome},
        workflows::{self, Fired},
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

/// Queues a step `delay_ms` from now under `job_id` (the step after a wait; a step deferred
/// by quiet hours).
async fn queue_step_later(
    crm: &Crm,
    platform: &str,
    job: &RunWorkflowStep,
    job_id: &str,
    delay_ms: u64,
) -> Result<(), JobError> {
    let data = serde_json::to_value(Envelope {
        platform: Some(platform.to_owned()),
        payload: job,
    })
    .map_err(retry)?;
    crm.jobs()
        .add_raw(
            RunWorkflowStep::QUEUE,
            RunWorkflowStep::NAME,
            data,
            Some(job_id),
            delay_ms,
        )
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
        queue_step_as(
            crm,
            platform,
            again.run_id,
            again.step_id.clone(),
            &again.job_id,
        )
        .await
        .map_err(retry)?;
    }
    Ok(stale.len())
}

async fn start(crm: &Crm, platform: &str, fired: Fired) -> Result<(), JobError> {
    let app = crm.ctx();
    let tenant = app
        .tenants
        .resolve(&app.db, Some(platform))
        .await
        .map_err(retry)?;
    let started = workflows::start_fired(&app.db, tenant.id, &fired)
        .await
        .map_err(retry)?;
    for run in started {
        tracing::info!(run_id = %run.run_id, lead_id = %fired.lead_id, "workflow run started");
        queue_step(crm, platform, run.run_id, run.first_step).await?;
    }
    Ok(())
}

/// Fires the `time_since` and `schedule` workflows (`workflowQueue`, every 5 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ScanWorkflowTriggers {}

impl JobSpec for ScanWorkflowTriggers {
    const QUEUE: &'static str = "workflowQueue";
    const NAME: &'static str = "scan-workflow-triggers";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Runs the trigger scan once; returns how many leads it fired for.
pub async fn scan_triggers(crm: &Crm) -> Result<usize, JobError> {
    let hits = workflows::scan_triggers(&crm.ctx().db, chrono::Utc::now())
        .await
        .map_err(retry)?;
    let n = hits.len();
    for hit in hits {
        start(crm, &hit.platform, hit.fired).await?;
    }
    Ok(n)
}

/// Registers the workflow engine: the subscribers that start runs, the trigger scan, the step
/// job and the stale-run sweeper. `llm` writes `llm_message` steps.
pub fn workflow_workers(registry: &mut Registry, crm: &Crm, llm: &Integrations) {
    let state = crm.clone();
    registry
        .handle(move |ctx: JobContext, _job: ScanWorkflowTriggers| {
            let state = state.clone();
            async move {
                let n = scan_triggers(&state).await?;
                tracing::info!(job_id = %ctx.job_id, fired = n, "workflow triggers scanned");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "crm:scan-workflow-triggers",
            ScanWorkflowTriggers::QUEUE,
            ScanWorkflowTriggers::NAME,
            "30 */5 * * * *",
            jobs::schedule::IST,
        ));
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
        async move {
            let fired = Fired::new(TriggerEvent::LeadCreated, ev.lead_id, 0, &ctx.job_id);
            start(&state, &ctx.platform, fired).await
        }
    });
    let state = crm.clone();
    registry.subscribe(
        "crm-workflows",
        move |ctx: JobContext, ev: LeadFieldChanged| {
            let state = state.clone();
            async move {
                let mut fired = Fired::new(
                    TriggerEvent::LeadFieldChanged,
                    ev.lead_id,
                    ev.depth,
                    &ctx.job_id,
                );
                fired.field = Some(ev.field);
                start(&state, &ctx.platform, fired).await
            }
        },
    );
    let state = crm.clone();
    registry.subscribe(
        "crm-workflows",
        move |ctx: JobContext, ev: LeadFormSubmitted| {
            let state = state.clone();
            async move {
                let mut fired =
                    Fired::new(TriggerEvent::LeadFormSubmitted, ev.lead_id, 0, &ctx.job_id);
                fired.form = Some(ev.form);
                start(&state, &ctx.platform, fired).await
            }
        },
    );
    let state = crm.clone();
    registry.subscribe(
        "crm-workflows",
        move |ctx: JobContext, ev: LeadStageChanged| {
            let state = state.clone();
            async move {
                let mut fired = Fired::new(
                    TriggerEvent::LeadStageChanged,
                    ev.lead_id,
                    ev.depth,
                    &ctx.job_id,
                );
                fired.stage = Some(ev.to);
                start(&state, &ctx.platform, fired).await
            }
        },
    );
    let state = crm.clone();
    let llm = llm.clone();
    let policy = WebhookPolicy {
        allow_hosts: crm.config().webhook_allow_hosts.clone(),
        timeout: crm.config().webhook_timeout,
    };
    registry.handle(move |ctx: JobContext, job: RunWorkflowStep| {
        let state = state.clone();
        let llm = llm.clone();
        let policy = policy.clone();
        async move {
            let app = state.ctx();
            let tenant = ctx.tenant(app).await?;
            let effects = Effects {
                llm: Some(&llm),
                webhooks: &policy,
            };
            match workflow_steps::run_step_with(app, &tenant, job.run_id, &job.step_id, effects)
                .await
            {
                Ok(outcome) => {
                    state.jobs().notify_committed();
                    match outcome {
                        StepOutcome::Next { step, delay_ms: 0 } => {
                            queue_step(&state, &ctx.platform, job.run_id, step).await?;
                        }
                        StepOutcome::Next { step, delay_ms } => {
                            let next = RunWorkflowStep {
                                run_id: job.run_id,
                                step_id: step,
                            };
                            queue_step_later(&state, &ctx.platform, &next, &next.job_id(), delay_ms)
                                .await?;
                        }
                        StepOutcome::Deferred { job_id, delay_ms } => {
                            queue_step_later(&state, &ctx.platform, &job, &job_id, delay_ms)
                                .await?;
                        }
                        StepOutcome::Idle | StepOutcome::Completed => {}
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

/// Computes the sales dashboard's KPIs of every platform into `sales_kpi_cache`
/// (`kpiQueue`, every 15 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ComputeSalesKpis {}

impl JobSpec for ComputeSalesKpis {
    const QUEUE: &'static str = "kpiQueue";
    const NAME: &'static str = "compute-sales-kpis";
    const SECRET_FIELDS: &'static [&'static str] = &[];
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
pub fn workers(registry: &mut Registry, crm: &Crm, llm: &Integrations) {
    workflow_workers(registry, crm, llm);
    crate::service::inbound::subscribe(registry, crm);
    let state = crm.clone();
    registry
        .handle(move |ctx: JobContext, _job: ComputeSalesKpis| {
            let state = state.clone();
            async move {
                let n = crate::service::kpis::refresh_all(&state.ctx().db)
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, platforms = n, "sales KPIs computed");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "crm:compute-sales-kpis",
            ComputeSalesKpis::QUEUE,
            ComputeSalesKpis::NAME,
            "0 */15 * * * *",
            jobs::schedule::IST,
        ));
    let state = crm.clone();
    registry.handle(move |ctx: JobContext, job: RemindLeadTask| {
        let state = state.clone();
        async move {
            let app = state.ctx();
            let tenant = ctx.tenant(app).await?;
            let sent = reminders::remind(app, &tenant, job.task_id)
                .await
                .map_err(retry)?;
            if sent {
                state.jobs().notify_committed();
            }
            tracing::info!(job_id = %ctx.job_id, task_id = %job.task_id, sent, "lead task reminder");
            Ok(())
        }
    });
    let state = crm.clone();
    registry.handle(move |ctx: JobContext, _job: AssignUnassignedLeads| {
        let state = state.clone();
        async move {
            let swept = assignment::assign_unassigned(state.ctx(), SWEEP_LIMIT)
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
            let sla = assignment::sla_sweep(state.ctx())
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
            tracing::info!(job_id = %ctx.job_id, assigned = swept.assigned, waiting = swept.waiting, sla_reassigned = sla, "unassigned leads swept");
            if swept.assigned > 0 || sla > 0 {
                state.jobs().notify_committed();
            }
            Ok(())
        }
    });
    agreement_workers(registry, crm, llm);
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

/// Settles agreements stuck in `sent` from Leegality's status (`workflowQueue`, hourly;
/// ADR 0067). No payload.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RecoverStuckAgreements {}

impl JobSpec for RecoverStuckAgreements {
    const QUEUE: &'static str = "workflowQueue";
    const NAME: &'static str = "recover-stuck-agreements";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers [`RecoverStuckAgreements`] and its hourly schedule when Leegality and storage
/// are configured.
fn agreement_workers(registry: &mut Registry, crm: &Crm, integrations: &Integrations) {
    let (Some(client), Some(storage)) = (integrations.leegality.clone(), crm.storage().cloned())
    else {
        return;
    };
    let state = crm.clone();
    registry
        .handle(move |ctx: JobContext, _job: RecoverStuckAgreements| {
            let (state, client, storage) = (state.clone(), client.clone(), storage.clone());
            async move {
                let settled =
                    crate::service::agreements::recover_all(&state.ctx().db, &storage, &client)
                        .await
                        .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, settled, "stuck agreements recovered");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "crm:recover-stuck-agreements",
            RecoverStuckAgreements::QUEUE,
            RecoverStuckAgreements::NAME,
            "0 7 * * * *",
            jobs::schedule::IST,
        ));
}
