//! Request and response bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{
    ledger_transfers::{self, TransferKind},
    token_packs,
};

/// A ledger transfer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferDto {
    /// Id.
    pub id: Uuid,
    /// What moved the tokens.
    pub kind: TransferKind,
    /// Tokens.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// The idempotency key it was written under.
    pub idempotency_key: String,
    /// Who asked.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<ledger_transfers::Model> for TransferDto {
    fn from(t: ledger_transfers::Model) -> Self {
        Self {
            id: t.id,
            kind: t.kind,
            amount: t.amount,
            reason: t.reason,
            idempotency_key: t.idempotency_key,
            created_by: t.created_by,
            created_at: t.created_at,
        }
    }
}

/// Tokens granted by an admin.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct GrantRequest {
    /// The user.
    pub user_id: Uuid,
    /// Tokens, 1-1,000,000.
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub amount: i64,
    /// Why (kept with the transfer).
    #[validate(length(min = 3, max = 500))]
    #[schema(min_length = 3, max_length = 500)]
    pub reason: String,
}

/// A correction by an admin: positive credits the user, negative debits them.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CorrectionRequest {
    /// The user.
    pub user_id: Uuid,
    /// Tokens, non-zero, at most 1,000,000 either way.
    #[validate(range(min = -1_000_000, max = 1_000_000), custom(function = "non_zero"))]
    #[schema(schema_with = non_zero_amount)]
    pub amount: i64,
    /// Why (kept with the transfer).
    #[validate(length(min = 3, max = 500))]
    #[schema(min_length = 3, max_length = 500)]
    pub reason: String,
}

/// -1,000,000..=-1 or 1..=1,000,000.
fn non_zero_amount() -> utoipa::openapi::Schema {
    use utoipa::openapi::{KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type};
    let range = |min: i64, max: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min))
            .maximum(Some(max))
    };
    Schema::OneOf(
        OneOfBuilder::new()
            .item(range(-1_000_000, -1))
            .item(range(1, 1_000_000))
            .build(),
    )
}

fn non_zero(amount: i64) -> Result<(), validator::ValidationError> {
    if amount == 0 {
        return Err(
            validator::ValidationError::new("non_zero").with_message("must not be zero".into())
        );
    }
    Ok(())
}

/// One line of a user's token history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryLine {
    /// The transfer.
    pub transfer_id: Uuid,
    /// What moved the tokens.
    pub kind: TransferKind,
    /// `available` or `held`.
    pub account: String,
    /// Signed change of that account.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// The booking/order it belongs to, when any.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A token pack.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Tokens credited.
    pub tokens: i64,
    /// Price in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// What the buyer pays, in paise: `amount_paise`, with 18% GST added when the price is
    /// stated exclusive of it.
    pub payable_paise: i64,
    /// On sale.
    pub active: bool,
}

impl From<token_packs::Model> for PackDto {
    fn from(p: token_packs::Model) -> Self {
        Self {
            payable_paise: p.charged_paise(),
            id: p.id,
            name: p.name,
            tokens: p.tokens,
            amount_paise: p.price_paise,
            currency: p.currency,
            gst_inclusive: p.gst_inclusive,
            active: p.active,
        }
    }
}

/// A new pack.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewPack {
    /// Name, unique per platform.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Tokens, 1-100,000.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub tokens: i64,
    /// Price in paise, ₹1 to ₹10,00,000.
    #[validate(range(min = 100, max = 100_000_000))]
    #[schema(minimum = 100, maximum = 100_000_000)]
    pub amount_paise: i64,
    /// Whether the price includes GST (default true).
    #[serde(default = "yes")]
    pub gst_inclusive: bool,
    /// On sale (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Changes to a pack.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PackChanges {
    /// Name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Tokens.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub tokens: Option<i64>,
    /// Price in paise.
    #[validate(range(min = 100, max = 100_000_000))]
    #[schema(minimum = 100, maximum = 100_000_000)]
    pub amount_paise: Option<i64>,
    /// GST-inclusive price.
    pub gst_inclusive: Option<bool>,
    /// On sale.
    pub active: Option<bool>,
}

/// A purchase to start.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PurchaseRequest {
    /// The pack.
    pub pack_id: Uuid,
}

/// What the checkout needs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurchaseOrder {
    /// Our order id.
    pub order_id: Uuid,
    /// Razorpay's order id.
    pub razorpay_order_id: String,
    /// What the checkout charges, in paise: the pack's price, GST included (added when the
    /// price is stated exclusive of it).
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Razorpay key id for the checkout.
    pub key_id: String,
    /// Tokens the purchase credits.
    pub tokens: i64,
}

/// A verified purchase.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Verified {
    /// Our order id.
    pub order_id: Uuid,
    /// Tokens the order credited.
    pub tokens_credited: i64,
    /// Balances now.
    pub balance: crate::ledger::Balance,
}
