//! `review_requests`: candidates' requests for a human review.

use sea_orm::entity::prelude::*;

/// A request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_requests")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The candidate's words.
    pub reason: String,
    /// Asked.
    pub created_at: DateTimeUtc,
    /// Resolved.
    pub resolved_at: Option<DateTimeUtc>,
    /// By whom.
    pub resolved_by: Option<Uuid>,
    /// What the reviewer decided.
    pub resolution: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
