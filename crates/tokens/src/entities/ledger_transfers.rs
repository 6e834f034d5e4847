//! `ledger_transfers`: immutable (a trigger refuses UPDATE and DELETE); `amount` moves from
//! `debit_account` to `credit_account`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    pub kind: TransferKind,
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

/// What moved tokens.
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
pub enum TransferKind {
    /// Tokens bought.
    #[sea_orm(string_value = "purchase")]
    Purchase,
    /// Tokens granted by an admin.
    #[sea_orm(string_value = "grant")]
    Grant,
    /// An admin's correction (either direction).
    #[sea_orm(string_value = "correction")]
    Correction,
    /// Tokens held for a booking.
    #[sea_orm(string_value = "hold")]
    Hold,
    /// A hold posted to the mentor.
    #[sea_orm(string_value = "hold_post")]
    HoldPost,
    /// A hold's platform commission.
    #[sea_orm(string_value = "hold_commission")]
    HoldCommission,
    /// A hold (or part) returned to the user.
    #[sea_orm(string_value = "hold_void")]
    HoldVoid,
    /// Earnings paid out.
    #[sea_orm(string_value = "payout")]
    Payout,
    /// A payout undone.
    #[sea_orm(string_value = "payout_reversal")]
    PayoutReversal,
    /// Purchased tokens taken back after the payment was refunded (ADR 0068).
    #[sea_orm(string_value = "purchase_refund")]
    PurchaseRefund,
}

impl TransferKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Purchase => "purchase",
            Self::Grant => "grant",
            Self::Correction => "correction",
            Self::Hold => "hold",
            Self::HoldPost => "hold_post",
            Self::HoldCommission => "hold_commission",
            Self::HoldVoid => "hold_void",
            Self::Payout => "payout",
            Self::PayoutReversal => "payout_reversal",
            Self::PurchaseRefund => "purchase_refund",
        }
    }
}
