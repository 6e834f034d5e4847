//! The crate's jobs: `analyse-resume` on `resumeAnalysisQueue` (ids only in the payload),
//! queued by the apply transaction and by a rubric change, screened through the LLM gateway.

use integrations::Integrations;
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{
    Hire,
    service::{
        screening::{self, AnalyseResume},
        voice,
    },
};

/// Reconciles Aarya's calls whose webhook never came (`aaryaSyncQueue`, every 15 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SyncAaryaCalls {}

impl JobSpec for SyncAaryaCalls {
    const QUEUE: &'static str = "aaryaSyncQueue";
    const NAME: &'static str = "sync-aarya-calls";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's jobs.
pub fn workers(registry: &mut Registry, hire: &Hire, integrations: &Integrations) {
    let state = hire.clone();
    let integrations = integrations.clone();
    registry.handle(move |ctx: JobContext, job: AnalyseResume| {
        let state = state.clone();
        let integrations = integrations.clone();
        async move {
            let db = &state.ctx().db;
            let tenant = state
                .ctx()
                .tenants
                .resolve(db, Some(&ctx.platform))
                .await
                .map_err(|e| JobError::Retry(anyhow::anyhow!("{e}")))?;
            let done = screening::screen(db, state.storage(), &integrations, &tenant, job.application_id)
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
            tracing::info!(job_id = %ctx.job_id, application = %job.application_id, screened = done.is_some(), "resume analysis");
            Ok(())
        }
    });
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: SyncAaryaCalls| {
            let state = state.clone();
            async move {
                let Some(client) = state.elevenlabs() else {
                    return Ok(());
                };
                let min_age = chrono::Duration::seconds(state.config().aarya_sync_min_age_secs);
                let changed = voice::reconcile(&state.ctx().db, state.storage(), client, min_age)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, changed, "aarya calls reconciled");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "hire:sync-aarya-calls",
            SyncAaryaCalls::QUEUE,
            SyncAaryaCalls::NAME,
            "0 */15 * * * *",
            jobs::schedule::IST,
        ));
}
