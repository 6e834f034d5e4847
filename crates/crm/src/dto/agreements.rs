//! Bodies of PAP / MOU agreements (ADR 0067). Money is integer paise.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Which agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    /// Pay after placement: the fee falls due only once the learner is placed.
    Pap,
    /// Memorandum of understanding: the course, its fee and the terms agreed.
    Mou,
}

impl AgreementKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pap => "pap",
            Self::Mou => "mou",
        }
    }
}

/// An agreement generated from its template for a lead.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewAgreement {
    /// The lead (within the caller's view).
    pub lead_id: Uuid,
    /// `pap` or `mou`.
    pub kind: AgreementKind,
    /// The course (default: the lead's course; one of them is required).
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub course: Option<String>,
    /// The course fee in paise (for a PAP: what falls due after placement).
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub fee_paise: i64,
    /// PAP: the share of the first year's pay due instead, in percent (1-50).
    #[validate(range(min = 1, max = 50))]
    #[schema(minimum = 1, maximum = 50)]
    pub placement_fee_percent: Option<i32>,
    /// PAP: below this yearly pay (paise) nothing falls due.
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub min_ctc_paise: Option<i64>,
}

/// Which agreements to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementFilter {
    /// Only this lead's.
    pub lead_id: Option<Uuid>,
}

/// An agreement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgreementDto {
    /// Id (Leegality's `irn`).
    pub id: Uuid,
    /// The lead.
    pub lead_id: Uuid,
    /// `pap` or `mou`.
    pub kind: AgreementKind,
    /// `generated`, `sent`, `signed`, `declined` or `expired`.
    pub status: String,
    /// The terms it was rendered from.
    #[schema(value_type = Object)]
    pub terms: serde_json::Value,
    /// Leegality's document id (once sent).
    pub document_id: Option<String>,
    /// The signer's link: whoever opens it signs as the learner. Shown only while the
    /// agreement is `sent` and only to its author (`created_by`, who generated it and in the
    /// usual flow sent it); `null` for everyone else (the owner's sales head, a CM, an admin,
    /// a later owner) and for everyone once it is signed, declined or expired.
    pub signing_url: Option<String>,
    /// Whether the signed PDF is stored.
    pub signed_pdf_stored: bool,
    /// Who generated it.
    pub created_by: Uuid,
    /// Sent for signing at.
    pub sent_at: Option<DateTime<Utc>>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// When the recovery last settled it from Leegality's status.
    pub recovered_at: Option<DateTime<Utc>>,
    /// Generated at.
    pub created_at: DateTime<Utc>,
}

/// What the recovery of stuck agreements did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct RecoveryReport {
    /// Sent agreements without a webhook for the configured hours that were asked about.
    pub checked: u32,
    /// Found signed (signed PDF stored).
    pub signed: u32,
    /// Found declined or expired.
    pub closed: u32,
    /// Still waiting at Leegality.
    pub pending: u32,
    /// Leegality could not be asked (tried again next time).
    pub failed: u32,
}
