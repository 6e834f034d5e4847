//! `whatsapp_status_events`: delivery statuses from the webhook, once per (message, status).

use sea_orm::entity::prelude::*;

/// One status a message reached.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "whatsapp_status_events")]
pub struct Model {
    /// Id (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant (the message's, or the webhook request's when the message is unknown).
    pub platform_id: Uuid,
    /// The provider's message id.
    pub wa_message_id: String,
    /// `sent`, `delivered`, `read`, `failed`, …
    pub status: String,
    /// The recipient's phone number.
    pub recipient: Option<String>,
    /// When the provider says it happened.
    pub occurred_at: Option<DateTimeUtc>,
    /// The provider's `errors` array, for failures.
    pub errors: Option<Json>,
    /// When the webhook delivered it.
    pub received_at: DateTimeUtc,
}

/// Tenant-owned; `platform_id` references `platforms.id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
