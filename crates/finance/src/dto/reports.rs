//! Bodies of the reports.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The answer's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// JSON (default).
    #[default]
    Json,
    /// CSV: one row per report row, a `section` column first.
    Csv,
    /// An .xlsx workbook, one sheet per section.
    Xlsx,
}

/// `?from=&to=&format=`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GstReportQuery {
    /// First day (IST), inclusive.
    pub from: NaiveDate,
    /// Last day (IST), inclusive; at most 366 days after `from`.
    pub to: NaiveDate,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// One row of a section: a document (and rate) in `b2b`, `b2cl`, `cdnr`, `cdnur`; a place of
/// supply and rate in `b2cs`; a SAC and rate in `hsn`. Amounts in paise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GstRow {
    /// Invoice or credit-note number (document sections).
    pub document: Option<String>,
    /// The invoice a credit note reduces (`cdnr`, `cdnur`).
    pub original_invoice: Option<String>,
    /// Document date, IST (document sections).
    pub date: Option<NaiveDate>,
    /// The buyer's GSTIN (`b2b`, `cdnr`).
    pub counterparty_gstin: Option<String>,
    /// Place of supply (state code); none in `hsn`.
    pub place_of_supply: Option<String>,
    /// SAC (`hsn`).
    pub sac: Option<String>,
    /// Rate in basis points.
    pub rate_bp: i32,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax.
    pub sgst_paise: i64,
    /// Value (taxable plus tax).
    pub total_paise: i64,
}

/// The sums of a period, net of credit notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GstTotals {
    /// Taxable value.
    pub taxable_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax.
    pub sgst_paise: i64,
    /// Value.
    pub total_paise: i64,
}

/// A GSTR-1-shaped summary of a period: B2B and B2CL invoice-wise, B2CS by place of supply
/// and rate net of its credit notes, credit notes of registered (`cdnr`) and B2CL (`cdnur`)
/// buyers, the SAC summary (`hsn`, net) and the totals (net).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GstReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Invoices to registered buyers, per invoice and rate.
    pub b2b: Vec<GstRow>,
    /// Large inter-state invoices to unregistered buyers, per invoice and rate.
    pub b2cl: Vec<GstRow>,
    /// Other sales to unregistered buyers by place of supply and rate, less their credit notes.
    pub b2cs: Vec<GstRow>,
    /// Credit notes of B2B invoices.
    pub cdnr: Vec<GstRow>,
    /// Credit notes of B2CL invoices.
    pub cdnur: Vec<GstRow>,
    /// By SAC and rate, invoices less credit notes.
    pub hsn: Vec<GstRow>,
    /// Invoices less credit notes.
    pub totals: GstTotals,
    /// The section 34(2) cut-off (30 November) ahead of the period's end, credit notes of the
    /// period issued after the cut-off of their invoice's financial year, and B2CS credit notes
    /// of invoices of an earlier month (netted into this period's B2CS rows).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// `?from=&to=&format=` of the ledger summary (`json` or `csv`).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// First day (IST), inclusive.
    pub from: NaiveDate,
    /// Last day (IST), inclusive; at most 366 days after `from`.
    pub to: NaiveDate,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// One account of the finance ledger over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerAccount {
    /// `receivable`, `revenue`, `cgst_payable`, `sgst_payable`, `igst_payable`, `refunds`, …
    pub account: String,
    /// Sum of the positive entries (debits), paise.
    pub debit_paise: i64,
    /// Sum of the negative entries (credits) as a positive number, paise.
    pub credit_paise: i64,
    /// Debits less credits.
    pub net_paise: i64,
    /// Entries.
    pub entries: i64,
}

/// The finance ledger of a period by account. Every document posts entries that sum to zero,
/// so `balanced` is true unless something wrote a lopsided entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LedgerSummary {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// By account name.
    pub accounts: Vec<LedgerAccount>,
    /// Whether the period's entries sum to zero.
    pub balanced: bool,
}
