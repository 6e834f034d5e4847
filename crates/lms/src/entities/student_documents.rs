//! `student_documents`: uploaded files a student registers (resume, ID proof, certificates).

use sea_orm::entity::prelude::*;

// `text_enum!` is in textual scope: these modules are declared after the macro in mod.rs

/// A student's document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_documents")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// What it is.
    pub kind: DocumentKind,
    /// Display name.
    pub name: String,
    /// Storage key (unique per platform).
    pub storage_key: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Media type.
    pub content_type: String,
    /// Registered.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// What a student's document is.
    DocumentKind {
        /// A resume / CV.
        Resume = "resume",
        /// A proof of identity.
        IdProof = "id_proof",
        /// A certificate.
        Certificate = "certificate",
        /// A transcript or mark sheet.
        Transcript = "transcript",
        /// Anything else.
        Other = "other",
    }
}
