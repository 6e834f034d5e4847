//! Bodies of the buyer's billing profile.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The caller's billing details for their future invoices.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct BillingProfileUpdate {
    /// Name on the invoice (a person's or a business's legal name).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    /// GSTIN of a registered business (B2B invoices); omitted for a consumer.
    #[validate(length(equal = 15))]
    #[schema(
        min_length = 15,
        max_length = 15,
        pattern = "^[0-9]{2}[A-Z0-9]{10}[1-9A-Z]Z[0-9A-Z]$"
    )]
    pub gstin: Option<String>,
    /// Two-digit state code (the place of supply of an unregistered buyer); with a GSTIN it
    /// must be the GSTIN's first two digits.
    #[validate(length(equal = 2))]
    #[schema(min_length = 2, max_length = 2, pattern = "^[0-9]{2}$")]
    pub state_code: Option<String>,
    /// Postal address.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub address: Option<String>,
}

/// A billing profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BillingProfileDto {
    /// Name on the invoice.
    pub legal_name: String,
    /// GSTIN.
    pub gstin: Option<String>,
    /// State code.
    pub state_code: Option<String>,
    /// Postal address.
    pub address: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<crate::entities::billing_profiles::Model> for BillingProfileDto {
    fn from(m: crate::entities::billing_profiles::Model) -> Self {
        Self {
            legal_name: m.legal_name,
            gstin: m.gstin,
            state_code: m.state_code,
            address: m.address,
            updated_at: m.updated_at,
        }
    }
}
