//! The tables this crate owns (credit notes, refunds and the ledger are written with SQL by
//! their services).

pub mod billing_profiles;
pub mod invoice_lines;
pub mod invoices;
pub mod supplier_settings;
