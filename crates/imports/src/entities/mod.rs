//! The crate's tables.

pub mod import_errors;
pub mod imports;
