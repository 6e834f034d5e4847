//! The registry where each crate declares its job handlers, event subscribers and schedules.
//! The gateway builds one registry at boot from every crate's `workers(&mut Registry, ..)`.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};

use serde_json::Value;

use crate::{
    job::{JobContext, JobError, JobSpec},
    queues::EVENTS_QUEUE,
    schedule::ScheduleSpec,
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
}

/// Handlers, subscribers and schedules of the process.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<String, HashMap<String, Handler>>,
    subscribers: HashMap<String, Vec<(String, Handler)>>,
    schedules: Vec<ScheduleSpec>,
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
        self.subscribers
            .entry(E::NAME.to_owned())
            .or_default()
            .push((subscriber.to_owned(), erase(f)));
        self
    }

    /// Declares a repeatable job (upserted as a BullMQ job scheduler at boot).
    pub fn schedule(&mut self, spec: ScheduleSpec) -> &mut Self {
        self.schedules.retain(|s| s.id != spec.id);
        self.schedules.push(spec);
        self
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
