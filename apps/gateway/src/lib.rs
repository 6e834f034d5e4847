//! The gateway: one actix-web app composed from every crate's `configure`, the process
//! roles (`serve`, `api`, `worker`) and the one-shot commands (`migrate`, `seed`, `openapi`).
//! [`config::GatewayConfig`] composes kernel's settings with every crate's own section.
//!
//! [`app::build_app`] is the one function that builds the App; `main` and the tests
//! (through `testkit::spawn_app`) both call it via [`startup::Application`].

pub mod app;
pub mod config;
pub mod docs;
pub mod error;
pub mod live;
pub mod profile;
pub mod routes;
pub mod seed;
pub mod service;
pub mod settings;
pub mod startup;
pub mod workers;
