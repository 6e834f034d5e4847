//! The one integration-test binary of `realtime` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod binary;
mod common;
mod engine;
mod gateway_stack;
mod official_client;
mod redis_adapter;
mod socketio;
