//! Request and response bodies of the LLM gateway's routes.

pub mod agent_config;
pub mod ai;
pub mod credentials;
