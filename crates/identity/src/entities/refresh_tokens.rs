//! `refresh_tokens`: rotating refresh tokens (hashes only), grouped in families.

use sea_orm::entity::prelude::*;

/// One refresh token of a family.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The sign-in this token descends from; revoked as a whole.
    pub family_id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Platform it was issued for.
    pub platform_id: Uuid,
    /// SHA-256 of the token.
    pub token_hash: Vec<u8>,
    /// Issued at.
    pub created_at: DateTimeUtc,
    /// Expires at.
    pub expires_at: DateTimeUtc,
    /// Spent (exchanged for a new pair) at.
    pub used_at: Option<DateTimeUtc>,
    /// Revoked (logout, reuse, suspension, password reset) at.
    pub revoked_at: Option<DateTimeUtc>,
    /// The token that replaced it.
    pub replaced_by: Option<Uuid>,
    /// Client's user agent at issue.
    pub user_agent: Option<String>,
    /// Client's IP at issue.
    pub ip: Option<String>,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
