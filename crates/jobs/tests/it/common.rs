//! Shared test fixtures: a test job type and a consuming background on the app's prefix.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{sync::Arc, time::Duration};

use jobs::{
    JobContext, JobError, JobSpec, Jobs, Registry,
    runner::{Background, Mode},
};
use serde::{Deserialize, Serialize};
use testkit::TestApp;
use tokio::sync::mpsc;

/// A notification job used by the tests (notificationQueue: 3 attempts, 1 s exponential).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ping {
    pub n: u32,
    /// How many attempts should fail before one succeeds (u32::MAX: always fail).
    #[serde(default)]
    pub fail_times: u32,
    #[serde(default)]
    pub permanent: bool,
}

impl JobSpec for Ping {
    const QUEUE: &'static str = "notificationQueue";
    const NAME: &'static str = "ping";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// What a handler saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub ctx: JobContext,
    pub ping: Ping,
}

/// A registry whose `Ping` handler reports every attempt on a channel.
pub fn ping_registry() -> (Registry, mpsc::UnboundedReceiver<Seen>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut registry = Registry::new();
    registry.handle(move |ctx: JobContext, ping: Ping| {
        let tx = tx.clone();
        async move {
            let attempt = ctx.attempt;
            let _ = tx.send(Seen {
                ctx,
                ping: ping.clone(),
            });
            if ping.permanent {
                return Err(JobError::Permanent(anyhow::anyhow!(
                    "ping {} is malformed",
                    ping.n
                )));
            }
            if attempt <= ping.fail_times {
                return Err(JobError::Retry(anyhow::anyhow!(
                    "ping {} failed on attempt {attempt}",
                    ping.n
                )));
            }
            Ok(())
        }
    });
    (registry, rx)
}

/// Starts consuming with `registry` through the app's own queues handle.
pub async fn consume(app: &TestApp, registry: Registry) -> (Jobs, Background) {
    let jobs = app.jobs.clone();
    let bg = Background::start(&jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap();
    (jobs, bg)
}

/// Next message within `secs` seconds.
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Seen>, secs: u64) -> Seen {
    tokio::time::timeout(Duration::from_secs(secs), rx.recv())
        .await
        .expect("the handler was not called in time")
        .expect("channel closed")
}

/// Asserts nothing arrives within `millis`.
pub async fn nothing(rx: &mut mpsc::UnboundedReceiver<Seen>, millis: u64) {
    if let Ok(Some(seen)) = tokio::time::timeout(Duration::from_millis(millis), rx.recv()).await {
        panic!("unexpected job: {seen:?}");
    }
}

/// Polls `f` until it returns true or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
