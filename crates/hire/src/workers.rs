//! The crate's jobs: `analyse-resume` on `resumeAnalysisQueue` (ids only in the payload),
//! queued by the apply transaction and by a rubric change, screened through the LLM gateway;
//! `sync-aarya-calls` on `aaryaSyncQueue` (15 minutes); Miss Ozone's `dial-ozone-call`,
//! `reconcile-ozone-calls` (60 seconds) and `prune-ozone-calls` (03:30 IST) on
//! `missOzoneQueue`.

use integrations::Integrations;
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

pub use crate::service::{ozone::DialOzoneCall, reviews::SendStageEmail};
use crate::{
    Hire,
    service::{
        candidates, ozone, reviews,
        screening::{self, AnalyseResume},
        talent, voice,
    },
};

/// Miss Ozone's reconciler (`missOzoneQueue`, every 60 seconds): due calls and retries
/// dialled, lost webhooks recovered from the status API.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReconcileOzoneCalls {}

impl JobSpec for ReconcileOzoneCalls {
    const QUEUE: &'static str = "missOzoneQueue";
    const NAME: &'static str = "reconcile-ozone-calls";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Miss Ozone's prune (`missOzoneQueue`, 03:30 IST): transcripts past their retention.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PruneOzoneCalls {}

impl JobSpec for PruneOzoneCalls {
    const QUEUE: &'static str = "missOzoneQueue";
    const NAME: &'static str = "prune-ozone-calls";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Refreshes every platform's salary benchmark (`salaryBenchmarkQueue`, every 15 days).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RefreshSalaryBenchmark {}

impl JobSpec for RefreshSalaryBenchmark {
    const QUEUE: &'static str = "salaryBenchmarkQueue";
    const NAME: &'static str = "refresh-salary-benchmark";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The salary benchmark's schedule: every 15 days.
pub fn salary_schedule() -> ScheduleSpec {
    ScheduleSpec::every(
        "hire:refresh-salary-benchmark",
        RefreshSalaryBenchmark::QUEUE,
        RefreshSalaryBenchmark::NAME,
        15 * 24 * 3600 * 1000,
    )
}

/// Re-queues applications never screened (`resumeAnalysisQueue`, daily 02:00 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BackfillScreening {}

impl JobSpec for BackfillScreening {
    const QUEUE: &'static str = "resumeAnalysisQueue";
    const NAME: &'static str = "backfill-screening";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The application backfill's schedule: 02:00 IST.
pub fn backfill_schedule() -> ScheduleSpec {
    ScheduleSpec::cron(
        "hire:backfill-screening",
        BackfillScreening::QUEUE,
        BackfillScreening::NAME,
        "0 0 2 * * *",
        jobs::schedule::IST,
    )
}

/// Deletes voice-interview recordings past `HIRE_RECORDING_RETENTION_DAYS` (`cleanupQueue`,
/// daily 03:00 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PruneVoiceRecordings {}

impl JobSpec for PruneVoiceRecordings {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "prune-voice-recordings";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Marks talent-pool consents past their end expired (`cleanupQueue`, daily 02:30 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExpireTalentPool {}

impl JobSpec for ExpireTalentPool {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "expire-talent-pool";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The retention schedules: recordings at 03:00 IST, talent-pool consents at 02:30 IST.
pub fn retention_schedules() -> [ScheduleSpec; 2] {
    [
        ScheduleSpec::cron(
            "hire:prune-voice-recordings",
            PruneVoiceRecordings::QUEUE,
            PruneVoiceRecordings::NAME,
            "0 0 3 * * *",
            jobs::schedule::IST,
        ),
        ScheduleSpec::cron(
            "hire:expire-talent-pool",
            ExpireTalentPool::QUEUE,
            ExpireTalentPool::NAME,
            "0 30 2 * * *",
            jobs::schedule::IST,
        ),
    ]
}

/// The reconciler's scheduler id.
pub const OZONE_RECONCILE_SCHEDULE: &str = "hire:reconcile-ozone-calls";
/// The prune's scheduler id.
pub const OZONE_PRUNE_SCHEDULE: &str = "hire:prune-ozone-calls";

/// Reconciles Aarya's calls whose webhook never came (`aaryaSyncQueue`, every 15 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SyncAaryaCalls {}

impl JobSpec for SyncAaryaCalls {
    const QUEUE: &'static str = "aaryaSyncQueue";
    const NAME: &'static str = "sync-aarya-calls";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's jobs.
pub fn workers(
    registry: &mut Registry,
    hire: &Hire,
    integrations: &Integrations,
    mailer: &comms::Mailer,
) {
    let state = hire.clone();
    let integrations = integrations.clone();
    registry.handle(move |ctx: JobContext, job: AnalyseResume| {
        let state = state.clone();
        let integrations = integrations.clone();
        async move {
            let db = &state.ctx().db;
            let tenant = ctx.tenant(state.ctx()).await?;
            let done = screening::screen(db, state.storage(), &integrations, state.backend(), &tenant, job.application_id)
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
    ozone_workers(registry, hire);
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: RefreshSalaryBenchmark| {
            let state = state.clone();
            async move {
                let rows = talent::refresh_all(&state.ctx().db)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, rows, "salary benchmark refreshed");
                Ok(())
            }
        })
        .schedule(salary_schedule());
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: BackfillScreening| {
            let state = state.clone();
            async move {
                let queued = screening::backfill(&state.ctx().db, state.jobs())
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, queued, "screening backfill");
                Ok(())
            }
        })
        .schedule(backfill_schedule());
    retention_workers(registry, hire);
    let state = hire.clone();
    let mailer = mailer.clone();
    registry.handle(move |ctx: JobContext, job: SendStageEmail| {
        let state = state.clone();
        let mailer = mailer.clone();
        async move {
            let outcome =
                reviews::send_stage_email(&state.ctx().db, &mailer, &ctx.platform, &job).await?;
            tracing::info!(job_id = %ctx.job_id, application = %job.application_id, template = %job.template, ?outcome, "stage email");
            Ok(())
        }
    });
}

fn ozone_workers(registry: &mut Registry, hire: &Hire) {
    let state = hire.clone();
    registry.handle(move |ctx: JobContext, job: DialOzoneCall| {
        let state = state.clone();
        async move {
            let Some(client) = state.elevenlabs() else {
                return Err(JobError::Permanent(anyhow::anyhow!(
                    "ElevenLabs is not configured"
                )));
            };
            let outcome = ozone::dial(&state.ctx().db, client, job.call_id)
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
            tracing::info!(job_id = %ctx.job_id, call = %job.call_id, ?outcome, "miss ozone dial");
            Ok(())
        }
    });
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: ReconcileOzoneCalls| {
            let state = state.clone();
            async move {
                let Some(client) = state.elevenlabs() else {
                    return Ok(());
                };
                let min_age = chrono::Duration::seconds(state.config().ozone_sync_min_age_secs);
                let report = ozone::reconcile(&state.ctx().db, client, min_age)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, ?report, "miss ozone calls reconciled");
                Ok(())
            }
        })
        .schedule(ozone_schedules()[0].clone());
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: PruneOzoneCalls| {
            let state = state.clone();
            async move {
                let pruned = ozone::prune(&state.ctx().db, state.config().ozone_transcript_days)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, pruned, "miss ozone transcripts pruned");
                Ok(())
            }
        })
        .schedule(ozone_schedules()[1].clone());
}

/// Miss Ozone's schedules: the reconciler every 60 seconds, the prune at 03:30 IST.
pub fn ozone_schedules() -> [ScheduleSpec; 2] {
    [
        ScheduleSpec::every(
            OZONE_RECONCILE_SCHEDULE,
            ReconcileOzoneCalls::QUEUE,
            ReconcileOzoneCalls::NAME,
            60_000,
        ),
        ScheduleSpec::cron(
            OZONE_PRUNE_SCHEDULE,
            PruneOzoneCalls::QUEUE,
            PruneOzoneCalls::NAME,
            "0 30 3 * * *",
            jobs::schedule::IST,
        ),
    ]
}

fn retention_workers(registry: &mut Registry, hire: &Hire) {
    let [recordings, pool] = retention_schedules();
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: PruneVoiceRecordings| {
            let state = state.clone();
            async move {
                let pruned = candidates::prune_recordings(
                    &state.ctx().db,
                    state.storage(),
                    state.config().recording_retention_days,
                )
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, pruned, "voice recordings pruned");
                Ok(())
            }
        })
        .schedule(recordings);
    let state = hire.clone();
    registry
        .handle(move |ctx: JobContext, _job: ExpireTalentPool| {
            let state = state.clone();
            async move {
                let expired = candidates::expire_talent_pool(&state.ctx().db)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, platforms = expired.len(), total = expired.values().sum::<i64>(), "talent-pool consents expired");
                Ok(())
            }
        })
        .schedule(pool);
}
