//! `attempt_answers`: the saved answer of each question of an attempt.

use sea_orm::entity::prelude::*;

/// A saved answer.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_answers")]
pub struct Model {
    /// Attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: Uuid,
    /// Question.
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    /// The answer (shape by the question's kind).
    pub answer: Json,
    /// The client's sequence number: a lower one never overwrites.
    pub seq: i64,
    /// Saved.
    pub saved_at: DateTimeUtc,
    /// Marks given when graded.
    pub score: Option<f64>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
