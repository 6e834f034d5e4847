//! `google_drive_connections`.

use sea_orm::entity::prelude::*;

/// A user's connected Google Drive on one platform. Both tokens are stored sealed (bound to
/// the platform and user) and never leave the service layer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "google_drive_connections")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The user (one connection per platform and user).
    pub user_id: Uuid,
    /// `v1:<hex>`: the sealed refresh token.
    pub refresh_token_sealed: String,
    /// The sealed last access token, reused until [`Model::access_expires_at`].
    pub access_token_sealed: Option<String>,
    /// When the access token runs out.
    pub access_expires_at: Option<DateTimeUtc>,
    /// Scopes granted, space separated.
    pub scope: String,
    /// When the user connected (or last reconnected).
    pub connected_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
