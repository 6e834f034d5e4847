//! `ledger_accounts`: one per (platform, kind, owner); the balance is kept in the row and
//! proven against the transfers by reconciliation.

use sea_orm::entity::prelude::*;

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
    pub kind: String,
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
