//! Bodies of invoices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entities::{invoice_lines, invoices};

/// The buyer as printed on the invoice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerDto {
    /// The buyer's account.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// GSTIN (B2B).
    pub gstin: Option<String>,
    /// State code on record.
    pub state_code: Option<String>,
    /// Address.
    pub address: String,
}

/// A line of an invoice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvoiceLineDto {
    /// What was sold.
    pub description: String,
    /// SAC.
    pub sac: String,
    /// GST rate in basis points (1800 = 18%).
    pub rate_bp: i32,
    /// Units.
    pub quantity: i32,
    /// Taxable value in paise.
    pub taxable_paise: i64,
    /// Central tax in paise.
    pub cgst_paise: i64,
    /// State tax in paise.
    pub sgst_paise: i64,
    /// Integrated tax in paise.
    pub igst_paise: i64,
    /// Line total in paise.
    pub total_paise: i64,
}

/// A tax invoice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvoiceDto {
    /// Id.
    pub id: Uuid,
    /// `{SERIES}/{FY}/{seq}`, e.g. `MM/26-27/00123`.
    pub number: String,
    /// Invoice date.
    pub issued_at: DateTime<Utc>,
    /// The buyer.
    pub customer: CustomerDto,
    /// The lines.
    pub lines: Vec<InvoiceLineDto>,
    /// Supplier's GSTIN.
    pub supplier_gstin: String,
    /// Supplier's legal name.
    pub supplier_name: String,
    /// Place of supply (state code).
    pub place_of_supply: String,
    /// `b2b`, `b2cl` or `b2cs` (GSTR-1 table).
    pub classification: String,
    /// The paid order.
    pub order_id: Uuid,
    /// Kind of thing bought (`token_pack`, `course_enrollment`, …).
    pub item: String,
    /// Currency (INR).
    pub currency: String,
    /// Sum of taxable values in paise.
    pub taxable_paise: i64,
    /// Central tax in paise.
    pub cgst_paise: i64,
    /// State tax in paise.
    pub sgst_paise: i64,
    /// Integrated tax in paise.
    pub igst_paise: i64,
    /// Invoice value in paise.
    pub total_paise: i64,
    /// Where the PDF is served (`/api/finance/invoices/{id}/pdf`; the buyer uses
    /// `/api/finance/my-invoices/{id}/pdf`).
    pub pdf_url: String,
}

impl InvoiceDto {
    /// The invoice with its lines.
    pub fn new(i: invoices::Model, lines: Vec<invoice_lines::Model>) -> Self {
        Self {
            id: i.id,
            number: i.number,
            issued_at: i.issued_at,
            customer: CustomerDto {
                user_id: i.user_id,
                name: i.buyer_name,
                gstin: i.buyer_gstin,
                state_code: i.buyer_state,
                address: i.buyer_address,
            },
            lines: lines
                .into_iter()
                .map(|l| InvoiceLineDto {
                    description: l.description,
                    sac: l.sac,
                    rate_bp: l.rate_bp,
                    quantity: l.quantity,
                    taxable_paise: l.taxable_paise,
                    cgst_paise: l.cgst_paise,
                    sgst_paise: l.sgst_paise,
                    igst_paise: l.igst_paise,
                    total_paise: l.total_paise,
                })
                .collect(),
            supplier_gstin: i.supplier_gstin,
            supplier_name: i.supplier_name,
            place_of_supply: i.place_of_supply,
            classification: i.classification,
            order_id: i.order_id,
            item: i.item,
            currency: i.currency,
            taxable_paise: i.taxable_paise,
            cgst_paise: i.cgst_paise,
            sgst_paise: i.sgst_paise,
            igst_paise: i.igst_paise,
            total_paise: i.total_paise,
            pdf_url: format!("/api/finance/invoices/{}/pdf", i.id),
        }
    }
}
