//! `notifications`: in-app notifications of one user.

use sea_orm::entity::prelude::*;

/// One notification.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    /// Id (UUID v7, chosen when the notice is enqueued: a retried job writes it once).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant.
    pub platform_id: Uuid,
    /// The recipient.
    pub user_id: Uuid,
    /// Machine name (`meeting.booked`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Optional in-app URL path.
    pub link: Option<String>,
    /// Extra data for the client.
    pub data: Json,
    /// When the user read it.
    pub read_at: Option<DateTimeUtc>,
    /// When it was sent.
    pub created_at: DateTimeUtc,
}

/// Tenant-owned; `platform_id` references `platforms.id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
