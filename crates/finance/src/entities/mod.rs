//! The tables this crate owns (the ledger is written with SQL by its services).

pub mod billing_profiles;
pub mod credit_note_lines;
pub mod credit_notes;
pub mod invoice_lines;
pub mod invoices;
pub mod refunds;
pub mod supplier_settings;
