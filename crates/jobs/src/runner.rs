//! Running the registry: one BullMQ worker per registered queue, the outbox relay, the queue
//! gauges sampler and the schedules; drained on shutdown (workers finish or return their jobs).

use std::{
    panic::AssertUnwindSafe,
    sync::Arc,
    time::{Duration, Instant},
};

use bullmq::{
    Job, Worker, WorkerOptions,
    worker::{CancellationToken, WorkerEvent},
};
use futures::FutureExt;
use serde_json::json;
use tokio::task::JoinHandle;

use crate::{
    Jobs, dlq,
    job::{JobContext, JobError},
    outbox, queues,
    registry::Registry,
    schedule,
};

/// Background work of one process.
pub struct Background {
    workers: Vec<(String, Arc<Worker>)>,
    tasks: Vec<JoinHandle<()>>,
}

/// Whether this process consumes queues or only produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Workers, schedules, relay and gauges (`serve`, `worker`).
    Consume,
    /// Relay and gauges only (`api`: it writes outbox rows and serves `/metrics`).
    ProduceOnly,
}

impl Background {
    /// Starts the outbox relay and the gauges sampler, and in [`Mode::Consume`] upserts the
    /// schedules and starts one worker per registered queue.
    pub async fn start(jobs: &Jobs, registry: Arc<Registry>, mode: Mode) -> anyhow::Result<Self> {
        jobs.secrets().extend(registry.secrets());
        let mut tasks = vec![
            outbox::spawn_relay(jobs.clone()),
            crate::metrics::spawn_sampler(jobs.clone()),
        ];
        let mut workers = Vec::new();
        if mode == Mode::Consume {
            schedule::upsert_all(jobs, registry.schedules()).await?;
            // a bad row must not keep the process from serving; the error is logged
            let _ =
                crate::schedule_source::sync_all(jobs, &registry.schedule_sources().get()).await;
            for queue in registry.queues() {
                let worker = Arc::new(start_worker(jobs, registry.clone(), &queue).await?);
                tasks.push(drain_events(queue.clone(), worker.clone()));
                workers.push((queue, worker));
            }
            tracing::info!(queues = ?workers.iter().map(|(q, _)| q.as_str()).collect::<Vec<_>>(), "workers running");
        }
        Ok(Self { workers, tasks })
    }

    /// Queues with a running worker.
    pub fn queues(&self) -> Vec<&str> {
        self.workers.iter().map(|(q, _)| q.as_str()).collect()
    }

    /// Stops taking jobs, lets active ones finish within `timeout` (unfinished ones are
    /// returned by BullMQ's stalled-job recovery), then stops the relay and sampler.
    pub async fn close(self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let closing = self.workers.iter().map(|(queue, worker)| async move {
            if let Err(err) = worker.close(ms).await {
                tracing::warn!(%queue, error = %err, "closing worker");
            }
        });
        futures::future::join_all(closing).await;
        for task in self.tasks {
            task.abort();
        }
    }
}

async fn start_worker(jobs: &Jobs, registry: Arc<Registry>, queue: &str) -> anyhow::Result<Worker> {
    let spec = queues::spec(queue).ok_or_else(|| anyhow::anyhow!("unknown queue {queue}"))?;
    let tuning = registry.tuning(queue);
    let opts = WorkerOptions {
        connection: jobs.connection_options().clone(),
        prefix: jobs.prefix().to_owned(),
        concurrency: tuning.concurrency.unwrap_or(spec.concurrency),
        lock_duration: tuning.lock_duration_ms,
        stalled_interval: tuning.stalled_interval_ms,
        max_stalled_count: tuning.max_stalled_count,
        ..Default::default()
    };
    let processor = {
        let jobs = jobs.clone();
        let queue = queue.to_owned();
        move |job: Job, _token: CancellationToken| {
            let jobs = jobs.clone();
            let registry = registry.clone();
            let queue = queue.clone();
            async move { process(&jobs, &registry, &queue, job).await }
        }
    };
    Worker::with_options(queue, processor, opts)
        .await
        .map_err(|e| anyhow::anyhow!("starting worker for {queue}: {e}"))
}

async fn process(
    jobs: &Jobs,
    registry: &Registry,
    queue: &str,
    job: Job,
) -> Result<serde_json::Value, bullmq::Error> {
    let started = Instant::now();
    let mut data = job.data().clone();
    let platform = data
        .as_object_mut()
        .and_then(|o| o.remove("platform"))
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| jobs.default_platform().to_owned());
    let ctx = JobContext {
        job_id: job.id().to_owned(),
        queue: queue.to_owned(),
        name: job.name().to_owned(),
        platform,
        attempt: job.attempts_made() + 1,
        max_attempts: job.opts().attempts.unwrap_or(1).max(1),
    };
    let result = match registry.handler(queue, &ctx.name) {
        Some(handler) => AssertUnwindSafe(handler(ctx.clone(), data))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err(JobError::Permanent(anyhow::anyhow!("handler panicked")))),
        None => Err(JobError::Permanent(anyhow::anyhow!(
            "no handler for job {:?} on {queue}",
            ctx.name
        ))),
    };
    let outcome = match &result {
        Ok(()) => "completed",
        Err(JobError::Retry(_)) if !ctx.is_last_attempt() => "retried",
        Err(_) => "dead_lettered",
    };
    jobs.metrics().observe(queue, outcome, started.elapsed());
    match result {
        Ok(()) => Ok(json!({"ok": true})),
        Err(JobError::Retry(err)) if !ctx.is_last_attempt() => {
            tracing::warn!(%queue, job_id = %ctx.job_id, attempt = ctx.attempt, error = %format!("{err:#}"), "job failed; will retry");
            Err(bullmq::Error::ProcessingError(format!("{err:#}")))
        }
        Err(err) => {
            let permanent = matches!(err, JobError::Permanent(_));
            let reason = err.to_string();
            tracing::error!(%queue, job_id = %ctx.job_id, attempt = ctx.attempt, error = %reason, "job dead-lettered");
            if let Err(e) = dlq::capture(jobs, &job, &ctx, &reason).await {
                tracing::error!(%queue, job_id = %ctx.job_id, error = %format!("{e:#}"), "could not copy job to its dead-letter queue");
            }
            Err(if permanent {
                bullmq::Error::Unrecoverable(reason)
            } else {
                bullmq::Error::ProcessingError(reason)
            })
        }
    }
}

/// Reads the worker's event channel (it is unbounded, so it must be drained) and logs errors.
fn drain_events(queue: String, worker: Arc<Worker>) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(event) = worker.next_event().await {
            match event {
                WorkerEvent::Error(err) => tracing::warn!(%queue, error = %err, "worker error"),
                WorkerEvent::Stalled { job_id } => {
                    tracing::warn!(%queue, %job_id, "stalled job returned to the queue")
                }
                WorkerEvent::Closed => break,
                _ => {}
            }
        }
    })
}
