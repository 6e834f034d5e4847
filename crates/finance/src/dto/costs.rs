//! Bodies of pipeline cost, sales and payouts reports, and of costs entered by FINANCE.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::reports::ReportFormat;

/// What a cost entered by FINANCE was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CostCategory {
    /// Servers, storage, SaaS.
    Infrastructure,
    /// Outside vendors (content, calling, data).
    Vendor,
    /// People.
    Salaries,
    /// Campaigns, ads.
    Marketing,
    /// Anything else.
    Other,
}

impl CostCategory {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Infrastructure => "infrastructure",
            Self::Vendor => "vendor",
            Self::Salaries => "salaries",
            Self::Marketing => "marketing",
            Self::Other => "other",
        }
    }
}

/// `POST /api/finance/costs`: a cost of the pipeline other than the AI calls (those come
/// from the LLM gateway's records).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CostRequest {
    /// What it was for.
    pub category: CostCategory,
    /// What it was (kept with the entry).
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub description: String,
    /// Paise, more than zero.
    #[validate(range(min = 1, max = 100_000_000_000i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000i64)]
    pub amount_paise: i64,
    /// The IST day it was incurred (within a year of today).
    pub incurred_on: NaiveDate,
}

/// A recorded cost.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CostDto {
    /// Id.
    pub id: Uuid,
    /// What it was for.
    pub category: CostCategory,
    /// What it was.
    pub description: String,
    /// Paise.
    pub amount_paise: i64,
    /// IST day incurred.
    pub incurred_on: NaiveDate,
    /// Who entered it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// `?from=&to=&format=` of the pipeline cost and payouts reports.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day (IST), inclusive.
    pub from: NaiveDate,
    /// Last day (IST), inclusive; at most 366 days after `from`.
    pub to: NaiveDate,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// One agent's AI calls in the period (from the LLM gateway's call records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AiCostRow {
    /// Agent.
    pub agent: String,
    /// Attempts.
    pub calls: i64,
    /// Attempts that answered.
    pub ok_calls: i64,
    /// Input tokens.
    pub tokens_in: i64,
    /// Output tokens.
    pub tokens_out: i64,
    /// Cost, paise.
    pub cost_paise: i64,
}

/// Costs entered by FINANCE in the period, by category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OtherCostRow {
    /// Category.
    pub category: String,
    /// Entries.
    pub entries: i64,
    /// Paise.
    pub amount_paise: i64,
}

/// The pipeline cost of a period: the AI calls by agent and the other costs by category.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PipelineCost {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// AI calls by agent.
    pub ai: Vec<AiCostRow>,
    /// Other costs by category.
    pub other: Vec<OtherCostRow>,
    /// Sum of `ai`.
    pub ai_paise: i64,
    /// Sum of `other`.
    pub other_paise: i64,
    /// Both.
    pub total_paise: i64,
}

/// Daily or monthly rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SalesPeriod {
    /// One row per IST day (default).
    #[default]
    Daily,
    /// One row per IST month.
    Monthly,
}

/// `?from=&to=&period=&format=` of the sales report.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesQuery {
    /// First day (IST), inclusive.
    pub from: NaiveDate,
    /// Last day (IST), inclusive; at most 366 days after `from`.
    pub to: NaiveDate,
    /// `daily` (default) or `monthly`.
    pub period: Option<SalesPeriod>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// Sales of a day or month: invoices, credit notes and the net, tax net of credit notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SalesRow {
    /// `YYYY-MM-DD` or `YYYY-MM` (IST); `total` on the totals row.
    pub period: String,
    /// Invoices issued.
    pub invoices: i64,
    /// Their value, paise.
    pub invoiced_paise: i64,
    /// Credit notes issued.
    pub credit_notes: i64,
    /// Their value, paise.
    pub credited_paise: i64,
    /// Invoiced less credited.
    pub net_paise: i64,
    /// Taxable value, net.
    pub taxable_paise: i64,
    /// Central tax, net.
    pub cgst_paise: i64,
    /// State tax, net.
    pub sgst_paise: i64,
    /// Integrated tax, net.
    pub igst_paise: i64,
}

/// The sales report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SalesReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// `daily` or `monthly`.
    pub period: SalesPeriod,
    /// Periods with any document, in order.
    pub rows: Vec<SalesRow>,
    /// The sums of the rows.
    pub totals: SalesRow,
}

/// A mentor payout as finance keeps it (from tokens' `payout.changed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayoutRow {
    /// Tokens' payout id.
    pub payout_id: Uuid,
    /// The mentor.
    pub mentor_id: Uuid,
    /// `requested`, `approved` or `paid`.
    pub status: String,
    /// Tokens.
    pub tokens: i64,
    /// Their value in paise when last changed.
    pub value_paise: i64,
    /// Requested.
    pub requested_at: DateTime<Utc>,
    /// Paid (or rejected).
    pub settled_at: Option<DateTime<Utc>>,
}

/// Mentor payouts: the outstanding ones now (requested or approved, not yet paid) and those
/// paid in the period (IST days).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PayoutsReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Requested or approved, oldest first.
    pub outstanding: Vec<PayoutRow>,
    /// Sum of `outstanding`.
    pub outstanding_paise: i64,
    /// Paid in the period, in order.
    pub paid: Vec<PayoutRow>,
    /// Sum of `paid`.
    pub paid_paise: i64,
}
