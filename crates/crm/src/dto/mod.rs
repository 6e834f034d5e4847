//! Request and response bodies (validated, with their limits in the OpenAPI document).

pub mod agreements;
pub mod discounts;
pub mod kpis;
pub mod leads;
pub mod marketing;
pub mod teams;
pub mod workflows;
