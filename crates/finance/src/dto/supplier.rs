//! Bodies of the supplier settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A platform's supplier details (replacing the environment's defaults for it).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct SupplierUpdate {
    /// GSTIN (15 characters, check character verified).
    #[validate(length(equal = 15))]
    #[schema(
        min_length = 15,
        max_length = 15,
        pattern = "^[0-9]{2}[A-Z0-9]{10}[1-9A-Z]Z[0-9A-Z]$"
    )]
    pub gstin: String,
    /// State code; when given, must be the GSTIN's first two digits.
    #[validate(length(equal = 2))]
    #[schema(min_length = 2, max_length = 2, pattern = "^[0-9]{2}$")]
    pub state_code: Option<String>,
    /// Legal name on the documents.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    /// Invoice series: one or two characters, so `{SERIES}/{FY}/{5 digits}` fits 14.
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16)]
    pub invoice_series: String,
    /// Credit-note series (one or two characters, not the invoices').
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16)]
    pub credit_note_series: String,
}

/// The supplier details in force on the platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupplierDto {
    /// GSTIN.
    pub gstin: String,
    /// State code.
    pub state_code: String,
    /// Legal name.
    pub legal_name: String,
    /// Invoice series.
    pub invoice_series: String,
    /// Credit-note series.
    pub credit_note_series: String,
    /// `platform` (this platform's own settings) or `default` (the environment's).
    pub source: String,
    /// When the platform's settings were last changed.
    pub updated_at: Option<DateTime<Utc>>,
}
