//! The LLM gateway's use cases: agent configuration, sealed credentials, the completion run
//! with fallback and budget, and the call records.

pub mod agent_config;
pub mod budget;
pub mod calls;
pub mod complete;
pub mod credentials;
