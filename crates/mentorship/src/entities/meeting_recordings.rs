//! `meeting_recordings`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recording of a meeting, stored in object storage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_recordings")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The storage key.
    pub object_key: String,
    /// The uploader's file name.
    pub filename: String,
    /// Media type.
    pub content_type: String,
    /// Announced size in bytes.
    pub size_bytes: i64,
    /// `pending` or `uploaded`.
    pub status: RecordingStatus,
    /// Who started the upload.
    pub created_by: Uuid,
    /// Started.
    pub created_at: DateTimeUtc,
    /// Confirmed.
    pub uploaded_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A recording's status (the table's CHECK: pending, uploaded).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum RecordingStatus {
    /// Upload started, not confirmed.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// In storage.
    #[sea_orm(string_value = "uploaded")]
    Uploaded,
}
