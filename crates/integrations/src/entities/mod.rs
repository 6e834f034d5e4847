//! The integrations' tables (band 40: the LLM gateway, the Google Drive connector, the
//! Graphy / EzExam sync) and the enums of their text columns.

pub mod ai_agent_configs;
pub mod ai_calls;
pub mod ai_credentials;
pub mod google_drive_connections;
pub mod kinds;
pub mod sync_configs;
pub mod sync_runs;
