//! Request and response bodies of the LLM gateway's and the sync's routes.

pub mod agent_config;
pub mod ai;
pub mod credentials;
pub mod sync;
pub mod sync_runs;
