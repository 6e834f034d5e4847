//! `lead_tasks`: follow-ups with a due time.

use sea_orm::entity::prelude::*;

/// A follow-up task on a lead.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_tasks")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Lead.
    pub lead_id: Uuid,
    /// Who should do it.
    pub assignee_id: Option<Uuid>,
    /// What.
    pub title: String,
    /// By when.
    pub due_at: DateTimeUtc,
    /// Done.
    pub done_at: Option<DateTimeUtc>,
    /// Who set it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
