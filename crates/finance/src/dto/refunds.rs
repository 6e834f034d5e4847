//! Bodies of refunds and credit notes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{credit_notes, refunds};

/// A refund of (part of) a captured payment.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct RefundRequest {
    /// Razorpay's payment id (`pay_...`) of an invoiced payment of this platform.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub payment_id: String,
    /// Paise to give back: at most what is left of the invoice after earlier refunds.
    #[validate(range(min = 1, max = 100_000_000_000i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000i64)]
    pub amount_paise: i64,
    /// Why (printed on the credit note).
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// A credit note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreditNoteDto {
    /// Id.
    pub id: Uuid,
    /// `{SERIES}/{FY}/{seq}` in the credit-note series.
    pub number: String,
    /// Date.
    pub issued_at: DateTime<Utc>,
    /// The invoice it reduces.
    pub invoice_id: Uuid,
    /// Taxable value reversed, paise.
    pub taxable_paise: i64,
    /// Central tax reversed.
    pub cgst_paise: i64,
    /// State tax reversed.
    pub sgst_paise: i64,
    /// Integrated tax reversed.
    pub igst_paise: i64,
    /// Value of the note.
    pub total_paise: i64,
    /// The section 34(2) cut-off for credit notes of the invoice's financial year (30
    /// November after it): said when the note was issued after it, or within 45 days before.
    pub warning: Option<String>,
    /// Where the PDF is served (`/api/finance/credit-notes/{id}/pdf`; the buyer uses
    /// `/api/finance/my-credit-notes/{id}/pdf`).
    pub pdf_url: String,
}

impl CreditNoteDto {
    /// The buyer's view: the PDF at the buyer's own route.
    pub fn for_buyer(mut self) -> Self {
        self.pdf_url = format!("/api/finance/my-credit-notes/{}/pdf", self.id);
        self
    }
}

/// The credit notes of an invoice, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreditNoteList {
    /// Credit notes.
    pub items: Vec<CreditNoteDto>,
}

impl From<credit_notes::Model> for CreditNoteDto {
    fn from(c: credit_notes::Model) -> Self {
        Self {
            id: c.id,
            number: c.number,
            issued_at: c.issued_at,
            invoice_id: c.invoice_id,
            taxable_paise: c.taxable_paise,
            cgst_paise: c.cgst_paise,
            sgst_paise: c.sgst_paise,
            igst_paise: c.igst_paise,
            total_paise: c.total_paise,
            warning: None,
            pdf_url: format!("/api/finance/credit-notes/{}/pdf", c.id),
        }
    }
}

/// A refund and its credit note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RefundDto {
    /// Id (sent to Razorpay as the refund's receipt).
    pub id: Uuid,
    /// The invoice refunded.
    pub invoice_id: Uuid,
    /// Razorpay's payment id.
    pub payment_id: String,
    /// Paise refunded.
    pub amount_paise: i64,
    /// Why.
    pub reason: String,
    /// `pending` (asked, Razorpay has not confirmed), `processed` or `failed`.
    pub status: String,
    /// Razorpay's refund id.
    pub razorpay_refund_id: Option<String>,
    /// The credit note (none while Razorpay has not accepted the refund).
    pub credit_note: Option<CreditNoteDto>,
    /// Asked.
    pub created_at: DateTime<Utc>,
}

impl RefundDto {
    /// The refund with its credit note.
    pub fn new(r: refunds::Model, note: Option<credit_notes::Model>) -> Self {
        Self {
            id: r.id,
            invoice_id: r.invoice_id,
            payment_id: r.razorpay_payment_id,
            amount_paise: r.amount_paise,
            reason: r.reason,
            status: r.status,
            razorpay_refund_id: r.razorpay_refund_id,
            credit_note: note.map(Into::into),
            created_at: r.created_at,
        }
    }
}
