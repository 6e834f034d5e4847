//! The use cases: the LLM gateway (agent configuration, sealed credentials, the completion run
//! with fallback and budget, and the call records) and the Graphy / EzExam sync.

pub mod agent_config;
pub mod budget;
pub mod calls;
pub mod complete;
pub mod credentials;
pub mod sync;
