//! Request and response bodies of the importer.

pub mod imports;
pub mod kinds;
