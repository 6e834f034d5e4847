//! `whatsapp_messages`: one row per message sent or received through the WhatsApp Cloud API.

use sea_orm::entity::prelude::*;

/// A WhatsApp message of a platform.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "whatsapp_messages")]
pub struct Model {
    /// Id (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant.
    pub platform_id: Uuid,
    /// `outbound` (we sent it) or `inbound` (a user wrote to us).
    pub direction: String,
    /// The provider's message id (`wamid.…`); null until the send succeeded.
    #[sea_orm(unique)]
    pub wa_message_id: Option<String>,
    /// The other party's phone number (digits with country code).
    pub peer: String,
    /// `text`, `template`, or the inbound message type (`image`, `button`, …). A `String`,
    /// not an enum: inbound types are whatever WhatsApp sends (the table only checks the
    /// length), and new ones must be stored, not refused.
    pub kind: String,
    /// Text body, when there is one.
    pub body: Option<String>,
    /// Template name of template messages.
    pub template_name: Option<String>,
    /// The request sent (outbound) or the message received (inbound).
    pub payload: Json,
    /// `queued`, `sent`, `delivered`, `read`, `failed` (outbound) or `received` (inbound). A
    /// `String`, not an enum: delivery statuses come from WhatsApp's webhook, an open set the
    /// table only checks the length of (an unknown one is stored and ranks lowest).
    pub status: String,
    /// The last error reported for the message.
    pub error: Option<Json>,
    /// The user who sent it (outbound from the API).
    pub created_by: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// Tenant-owned; `platform_id` references `platforms.id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
