//! `ledger_transfers`: immutable (a trigger refuses UPDATE and DELETE); `amount` moves from
//! `debit_account` to `credit_account`.

use sea_orm::entity::prelude::*;

/// A transfer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_transfers")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Unique per platform: a repeat with the same key is the same transfer.
    pub idempotency_key: String,
    /// What moved the tokens.
    pub kind: String,
    /// Account the tokens leave.
    pub debit_account: Uuid,
    /// Account the tokens reach.
    pub credit_account: Uuid,
    /// Tokens, > 0.
    pub amount: i64,
    /// The hold this transfer places or settles.
    pub hold_id: Option<Uuid>,
    /// Why (grants, corrections).
    pub reason: String,
    /// Anything else (order ids, booking ids).
    pub metadata: Json,
    /// Who asked (admins, the buyer).
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
