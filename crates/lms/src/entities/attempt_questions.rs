//! `attempt_questions`: the pinned question versions of an attempt, in the attempt's order.

use sea_orm::entity::prelude::*;

/// A question of an attempt.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_questions")]
pub struct Model {
    /// Attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: Uuid,
    /// Question.
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    /// The version pinned when the attempt started.
    pub version: i32,
    /// Order in this attempt.
    pub position: i32,
    /// The options' original indexes in the order shown (a JSON array).
    pub option_order: Json,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
