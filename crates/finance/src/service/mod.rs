//! Finance's rules and SQL. Functions take `&impl ConnectionTrait` (the caller picks pool or
//! transaction) and the platform id of the request's tenant.

pub mod billing;
pub mod documents;
pub mod invoices;
pub mod numbering;
pub mod refunds;
pub mod reports;
pub mod supplier;
