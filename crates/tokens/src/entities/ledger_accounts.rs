//! `ledger_accounts`: one per (platform, kind, owner); the balance is kept in the row and
//! proven against the transfers by reconciliation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_accounts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// `user_available`, `user_held`, `mentor_earnings`, `platform_*`.
    pub kind: AccountKind,
    /// The user (none for platform accounts).
    pub owner_id: Option<Uuid>,
    /// Credits minus debits, in tokens.
    pub balance: i64,
    /// Whether the balance may go below zero (platform source accounts).
    pub allow_negative: bool,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last balance change.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Kinds of account.
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
pub enum AccountKind {
    /// A user's spendable tokens.
    #[sea_orm(string_value = "user_available")]
    UserAvailable,
    /// A user's tokens held for bookings.
    #[sea_orm(string_value = "user_held")]
    UserHeld,
    /// A mentor's earned tokens (paid out on request).
    #[sea_orm(string_value = "mentor_earnings")]
    MentorEarnings,
    /// The platform's commission.
    #[sea_orm(string_value = "platform_revenue")]
    PlatformRevenue,
    /// Source of purchased tokens (goes negative by what users bought).
    #[sea_orm(string_value = "platform_purchases")]
    PlatformPurchases,
    /// Source of granted tokens (goes negative by what admins granted).
    #[sea_orm(string_value = "platform_grants")]
    PlatformGrants,
    /// Sink of paid-out earnings.
    #[sea_orm(string_value = "platform_payouts")]
    PlatformPayouts,
}

impl AccountKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserAvailable => "user_available",
            Self::UserHeld => "user_held",
            Self::MentorEarnings => "mentor_earnings",
            Self::PlatformRevenue => "platform_revenue",
            Self::PlatformPurchases => "platform_purchases",
            Self::PlatformGrants => "platform_grants",
            Self::PlatformPayouts => "platform_payouts",
        }
    }

    /// Source accounts may go negative; every other account never does.
    pub fn allow_negative(self) -> bool {
        matches!(self, Self::PlatformPurchases | Self::PlatformGrants)
    }

    /// Platform accounts have no owner.
    pub fn is_platform(self) -> bool {
        matches!(
            self,
            Self::PlatformRevenue
                | Self::PlatformPurchases
                | Self::PlatformGrants
                | Self::PlatformPayouts
        )
    }
}
