//! The integrations' tables (band 40) and the enums of their text columns: the LLM gateway's
//! and the Graphy / EzExam sync's.

pub mod ai_agent_configs;
pub mod ai_calls;
pub mod ai_credentials;
pub mod kinds;
pub mod sync_configs;
pub mod sync_runs;
