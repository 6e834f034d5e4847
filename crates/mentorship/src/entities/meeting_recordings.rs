//! `meeting_recordings`.

use sea_orm::entity::prelude::*;

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
    pub status: String,
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
