//! The one integration-test binary of `mentorship` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod availability;
mod booking;
mod calendar_changes;
mod calendar_connect;
mod calendar_events;
mod catalogue;
mod common;
mod completion;
mod emails;
mod google;
mod in_app;
mod lists;
mod meetings;
mod recordings;
mod slot_edits;
mod sql_count;
