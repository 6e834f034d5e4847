//! The crate's jobs: `analyse-resume` on `resumeAnalysisQueue` (ids only in the payload),
//! queued by the apply transaction and by a rubric change, screened through the LLM gateway.

use integrations::Integrations;
use jobs::{JobContext, JobError, Registry};

use crate::{
    Hire,
    service::screening::{self, AnalyseResume},
};

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
}
