//! The one integration-test binary of `identity` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admin;
mod common;
mod directory;
mod email_flows;
mod google;
mod limits_and_vendors;
mod tokens;
