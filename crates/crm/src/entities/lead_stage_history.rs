//! `lead_stage_history`: each stage a lead was in, from when to when.

use sea_orm::entity::prelude::*;

use super::leads::Stage;

/// A stay in a stage (`left_at` empty for the current one).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_stage_history")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Lead.
    pub lead_id: Uuid,
    /// The stage.
    pub stage: Stage,
    /// Entered.
    pub entered_at: DateTimeUtc,
    /// Left.
    pub left_at: Option<DateTimeUtc>,
    /// Who moved the lead into it.
    pub changed_by: Option<Uuid>,
    /// The note given with the move.
    pub note: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
