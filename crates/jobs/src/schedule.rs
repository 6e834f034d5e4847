//! Repeatable jobs as BullMQ job schedulers: upserted at boot by every process, fired once
//! per tick across any number of replicas (the scheduler lives in Redis, not in a process).

use bullmq::job_scheduler::RepeatOptions;
use serde_json::Value;

use crate::{Jobs, queues};

/// The time zone of the seed's "IST" schedules.
pub const IST: &str = "Asia/Kolkata";

/// One repeatable job.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleSpec {
    /// Scheduler id, stable across deployments (`cleanup:expired-slots`).
    pub id: String,
    /// Queue the jobs go to.
    pub queue: String,
    /// Job name.
    pub job_name: String,
    /// Cron pattern (with seconds optional) — or none when `every_ms` is used.
    pub cron: Option<String>,
    /// Time zone of the cron pattern (IANA name).
    pub tz: Option<String>,
    /// Fixed interval in milliseconds — or none when `cron` is used.
    pub every_ms: Option<u64>,
    /// Job data (the tenant goes in `platform`).
    pub data: Value,
}

impl ScheduleSpec {
    /// A cron schedule in a time zone.
    pub fn cron(id: &str, queue: &str, job_name: &str, pattern: &str, tz: &str) -> Self {
        Self {
            id: id.into(),
            queue: queue.into(),
            job_name: job_name.into(),
            cron: Some(pattern.into()),
            tz: Some(tz.into()),
            every_ms: None,
            data: Value::Object(Default::default()),
        }
    }

    /// A fixed-interval schedule.
    pub fn every(id: &str, queue: &str, job_name: &str, every_ms: u64) -> Self {
        Self {
            id: id.into(),
            queue: queue.into(),
            job_name: job_name.into(),
            cron: None,
            tz: None,
            every_ms: Some(every_ms),
            data: Value::Object(Default::default()),
        }
    }

    /// With job data.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// Upserts every schedule (idempotent: the same id replaces the previous definition).
pub async fn upsert_all(jobs: &Jobs, specs: &[ScheduleSpec]) -> anyhow::Result<()> {
    for spec in specs {
        upsert(jobs, spec).await?;
    }
    Ok(())
}

/// Upserts one schedule, e.g. after a PostgreSQL row that defines it changed.
pub async fn upsert(jobs: &Jobs, spec: &ScheduleSpec) -> anyhow::Result<()> {
    let queue = jobs.queue(&spec.queue).await?;
    let repeat = RepeatOptions {
        pattern: spec.cron.clone(),
        every: spec.every_ms,
        tz: spec.tz.clone(),
        ..Default::default()
    };
    let defaults = queues::spec(&spec.queue).map(|q| jobs.job_options(q));
    queue
        .upsert_job_scheduler(
            &spec.id,
            repeat,
            Some(&spec.job_name),
            Some(spec.data.clone()),
            defaults,
        )
        .await
        .map_err(|e| anyhow::anyhow!("upserting scheduler {}: {e}", spec.id))?;
    Ok(())
}

/// Removes a schedule (a sync config was disabled or deleted).
pub async fn remove(jobs: &Jobs, queue: &str, id: &str) -> anyhow::Result<bool> {
    let queue = jobs.queue(queue).await?;
    queue
        .remove_job_scheduler(id)
        .await
        .map_err(|e| anyhow::anyhow!("removing scheduler {id}: {e}"))
}
