//! `resume_files`: one stored object per platform and content hash.

use sea_orm::entity::prelude::*;

/// A stored resume.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_files")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Storage key.
    pub storage_key: String,
    /// PDF or DOCX.
    pub content_type: String,
    /// Size.
    pub size_bytes: i64,
    /// When the stored bytes were read back and matched the hash.
    pub verified_at: DateTimeUtc,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
