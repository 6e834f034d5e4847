//! The integrations' tables (band 40: the LLM gateway, the Google Drive connector) and the
//! enums of their text columns.

pub mod ai_agent_configs;
pub mod ai_calls;
pub mod ai_credentials;
pub mod google_drive_connections;
pub mod kinds;
