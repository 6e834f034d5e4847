//! The one integration-test binary of `kernel` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod middleware;
