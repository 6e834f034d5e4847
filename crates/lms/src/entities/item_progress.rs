//! `item_progress`: content items an enrolled student completed.

use sea_orm::entity::prelude::*;

/// A completed item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "item_progress")]
pub struct Model {
    /// Enrolment.
    #[sea_orm(primary_key, auto_increment = false)]
    pub enrollment_id: Uuid,
    /// Item.
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Student.
    pub user_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// When.
    pub completed_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
