//! Shared test helpers: tokens, consuming the app's queues with this crate's handlers, polling.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{sync::Arc, time::Duration};

use jobs::{
    Registry,
    runner::{Background, Mode},
};
use kernel::auth::Role;
use testkit::TestApp;

/// A SALES token on `platform`.
pub fn sales_token(app: &TestApp, platform: &str) -> String {
    app.token(Role::Sales, &[], platform)
}

/// Starts workers for this crate's queues on the app's own BullMQ prefix.
pub async fn consume(app: &TestApp) -> Background {
    let comms = comms::Comms::new(&app.ctx, &app.jobs).unwrap();
    let mut registry = Registry::new();
    comms::workers(&mut registry, &comms);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

/// Polls `f` until it returns `Some` or `secs` pass.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if let Some(v) = f().await {
            return Some(v);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
