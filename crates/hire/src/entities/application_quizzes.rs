//! `application_quizzes`: the LMS quiz invites sent to applications' candidates.

use sea_orm::entity::prelude::*;

/// A quiz sent to an application's candidate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_quizzes")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The LMS quiz.
    pub quiz_id: Uuid,
    /// The LMS invite (its token went to the candidate only).
    pub invite_id: Uuid,
    /// The application's stage when it was sent.
    pub stage: String,
    /// Who sent it.
    pub sent_by: Option<Uuid>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
