//! The registry where each crate declares its job handlers, event subscribers and schedules.
//! The gateway builds one registry at boot from every crate's `workers(&mut Registry, ..)`.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{Arc, RwLock},
};

use serde_json::Value;

use crate::{
    job::{JobContext, JobError, JobSpec},
    queues::EVENTS_QUEUE,
    redact::Secrets,
    schedule::ScheduleSpec,
    schedule_source::ScheduleSource,
};

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
/// A type-erased handler: job context and raw job data (without `platform`).
pub type Handler = Arc<dyn Fn(JobContext, Value) -> HandlerFuture + Send + Sync>;

/// A domain event: published through the outbox, delivered on the events queue to every
/// subscriber registered for its name. Subscribers must be idempotent (delivery is at least
/// once, and a failing subscriber makes the event retry for all).
pub trait EventSpec:
    serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static
{
    /// Event name, `domain.verb` (`payment.captured`).
    const NAME: &'static str;
    /// Fields of the event that hold secrets (see [`JobSpec::SECRET_FIELDS`]).
    const SECRET_FIELDS: &'static [&'static str];
}

/// The registry's schedule sources, shared with the `schedules.changed` subscriber.
#[derive(Clone, Default)]
pub struct SharedSources(Arc<RwLock<Vec<Arc<dyn ScheduleSource>>>>);

impl SharedSources {
    /// A snapshot of the sources.
    pub fn get(&self) -> Vec<Arc<dyn ScheduleSource>> {
        self.0.read().map(|s| s.clone()).unwrap_or_default()
    }
}

/// How a queue's worker runs, when it differs from the queue's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerTuning {
    /// Jobs processed at once by this process (default: the queue's concurrency).
    pub concurrency: Option<usize>,
    /// How long a job's lock lasts without renewal; a crashed worker's jobs are recovered
    /// after about this long (BullMQ default 30 s).
    pub lock_duration_ms: u64,
    /// How often this worker looks for stalled jobs (BullMQ default 30 s).
    pub stalled_interval_ms: u64,
    /// Times a job may stall before it fails (BullMQ default 1).
    pub max_stalled_count: u32,
}

impl Default for WorkerTuning {
    fn default() -> Self {
        Self {
            concurrency: None,
            lock_duration_ms: 30_000,
            stalled_interval_ms: 30_000,
            max_stalled_count: 1,
        }
    }
}

/// Handlers, subscribers and schedules of the process.
#[derive(Default, Clone)]
pub struct Registry {
    sources: Arc<RwLock<Vec<Arc<dyn ScheduleSource>>>>,
    tuning: HashMap<String, WorkerTuning>,
    handlers: HashMap<String, HashMap<String, Handler>>,
    subscribers: HashMap<String, Vec<(String, Handler)>>,
    schedules: Vec<ScheduleSpec>,
    secrets: Secrets,
}

fn erase<T, F, Fut>(f: F) -> Handler
where
    T: serde::de::DeserializeOwned + Send + 'static,
    F: Fn(JobContext, T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |ctx: JobContext, data: Value| {
        let f = f.clone();
        Box::pin(async move {
            let payload: T = serde_json::from_value(data).map_err(|e| {
                JobError::Permanent(anyhow::anyhow!("invalid payload for {}: {e}", ctx.name))
            })?;
            f(ctx, payload).await
        }) as HandlerFuture
    })
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles jobs of type `T` on `T::QUEUE` named `T::NAME`.
    pub fn handle<T, F, Fut>(&mut self, f: F) -> &mut Self
    where
        T: JobSpec,
        F: Fn(JobContext, T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.secrets.declare(T::QUEUE, T::NAME, T::SECRET_FIELDS);
        self.handlers
            .entry(T::QUEUE.to_owned())
            .or_default()
            .insert(T::NAME.to_owned(), erase(f));
        self
    }

    /// Subscribes `subscriber` (a stable name, for logs) to event `E`.
    pub fn subscribe<E, F, Fut>(&mut self, subscriber: &str, f: F) -> &mut Self
    where
        E: EventSpec,
        F: Fn(JobContext, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.secrets
            .declare(EVENTS_QUEUE, E::NAME, E::SECRET_FIELDS);
        self.subscribers
            .entry(E::NAME.to_owned())
            .or_default()
            .push((subscriber.to_owned(), erase(f)));
        self
    }

    /// Declares the secret fields of a job type this process only produces (handled by
    /// another process or a Node worker), so the dashboard knows what to hide.
    pub fn produces<T: JobSpec>(&mut self) -> &mut Self {
        self.secrets.declare(T::QUEUE, T::NAME, T::SECRET_FIELDS);
        self
    }

    /// The secret-field declarations of every registered job type and event.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Declares a repeatable job (upserted as a BullMQ job scheduler at boot).
    pub fn schedule(&mut self, spec: ScheduleSpec) -> &mut Self {
        self.schedules.retain(|s| s.id != spec.id);
        self.schedules.push(spec);
        self
    }

    /// Adds schedules defined by PostgreSQL rows (synced at boot and on `schedules.changed`).
    pub fn schedule_source(&mut self, source: Arc<dyn ScheduleSource>) -> &mut Self {
        if let Ok(mut sources) = self.sources.write() {
            sources.push(source);
        }
        self
    }

    /// The row-defined schedule sources registered so far, and later (a shared list, so a
    /// subscriber registered early sees sources added after it).
    pub fn schedule_sources(&self) -> SharedSources {
        SharedSources(self.sources.clone())
    }

    /// Overrides how the worker of `queue` runs in this process.
    pub fn tune(&mut self, queue: &str, tuning: WorkerTuning) -> &mut Self {
        self.tuning.insert(queue.to_owned(), tuning);
        self
    }

    /// How the worker of `queue` runs.
    pub fn tuning(&self, queue: &str) -> WorkerTuning {
        self.tuning.get(queue).copied().unwrap_or_default()
    }

    /// Queues that need a worker in this process.
    pub fn queues(&self) -> Vec<String> {
        let mut queues: Vec<String> = self.handlers.keys().cloned().collect();
        if !self.subscribers.is_empty() && !queues.iter().any(|q| q == EVENTS_QUEUE) {
            queues.push(EVENTS_QUEUE.to_owned());
        }
        queues.sort();
        queues
    }

    /// The declared schedules.
    pub fn schedules(&self) -> &[ScheduleSpec] {
        &self.schedules
    }

    /// The handler of a job, or, on the events queue, a dispatcher to the event's subscribers.
    pub fn handler(&self, queue: &str, name: &str) -> Option<Handler> {
        if let Some(h) = self
            .handlers
            .get(queue)
            .and_then(|by_name| by_name.get(name))
        {
            return Some(h.clone());
        }
        if queue != EVENTS_QUEUE {
            return None;
        }
        let subscribers = self.subscribers.get(name)?.clone();
        Some(Arc::new(move |ctx: JobContext, data: Value| {
            let subscribers = subscribers.clone();
            Box::pin(async move {
                let mut failures = Vec::new();
                for (who, handler) in &subscribers {
                    if let Err(err) = handler(ctx.clone(), data.clone()).await {
                        tracing::warn!(event = %ctx.name, subscriber = %who, error = %err, "event subscriber failed");
                        failures.push(format!("{who}: {err}"));
                    }
                }
                if failures.is_empty() {
                    Ok(())
                } else {
                    Err(JobError::Retry(anyhow::anyhow!(
                        "subscribers failed: {}",
                        failures.join("; ")
                    )))
                }
            }) as HandlerFuture
        }))
    }
}
