//! Imports: the upload form, an import's state and progress, the preview.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    entities::imports::{ImportStatus, Model},
    kind::CellError,
};

/// The multipart form of `POST /api/bulk-upload/kinds/{kind}`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The .xlsx or .csv file (its first worksheet; the first non-empty row is the header).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// An import's state and progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportView {
    /// Id.
    pub id: Uuid,
    /// The kind's name.
    pub kind: String,
    /// Where it stands.
    pub status: ImportStatus,
    /// The uploaded file's name.
    pub file_name: String,
    /// `csv` or `xlsx` (sniffed from the bytes).
    pub file_format: String,
    /// Size in bytes.
    pub file_size: i64,
    /// Data rows in the file.
    pub rows_total: i64,
    /// Data rows processed and committed so far.
    pub rows_done: i64,
    /// Rows written (or already present).
    pub rows_ok: i64,
    /// Rows with errors (listed in the error report).
    pub rows_failed: i64,
    /// Records created (less than `rows_ok` when some already existed).
    pub rows_created: i64,
    /// Job attempts so far.
    pub attempts: i32,
    /// Why the import failed.
    pub error: Option<String>,
    /// Upload time.
    pub created_at: DateTime<Utc>,
    /// First job attempt.
    pub started_at: Option<DateTime<Utc>>,
    /// Completion or failure.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Model> for ImportView {
    fn from(m: Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            status: m.status,
            file_name: m.file_name,
            file_format: m.file_format,
            file_size: m.file_size,
            rows_total: m.rows_total,
            rows_done: m.rows_done,
            rows_ok: m.rows_ok,
            rows_failed: m.rows_failed,
            rows_created: m.rows_created,
            attempts: m.attempts,
            error: m.error,
            created_at: m.created_at,
            started_at: m.started_at,
            finished_at: m.finished_at,
        }
    }
}

/// How one declared column was found in the file's header.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeaderMatch {
    /// The declared column.
    pub column: &'static str,
    /// Whether the kind requires it.
    pub required: bool,
    /// The header cell it matched (null: not in the file).
    pub file_column: Option<String>,
}

/// One previewed row with its values by column and its problems.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewRow {
    /// The row's number in the file (the header is row 1).
    pub row_number: u64,
    /// The raw values by declared column.
    pub values: BTreeMap<String, Option<String>>,
    /// Problems with this row's cells (empty: the row would import).
    pub errors: Vec<CellError>,
}

/// The answer to an upload: the import (status `previewed`) and what the file holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Preview {
    /// The new import.
    pub import: ImportView,
    /// The declared columns and where the header has them.
    pub header: Vec<HeaderMatch>,
    /// Header cells that match no declared column (ignored).
    pub ignored_columns: Vec<String>,
    /// The first data rows (at most 20), checked.
    pub rows: Vec<PreviewRow>,
    /// Data rows in the file.
    pub rows_estimate: u64,
}
