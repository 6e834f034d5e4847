//! `imports`: one uploaded file being imported, with its committed checkpoint.

use sea_orm::entity::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// An import of one file on one platform.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    /// Id (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform.
    pub platform_id: Uuid,
    /// The kind's name (`students`).
    pub kind: String,
    /// Where it stands.
    pub status: ImportStatus,
    /// The stored file's key.
    pub file_key: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `csv` or `xlsx` (sniffed from the bytes).
    pub file_format: String,
    /// Size in bytes.
    pub file_size: i64,
    /// For each declared column, its index in the file (or null).
    pub mapping: Json,
    /// Data rows in the file (counted at upload).
    pub rows_total: i64,
    /// Data rows processed and committed: the checkpoint a retry resumes after.
    pub rows_done: i64,
    /// Rows that passed every check and were written (or already existed).
    pub rows_ok: i64,
    /// Rows with at least one error.
    pub rows_failed: i64,
    /// Records the kind created (less than `rows_ok` when some already existed).
    pub rows_created: i64,
    /// Job attempts that started on this import.
    pub attempts: i32,
    /// Why the import failed (status `failed`).
    pub error: Option<String>,
    /// The admin who uploaded it.
    pub created_by: Uuid,
    /// Upload time.
    pub created_at: DateTimeUtc,
    /// First job attempt.
    pub started_at: Option<DateTimeUtc>,
    /// Completion or failure.
    pub finished_at: Option<DateTimeUtc>,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Uploaded and previewed; nothing written yet.
    #[sea_orm(string_value = "previewed")]
    Previewed,
    /// Started: the job is queued.
    #[sea_orm(string_value = "queued")]
    Queued,
    /// The job is writing batches.
    #[sea_orm(string_value = "running")]
    Running,
    /// Every row was processed.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// The job gave up (`error` says why); committed batches stay.
    #[sea_orm(string_value = "failed")]
    Failed,
}
