//! The Graphy / EzExam sync's use cases: configs (CRUD with their schedule following the
//! commit), runs (record, list, run now), the sync itself (paging + idempotent upserts), the
//! WhatsApp progress nudges and the admin screens' proxy.

pub mod config_changes;
pub mod config_values;
pub mod configs;
pub mod engine;
pub mod proxy;
pub mod reminders;
pub mod runs;
pub mod upsert;
