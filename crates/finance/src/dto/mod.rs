//! Request and response bodies.

pub mod billing;
pub mod costs;
pub mod invoices;
pub mod refunds;
pub mod reports;
pub mod supplier;
