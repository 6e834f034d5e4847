//! The one integration-test binary of `comms` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod email;
mod exotel;
mod notifications;
mod whatsapp;
