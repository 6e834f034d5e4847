//! `google_calendar_connections`.

use sea_orm::entity::prelude::*;

/// A mentor's connected Google Calendar. The refresh token is stored sealed
/// (`integrations::google_calendar::TokenSeal`) and never leaves the service layer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "google_calendar_connections")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The mentor (one connection per user).
    pub user_id: Uuid,
    /// `v1:<hex>`: the sealed refresh token.
    pub refresh_token_sealed: String,
    /// Scopes granted, space separated.
    pub scope: String,
    /// When the mentor connected (or last reconnected).
    pub connected_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
