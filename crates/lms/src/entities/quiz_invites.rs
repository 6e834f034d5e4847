//! `quiz_invites`: candidate quiz links (the token is stored as its SHA-256).

use sea_orm::entity::prelude::*;

/// A candidate's invite.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_invites")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Quiz.
    pub quiz_id: Uuid,
    /// Candidate's email.
    pub email: String,
    /// Candidate's name.
    pub full_name: String,
    /// SHA-256 (hex) of the link's token.
    pub token_hash: String,
    /// The candidate's own time multiplier.
    pub time_multiplier: f64,
    /// The candidate's own extra seconds.
    pub extra_seconds: i32,
    /// The link stops working after this.
    pub expires_at: Option<DateTimeUtc>,
    /// The admin who sent it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
