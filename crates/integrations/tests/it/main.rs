//! The one integration-test binary of `integrations` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod drive;
mod drive_access;
mod drive_common;
mod drive_import;
mod google_calendar;
mod judge0;
mod judge0_client;
mod llm_admin;
mod llm_calls;
mod payments;
mod profile;
mod proxy;
mod sync_configs;
mod sync_proxy;
mod sync_reminders;
mod sync_runs;
mod sync_schedules;
mod sync_support;
