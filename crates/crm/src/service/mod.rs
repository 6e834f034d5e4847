//! The crate's rules and SQL (functions take a connection or transaction and the platform).

pub mod access;
pub mod agreements;
pub mod assignment;
pub mod banners;
pub mod campaigns;
pub mod contact_policy;
pub mod courses;
pub mod discounts;
pub mod inbound;
pub mod ingest;
pub mod kpis;
pub mod leads;
pub mod marketing;
pub mod merge;
pub mod reminders;
pub mod rules;
pub mod send_checks;
pub mod teams;
pub mod webhook;
pub mod workflow_steps;
pub mod workflows;
