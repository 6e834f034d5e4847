//! The one integration-test binary of `gateway` (one binary per crate: each links the
//! whole dependency tree, so one link instead of one per file). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod attacks;
mod common;
mod crm_kill9;
mod dependency_graph;
mod email_interop;
mod error_registry;
mod errors;
mod health;
mod http_edges;
mod layering;
mod link_layout;
mod module_graph;
mod notifications_replicas;
mod openapi;
mod process;
mod realtime_meeting;
mod realtime_replicas;
mod resume_pdf;
mod route_table;
mod tenancy;
mod terminal_relay;
