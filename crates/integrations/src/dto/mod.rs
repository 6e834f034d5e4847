//! Request and response bodies of the integrations' routes.

pub mod agent_config;
pub mod ai;
pub mod credentials;
pub mod drive;
pub mod judge0;
pub mod profile;
pub mod proxy;
pub mod sync;
pub mod sync_runs;
