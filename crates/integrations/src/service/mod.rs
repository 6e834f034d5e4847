//! The integrations' use cases: agent configuration, sealed credentials, the completion run
//! with fallback and budget, the call records, the credential proxy, the student profile,
//! the Google Drive connector, the Graphy / EzExam sync and the Judge0 proxy.

pub mod agent_config;
pub mod budget;
pub mod calls;
pub mod complete;
pub mod credentials;
pub mod drive;
pub mod drive_files;
pub mod judge0;
pub mod profile;
pub mod proxy;
pub mod sync;
