//! Finance: GST tax invoices for every captured payment, gapless numbering, the supplier
//! and the buyers' billing details (issue 13, [docs/finance.md](../../docs/finance.md)).
//!
//! `payment.captured` (from the shared payments of `integrations`: token packs, course
//! enrolments, anything sold later) arrives on the events queue and [`workers`] issues the
//! order's invoice exactly once (unique per platform and order): the buyer from their billing
//! profile, the GST rules of [`tax`] (ADR 0052), a number `{SERIES}/{FY}/{seq}` from the
//! gapless counter of the supplier's GSTIN, series and financial year, locked in the
//! invoice's own transaction ([`service::numbering`], ADR 0053), the finance ledger entries
//! of the sale, and `invoice.issued`.
//!
//! Paths mounted (behind the `finance` module): `/api/finance/invoices/*` (FINANCE or ADMIN),
//! `/api/finance/my-invoices/*` and `/api/finance/billing-profile` (the signed-in buyer),
//! `/api/admin/finance/supplier` (ADMIN: the platform's supplier details, audited).
//!
//! Owns (migration band 85): `finance_supplier_settings`, `billing_profiles`,
//! `invoice_counters`, `invoices`, `invoice_lines`, `refunds`, `credit_notes`,
//! `credit_note_lines`, `finance_ledger`.
//!
//! [`Finance`] is the crate's state (registered as `web::Data<Finance>`) and keeps its
//! environment section, [`FinanceConfig`].

pub mod config;
pub mod document;
pub mod dto;
pub mod einvoice;
pub mod entities;
pub mod error;
pub mod events;
pub mod gstin;
pub mod numbering;
pub mod pdf;
pub mod routes;
pub mod service;
pub mod settings;
mod state;
pub mod tax;
pub mod workers;

pub use config::FinanceConfig;
pub use document::Document;
pub use error::FinanceError;
pub use routes::{MODULE, configure};
pub use state::Finance;
pub use workers::workers;
