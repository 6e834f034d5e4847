//! Background work on BullMQ (the official Rust port, `bullmq-official`): the same Redis
//! layout and Lua scripts as Node's BullMQ, so Node producers and Bull Board interoperate.
//!
//! - [`queues`]: the seed's queues with their defaults (attempts, backoff, concurrency).
//! - [`JobSpec`] payloads carry their tenant in `platform`; [`Registry`] maps them to handlers.
//! - [`runner::WorkerPool`] runs the registered queues, dead-letters exhausted jobs
//!   ([`dlq`]) and drains on shutdown.
//! - [`schedule`]: repeatable jobs as BullMQ job schedulers (once per tick across replicas).
//! - [`outbox`]: `enqueue_in(txn, ..)` and `publish_in(txn, ..)` write to PostgreSQL inside the
//!   caller's transaction; the relay moves rows to BullMQ after commit, a sweeper after a crash.

pub mod dashboard;
pub mod dlq;
pub mod error;
pub mod job;
pub mod metrics;
pub mod outbox;
pub mod queues;
pub mod redact;
pub mod registry;
pub mod runner;
pub mod schedule;
pub mod schedule_source;

use std::{collections::HashMap, sync::Arc};

use anyhow::Context;
use bullmq::{
    JobOptions, Queue, QueueOptions,
    options::RedisConnectionOptions,
    redis_connection::RedisConnection,
    types::{BackoffStrategy, RemoveOnFinish},
};
use kernel::AppContext;
use secrecy::ExposeSecret;
use tokio::sync::{Mutex, Notify};

pub use error::codes;
pub use job::{Envelope, JobContext, JobError, JobSpec};
pub use registry::{EventSpec, Registry, SharedSources, WorkerTuning};
pub use schedule::ScheduleSpec;

/// Completed jobs kept per queue (for the dashboard and id-based dedupe).
const KEEP_COMPLETED: usize = 1_000;
/// Failed jobs kept per queue (dead letters are also copied to the queue's `.dlq`).
const KEEP_FAILED: usize = 5_000;

/// Outbox maintenance: delete relayed rows after the retention period.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PruneOutbox {}

