//! `application_emails`: the stage emails of applications (ids and template only).

use sea_orm::entity::prelude::*;

/// A stage email.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_emails")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The stage event that asked for it.
    pub event_id: Uuid,
    /// The template.
    pub template: String,
    /// `queued`, `sent` or `skipped`.
    pub status: String,
    /// Why it was skipped.
    pub skipped_reason: Option<String>,
    /// Queued.
    pub created_at: DateTimeUtc,
    /// Sent.
    pub sent_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
