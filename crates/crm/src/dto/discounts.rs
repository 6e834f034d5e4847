//! Bodies of discounts on a lead's course deal (ADR 0076). Money is integer paise.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// How a discount is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    /// `value` is an amount in paise.
    Amount,
    /// `value` is a whole percent of the list price (1-100).
    Percent,
}

/// What a discount is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscountStatus {
    /// Within the proposer's limit, or approved by someone whose limit covers it.
    Approved,
    /// Waiting for a sales head of the lead's team or an admin.
    Pending,
    /// Rejected with a reason.
    Rejected,
}

/// A proposed discount on a lead's course deal.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewDiscount {
    /// The lead (within the caller's view).
    pub lead_id: Uuid,
    /// `amount` (paise) or `percent`.
    pub kind: DiscountKind,
    /// Paise for `amount`, a whole percent (1-100) for `percent`.
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub value: i64,
    /// The deal's list price in paise, needed when the lead's course is not a course of the
    /// platform with a price (a known course's price wins). A discount on a stated price is
    /// never approved at once: it waits for a sales head or an admin.
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub list_price_paise: Option<i64>,
    /// Why (shown to the approver).
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// An approval or a rejection.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct DiscountDecision {
    /// Why (required to reject).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// Which discounts to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiscountFilter {
    /// Only this lead's.
    pub lead_id: Option<Uuid>,
    /// Only in this status (`pending`: the approval queue).
    pub status: Option<DiscountStatus>,
}

/// A discount.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DiscountDto {
    /// Id.
    pub id: Uuid,
    /// The lead.
    pub lead_id: Uuid,
    /// Who proposed it.
    pub proposed_by: Uuid,
    /// The list price in paise.
    pub list_price_paise: i64,
    /// `course` (the lead's course's price) or `stated` (given with the proposal).
    pub price_source: String,
    /// How it was given.
    pub kind: DiscountKind,
    /// As given (paise or percent).
    pub value: i64,
    /// The discount in paise.
    pub discount_paise: i64,
    /// The price after the discount, in paise.
    pub final_price_paise: i64,
    /// The discount in basis points of the list price (rounded up).
    pub discount_bp: i32,
    /// Why it was proposed.
    pub reason: Option<String>,
    /// Approved, pending or rejected.
    pub status: DiscountStatus,
    /// Approved at once, within the proposer's limit on a course's price (never on a stated
    /// one).
    pub auto_approved: bool,
    /// Who may approve a pending one: `sales_head` (of the lead's team) or `admin`.
    pub approver_role: Option<String>,
    /// Who approved or rejected it.
    pub decided_by: Option<Uuid>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The approver's reason.
    pub decision_reason: Option<String>,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
}
