//! Bulk imports (`/api/bulk-upload`): an ADMIN uploads an .xlsx or CSV file of some kind
//! (`students` today; questions and leads when lms and crm register theirs), gets a preview
//! (header mapping, the first rows with per-cell errors, the row count), starts it, and a job
//! on `bulkImportQueue` streams the stored file in batches, each one transaction with its
//! checkpoint, so a retry resumes where the last committed batch ended and good rows land
//! once. Bad cells go to `import_errors`, from which the .xlsx error report is written.
//!
//! - [`ImportKind`] is what an owning crate implements (columns, row rules, an idempotent
//!   batch insert); [`Kinds`] collects them in the gateway.
//! - [`Imports`] is the crate's state (registered as `web::Data<Imports>`), with its
//!   environment section [`ImportsConfig`].
//! - [`configure`] mounts `GET /api/bulk-upload`, `GET /api/bulk-upload/kinds`,
//!   `GET /api/bulk-upload/kinds/{kind}/template`, `POST /api/bulk-upload/kinds/{kind}`,
//!   `POST /api/bulk-upload/{id}/start`, `GET /api/bulk-upload/{id}` and
//!   `GET /api/bulk-upload/{id}/errors`.

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod job;
pub mod kind;
pub mod reader;
pub mod routes;
pub mod service;
mod state;
pub mod validate;
pub mod workers;

pub use config::ImportsConfig;
pub use error::ImportError;
pub use job::RunImport;
pub use kind::{CellError, Column, ColumnType, ImportKind, Kinds, Row};
pub use routes::configure;
pub use state::Imports;
pub use workers::workers;
