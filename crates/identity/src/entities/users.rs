//! `users`: one row per person per platform (membership is `platform_id`).

use kernel::auth::Role;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    pub role: Role,
    /// Capability flags, a JSON array of snake_case names.
    pub capabilities: Json,
    /// `active` or `suspended`.
    pub status: UserStatus,
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

/// An account's status (the table's CHECK: active, suspended).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Signs in and calls the API.
    #[sea_orm(string_value = "active")]
    Active,
    /// Suspended by an admin: neither calls nor refreshes.
    #[sea_orm(string_value = "suspended")]
    Suspended,
}
