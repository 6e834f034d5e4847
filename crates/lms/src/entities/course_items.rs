//! `course_items`: lessons and other content of a module.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// A content item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_items")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Module.
    pub module_id: Uuid,
    /// What it is.
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// Text content (lessons).
    pub body: String,
    /// Outside URL (videos, links).
    pub url: Option<String>,
    /// Storage key (documents, uploaded videos).
    pub storage_key: Option<String>,
    /// The quiz, assignment or live class it stands for.
    pub ref_id: Option<Uuid>,
    /// Expected minutes.
    pub duration_minutes: Option<i32>,
    /// Order within the module (ties by id).
    pub position: i32,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// What a content item is.
    ItemKind {
        /// Text.
        Lesson = "lesson",
        /// A video (URL or stored).
        Video = "video",
        /// A stored document.
        Document = "document",
        /// An outside link.
        Link = "link",
        /// A quiz (`ref_id`).
        Quiz = "quiz",
        /// An assignment (`ref_id`).
        Assignment = "assignment",
        /// A live class (`ref_id`).
        LiveClass = "live_class",
    }
}
