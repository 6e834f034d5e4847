//! `quiz_questions`: the questions of a quiz, in order.

use sea_orm::entity::prelude::*;

/// A question of a quiz.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_questions")]
pub struct Model {
    /// Quiz.
    #[sea_orm(primary_key, auto_increment = false)]
    pub quiz_id: Uuid,
    /// Question.
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    /// Order in the quiz (when not shuffled).
    pub position: i32,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
