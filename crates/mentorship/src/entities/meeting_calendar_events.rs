//! `meeting_calendar_events`.

use sea_orm::entity::prelude::*;

/// The Google Calendar event created for a meeting on its mentor's calendar.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_calendar_events")]
pub struct Model {
    /// The meeting.
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Whose calendar holds it.
    pub mentor_user_id: Uuid,
    /// Google's event id.
    pub google_event_id: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Deleted from the calendar (after a cancellation).
    pub deleted_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
