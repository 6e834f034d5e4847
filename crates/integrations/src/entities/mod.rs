//! The LLM gateway's tables (band 40) and the enums of their text columns.

pub mod ai_agent_configs;
pub mod ai_calls;
pub mod ai_credentials;
pub mod kinds;
