//! The one integration-test binary of `storage` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod s3;
mod signed_urls;
mod upload;
