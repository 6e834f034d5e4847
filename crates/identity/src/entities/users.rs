//! `users`: one row per person per platform (membership is `platform_id`).

use sea_orm::entity::prelude::*;

/// A user of one platform.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Id (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform the user belongs to.
    pub platform_id: Uuid,
    /// Email, lowercased; unique per platform.
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Phone number, normalised (`+` and digits).
    pub phone: Option<String>,
    /// argon2id PHC string; `None` for accounts that sign in by OTP or Google only.
    pub password_hash: Option<String>,
    /// `USER | ADMIN | SUPERADMIN | EXPERT | SALES`.
    pub role: String,
    /// Capability flags, a JSON array of snake_case names.
    pub capabilities: Json,
    /// `active` or `suspended`.
    pub status: String,
    /// When the address was proven (OTP, Google, reset link).
    pub email_verified_at: Option<DateTimeUtc>,
    /// Access tokens issued before this are refused (password changes).
    pub tokens_valid_after: Option<DateTimeUtc>,
    /// Last successful sign-in.
    pub last_login_at: Option<DateTimeUtc>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations declared; other tables reference `users.id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
