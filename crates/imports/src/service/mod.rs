//! The importer's rules and SQL: uploads and previews, reading and starting imports, the
//! job that writes them, and the workbooks it answers.

pub mod batches;
pub mod imports;
pub mod local_copy;
pub mod report;
pub mod run;
pub mod upload;