impl JobSpec for PruneOutbox {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "outbox-prune";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Mounts the queue dashboard (`/api/admin/queues`, `/admin/queues`).
pub fn configure(cfg: &mut kernel::routes::ServiceConfig) {
    dashboard::configure(cfg);
}

/// Registers this crate's own handlers and schedules.
pub fn workers(registry: &mut Registry, jobs: &Jobs) {
    let handle = jobs.clone();
    let sources = registry.schedule_sources();
    let resync = jobs.clone();
    registry.subscribe(
        "jobs:resync-schedules",
        move |_ctx: JobContext, event: schedule_source::SchedulesChanged| {
            let jobs = resync.clone();
            let sources = sources.get();
            async move {
                tracing::info!(what = %event.what, "a schedule-defining row changed");
                schedule_source::sync_all(&jobs, &sources).await?;
                Ok(())
            }
        },
    );
    registry
        .handle(move |_ctx: JobContext, _job: PruneOutbox| {
            let jobs = handle.clone();
            async move {
                let pruned = outbox::prune(&jobs).await?;
                tracing::info!(pruned, "outbox pruned");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "outbox:prune",
            PruneOutbox::QUEUE,
            PruneOutbox::NAME,
            "0 30 3 * * *",
            schedule::IST,
        ));
}

/// The handle other crates use to enqueue work. Cheap to clone.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

struct Inner {
    prefix: String,
    connection_options: RedisConnectionOptions,
    connection: RedisConnection,
    queues: Mutex<HashMap<String, Arc<Queue>>>,
    default_platform: String,
    relay: Notify,
    ctx: AppContext,
    metrics: metrics::JobMetrics,
    secrets: redact::Secrets,
}

impl Jobs {
    /// Connects to Redis (BullMQ's own auto-reconnecting connection) with `BULLMQ_PREFIX`.
    pub async fn new(ctx: &AppContext) -> anyhow::Result<Self> {
        let connection_options =
            RedisConnectionOptions::default().url(ctx.config.redis_url.expose_secret());
        let connection = RedisConnection::new_managed_only(&connection_options)
            .await
            .map_err(|e| anyhow::anyhow!("connecting BullMQ to Redis: {e}"))?;
        let metrics = metrics::JobMetrics::register(&ctx.metrics.registry)
            .context("registering job metrics")?;
        Ok(Self {
            inner: Arc::new(Inner {
                prefix: ctx.config.bullmq_prefix.clone(),
                connection_options,
                connection,
                queues: Mutex::new(HashMap::new()),
                default_platform: ctx.config.default_platform.clone(),
                relay: Notify::new(),
                ctx: ctx.clone(),
                metrics,
                secrets: redact::Secrets::default(),
            }),
        })
    }

    /// The BullMQ key prefix.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// The shared application context.
    pub fn context(&self) -> &AppContext {
        &self.inner.ctx
    }

    /// The secret fields declared by the job types of this process (filled from the
    /// registry when background work starts; the dashboard redacts with it).
    pub fn secrets(&self) -> &redact::Secrets {
        &self.inner.secrets
    }

    /// The platform used for jobs that name none.
    pub fn default_platform(&self) -> &str {
        &self.inner.default_platform
    }

    /// The queue `name` (opened once, sharing one Redis connection).
    pub async fn queue(&self, name: &str) -> anyhow::Result<Arc<Queue>> {
        let mut queues = self.inner.queues.lock().await;
        if let Some(q) = queues.get(name) {
            return Ok(q.clone());
        }
        let opts = QueueOptions {
            prefix: self.inner.prefix.clone(),
            ..Default::default()
        };
        let queue = Queue::with_connection(name, self.inner.connection.clone(), opts)
            .await
            .map_err(|e| anyhow::anyhow!("opening queue {name}: {e}"))?;
        let queue = Arc::new(queue);
        queues.insert(name.to_owned(), queue.clone());
        Ok(queue)
    }

    /// The job options of a queue: attempts, exponential backoff, retention.
    pub fn job_options(&self, spec: &queues::QueueSpec) -> JobOptions {
        JobOptions {
            attempts: Some(spec.attempts),
            backoff: Some(BackoffStrategy::Exponential(spec.backoff_ms)),
            remove_on_complete: Some(RemoveOnFinish::Count(KEEP_COMPLETED)),
            remove_on_fail: Some(RemoveOnFinish::Count(KEEP_FAILED)),
            ..Default::default()
        }
    }

    /// Adds a job now (outside any transaction; use [`outbox::enqueue_in`] when the job must
    /// follow a database commit). `job_id` makes the add idempotent. Returns the job id.
    pub async fn enqueue<T: JobSpec>(
        &self,
        platform: &str,
        payload: &T,
        job_id: Option<&str>,
    ) -> anyhow::Result<String> {
        let data = serde_json::to_value(Envelope {
            platform: Some(platform.to_owned()),
            payload,
        })?;
        self.add_raw(T::QUEUE, T::NAME, data, job_id, 0).await
    }

    /// Adds many jobs of one type in one round trip per batch of 1,000 (fan-outs such as daily
    /// cards). Returns their ids in order.
    pub async fn enqueue_bulk<T: JobSpec>(
        &self,
        platform: &str,
        payloads: &[T],
    ) -> anyhow::Result<Vec<String>> {
        let spec = queues::spec(T::QUEUE).with_context(|| format!("unknown queue {}", T::QUEUE))?;
        let queue = self.queue(T::QUEUE).await?;
        let mut ids = Vec::with_capacity(payloads.len());
        for chunk in payloads.chunks(1_000) {
            let batch = chunk
                .iter()
                .map(|payload| {
                    let data = Envelope {
                        platform: Some(platform.to_owned()),
                        payload,
                    };
                    bullmq::queue::BulkJob::with_options(T::NAME, data, self.job_options(spec))
                })
                .collect();
            let added = queue
                .add_bulk(batch)
                .await
                .map_err(|e| anyhow::anyhow!("adding {} jobs to {}: {e}", chunk.len(), T::QUEUE))?;
            ids.extend(added.iter().map(|j| j.id().to_owned()));
        }
        Ok(ids)
    }

    /// Adds a job from raw parts (the outbox relay and dead-letter replay use this).
    pub async fn add_raw(
        &self,
        queue_name: &str,
        job_name: &str,
        data: serde_json::Value,
        job_id: Option<&str>,
        delay_ms: u64,
    ) -> anyhow::Result<String> {
        let spec =
            queues::spec(queue_name).with_context(|| format!("unknown queue {queue_name}"))?;
        let queue = self.queue(queue_name).await?;
        let mut opts = self.job_options(spec);
        opts.job_id = job_id.map(str::to_owned);
        if delay_ms > 0 {
            opts.delay = Some(delay_ms);
        }
        let job = queue
            .add(job_name, data)
            .options(opts)
            .await
            .map_err(|e| anyhow::anyhow!("adding {job_name} to {queue_name}: {e}"))?;
        Ok(job.id().to_owned())
    }

    /// Wakes the outbox relay (call after committing a transaction that used the outbox).
    pub fn notify_committed(&self) {
        self.inner.relay.notify_one();
    }

    pub(crate) fn relay_signal(&self) -> &Notify {
        &self.inner.relay
    }

    pub(crate) fn metrics(&self) -> &metrics::JobMetrics {
        &self.inner.metrics
    }

    pub(crate) fn connection_options(&self) -> &RedisConnectionOptions {
        &self.inner.connection_options
    }

    /// Closes the shared Redis connection (last step of shutdown).
    pub async fn close(&self) {
        self.inner.connection.close().await;
    }
}
