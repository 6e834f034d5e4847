//! `ledger_holds`: tokens set aside from a user's available balance until posted (to a
//! mentor and the platform) or voided (back to the user), possibly split.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A hold.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_holds")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Whose tokens.
    pub user_id: Uuid,
    /// Tokens held.
    pub amount: i64,
    /// `pending`, `posted`, `voided`.
    pub status: HoldStatus,
    /// What the hold is for (`booking:<id>`), unique per platform.
    pub reference: String,
    /// Latest settlement time allowed by governance, if any.
    pub expires_at: Option<DateTimeUtc>,
    /// Tokens posted to the mentor and the platform.
    pub posted: i64,
    /// Tokens returned to the user.
    pub refunded: i64,
    /// Placed.
    pub created_at: DateTimeUtc,
    /// Settled.
    pub settled_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A hold's status (the table's CHECK: pending, posted, voided).
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
pub enum HoldStatus {
    /// Tokens set aside, not settled.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Settled with some tokens posted to the mentor (the rest refunded).
    #[sea_orm(string_value = "posted")]
    Posted,
    /// Settled with everything returned to the user.
    #[sea_orm(string_value = "voided")]
    Voided,
}
