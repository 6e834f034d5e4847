//! Dead letters: a job that exhausts its attempts (or fails permanently) is copied to its
//! queue's dead-letter queue `<queue>.dlq` (a BullMQ queue without a worker, so Bull Board
//! shows it too), where it stays until replayed or cleaned.

use bullmq::{Job, JobOptions, types::RemoveOnFinish};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Jobs, job::JobContext, queues::dead_letter_name};

/// A dead-lettered job.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadLetter {
    /// Id of the original job (also the dead letter's id).
    pub job_id: String,
    /// Original queue.
    pub queue: String,
    /// Job name.
    pub name: String,
    /// Original job data (any JSON: Node producers may enqueue more than objects).
    pub data: serde_json::Value,
    /// Why the last attempt failed.
    pub failed_reason: String,
    /// Attempts made.
    pub attempts_made: u32,
    /// When it was dead-lettered (ms since epoch).
    pub failed_at: i64,
}

/// The dead letter's own job id (BullMQ refuses integer custom ids, and auto ids are integers).
fn letter_id(job_id: &str) -> String {
    format!("dead-{job_id}")
}

/// Copies a failed job to its dead-letter queue (idempotent: one dead letter per job id).
pub async fn capture(jobs: &Jobs, job: &Job, ctx: &JobContext, reason: &str) -> anyhow::Result<()> {
    let letter = DeadLetter {
        job_id: ctx.job_id.clone(),
        queue: ctx.queue.clone(),
        name: ctx.name.clone(),
        data: job.data().clone(),
        failed_reason: reason.to_owned(),
        attempts_made: ctx.attempt,
        failed_at: chrono::Utc::now().timestamp_millis(),
    };
    let dlq = jobs.queue(&dead_letter_name(&ctx.queue)).await?;
    let opts = JobOptions {
        job_id: Some(letter_id(&ctx.job_id)),
        attempts: Some(1),
        remove_on_complete: Some(RemoveOnFinish::Bool(true)),
        ..Default::default()
    };
    dlq.add(&ctx.name, serde_json::to_value(&letter)?)
        .options(opts)
        .await
        .map_err(|e| anyhow::anyhow!("adding dead letter: {e}"))?;
    Ok(())
}

/// Dead letters of a queue, newest first.
pub async fn list(
    jobs: &Jobs,
    queue: &str,
    start: i64,
    end: i64,
) -> anyhow::Result<Vec<DeadLetter>> {
    let dlq = jobs.queue(&dead_letter_name(queue)).await?;
    let found = dlq
        .get_waiting(start, end)
        .await
        .map_err(|e| anyhow::anyhow!("listing dead letters: {e}"))?;
    Ok(found
        .iter()
        .filter_map(|j| serde_json::from_value(j.data().clone()).ok())
        .collect())
}

/// How many dead letters a queue holds.
pub async fn count(jobs: &Jobs, queue: &str) -> anyhow::Result<u64> {
    let dlq = jobs.queue(&dead_letter_name(queue)).await?;
    dlq.get_waiting_count()
        .await
        .map_err(|e| anyhow::anyhow!("counting dead letters: {e}"))
}

/// One dead letter by the id of the job it copies.
pub async fn find(jobs: &Jobs, queue: &str, job_id: &str) -> anyhow::Result<Option<DeadLetter>> {
    let dlq = jobs.queue(&dead_letter_name(queue)).await?;
    let Some(job) = dlq
        .get_job(&letter_id(job_id))
        .await
        .map_err(|e| anyhow::anyhow!("reading dead letter: {e}"))?
    else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_value(job.data().clone())?))
}

/// Puts a dead letter back on its queue as a new job with fresh attempts; returns its id.
/// `None` when there is no such dead letter.
pub async fn replay(jobs: &Jobs, queue: &str, job_id: &str) -> anyhow::Result<Option<String>> {
    let dlq = jobs.queue(&dead_letter_name(queue)).await?;
    let Some(job) = dlq
        .get_job(&letter_id(job_id))
        .await
        .map_err(|e| anyhow::anyhow!("reading dead letter: {e}"))?
    else {
        return Ok(None);
    };
    let letter: DeadLetter = serde_json::from_value(job.data().clone())?;
    let new_id = format!(
        "{}-replay-{}",
        letter.job_id,
        chrono::Utc::now().timestamp_millis()
    );
    let added = jobs
        .add_raw(queue, &letter.name, letter.data, Some(&new_id), 0)
        .await?;
    dlq.remove(&letter_id(job_id))
        .await
        .map_err(|e| anyhow::anyhow!("removing replayed dead letter: {e}"))?;
    tracing::info!(%queue, %job_id, replayed_as = %added, "dead letter replayed");
    Ok(Some(added))
}

/// Replays every dead letter of a queue; returns how many.
pub async fn replay_all(jobs: &Jobs, queue: &str) -> anyhow::Result<usize> {
    let mut replayed = 0;
    loop {
        let batch = list(jobs, queue, 0, 99).await?;
        if batch.is_empty() {
            return Ok(replayed);
        }
        for letter in batch {
            if replay(jobs, queue, &letter.job_id).await?.is_some() {
                replayed += 1;
            }
        }
    }
}
