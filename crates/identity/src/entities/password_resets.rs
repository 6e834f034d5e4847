//! `password_resets`: emailed single-use reset links (SHA-256 of the token only).

use sea_orm::entity::prelude::*;

/// One reset link.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The user whose password it resets.
    pub user_id: Uuid,
    /// SHA-256 of the token.
    pub token_hash: Vec<u8>,
    /// Expires at.
    pub expires_at: DateTimeUtc,
    /// Used (or superseded) at.
    pub used_at: Option<DateTimeUtc>,
    /// Sent at.
    pub created_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
