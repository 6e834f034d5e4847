//! Finance's rules and SQL. Functions take `&impl ConnectionTrait` (the caller picks pool or
//! transaction) and the platform id of the request's tenant.

pub mod billing;
pub mod costs;
pub mod documents;
pub mod einvoices;
pub mod invoices;
pub mod mail;
pub mod numbering;
pub mod payouts;
pub mod refunds;
pub mod reports;
pub mod sales;
pub mod settlements;
pub mod supplier;
pub mod tabular;
