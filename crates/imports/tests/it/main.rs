//! The one integration-test binary of `imports` (one binary per crate). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod common;
mod large;
mod preview;
mod xlsx;
