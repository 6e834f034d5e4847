//! The one integration-test binary of `jobs` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod crash;
mod dashboard;
mod node_interop;
mod outbox_and_schedules;
mod queues;
mod schedule_sources;
