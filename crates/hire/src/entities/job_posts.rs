//! `job_posts`.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// A job post.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_posts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The template it started from.
    pub template_id: Option<Uuid>,
    /// Job family.
    pub family: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Where.
    pub location: String,
    /// Remote work possible.
    pub remote: bool,
    /// Skills (JSON array of strings).
    pub skills: Json,
    /// Lowest salary offered, paise per year.
    pub salary_min_paise: Option<i64>,
    /// Highest salary offered, paise per year.
    pub salary_max_paise: Option<i64>,
    /// Screening questions (JSON array of `{id, question, required}`).
    pub screening_questions: Json,
    /// The pipeline's stages in order (JSON array of strings).
    pub stages: Json,
    /// Draft, open or closed.
    pub status: PostStatus,
    /// When it was first opened.
    pub published_at: Option<DateTimeUtc>,
    /// The HR user who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
    /// The job template's version the post was made from.
    pub template_version: Option<i32>,
    /// The stage template version the post was made under (its stage emails and scorecards).
    pub stage_template_id: Option<Uuid>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// A job post's state (the table's CHECK).
    PostStatus {
        /// Being written; not public.
        Draft = "draft",
        /// Public, accepting applications.
        Open = "open",
        /// Public listing gone, no new applications; the pipeline goes on.
        Closed = "closed",
    }
}
