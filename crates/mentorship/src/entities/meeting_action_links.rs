//! `meeting_action_links`.

use sea_orm::entity::prelude::*;

/// A single-use action link emailed to a meeting's mentor.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_action_links")]
pub struct Model {
    /// Id (the first half of the emailed token).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// `complete`.
    pub action: String,
    /// Stops working.
    pub expires_at: DateTimeUtc,
    /// Used (once).
    pub used_at: Option<DateTimeUtc>,
    /// Issued.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
