//! Shared test helpers: tokens, consuming the app's queues with this crate's handlers, polling.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

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
    let comms = comms::Comms::new(&app.ctx, &app.jobs, app.config.comms.clone()).unwrap();
    let mut registry = Registry::new();
    comms::workers(&mut registry, &comms);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

pub use testkit::eventually;
