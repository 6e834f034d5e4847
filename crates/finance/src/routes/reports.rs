//! `/api/finance/reports/*` (FINANCE or ADMIN).

use actix_web::{HttpResponse, get, web};
use kernel::{
    auth::{Finance as FinanceCap, Require},
    error::AppResult,
};

use crate::{
    Finance,
    dto::{
        costs::{PayoutsReport, PeriodQuery, PipelineCost, SalesQuery, SalesReport},
        reports::{GstReport, GstReportQuery, LedgerQuery, LedgerSummary, ReportFormat},
    },
    service::{costs, payouts, reports, sales, settlements, tabular},
};

/// Answers a report as JSON, or its tables as a CSV or XLSX file named `name`.
fn answer<T: serde::Serialize>(
    format: Option<ReportFormat>,
    name: &str,
    body: &T,
    tables: impl FnOnce() -> Vec<tabular::Table>,
) -> AppResult<HttpResponse> {
    Ok(match format.unwrap_or_default() {
        ReportFormat::Json => HttpResponse::Ok().json(body),
        ReportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(tabular::csv(&tables())?),
        ReportFormat::Xlsx => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.xlsx\""),
            ))
            .body(tabular::xlsx(&tables())?),
    })
}

/// The pipeline cost of `from..=to` (IST days): the AI calls by agent (from the LLM gateway's
/// call records) and the costs FINANCE entered by category, in paise (`format=csv|xlsx`
/// answers a file). `to` before `from`, or too far after it, is 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((PipelineCost = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/pipeline-cost")]
pub async fn pipeline_cost(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let report = costs::pipeline(&finance.ctx().db, &user.tenant, q.from, q.to).await?;
    let name = format!("pipeline-cost-{}-{}", q.from, q.to);
    answer(q.format, &name, &report, || costs::tables(&report))
}

/// Sales of `from..=to` (IST days) by day or month (`period=daily|monthly`): invoices, credit
/// notes, the net and the tax net of credit notes, in paise, with a totals row
/// (`format=csv|xlsx` answers a file). `to` before `from`, or too far after it, is 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(SalesQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((SalesReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/sales")]
pub async fn sales_report(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<SalesQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let by = q.period.unwrap_or_default();
    let report = sales::report(&finance.ctx().db, user.tenant.id, q.from, q.to, by).await?;
    let name = format!("sales-{}-{}", q.from, q.to);
    answer(q.format, &name, &report, || sales::tables(&report))
}

/// The GST summary of `from..=to` (IST days; at most 366), GSTR-1 shaped: B2B and B2CL per
/// invoice and rate, B2CS by place of supply and rate net of its credit notes, credit notes
/// (CDNR, CDNUR), the SAC summary and the totals, all in paise. `format=csv|xlsx` answers a
/// file. `to` before `from`, or too far after it, is 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(GstReportQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((GstReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/gst")]
pub async fn gst(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<GstReportQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let report = reports::gst(&finance.ctx().db, user.tenant.id, q.from, q.to).await?;
    let name = format!("gst-{}-{}", q.from, q.to);
    Ok(match q.format.unwrap_or_default() {
        ReportFormat::Json => HttpResponse::Ok().json(report),
        ReportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(reports::csv(&report)?),
        ReportFormat::Xlsx => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.xlsx\""),
            ))
            .body(reports::xlsx(&report)?),
    })
}

/// The finance ledger of `from..=to` (IST days) by account: debits, credits, net, and whether
/// it balances (`format=csv|xlsx` answers a file). `to` before `from`, or too far after it, is
/// 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(LedgerQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((LedgerSummary = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/ledger")]
pub async fn ledger(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<LedgerQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let summary = reports::ledger(&finance.ctx().db, user.tenant.id, q.from, q.to).await?;
    let name = format!("ledger-{}-{}", q.from, q.to);
    answer(q.format, &name, &summary, || {
        reports::ledger_tables(&summary)
    })
}

/// Mentor payouts: those outstanding now (requested or approved, with their value in paise)
/// and those paid in `from..=to` (IST days), from tokens' `payout.changed` events
/// (`format=csv|xlsx` answers a file). `to` before `from`, or too far after it, is 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((PayoutsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/payouts")]
pub async fn payouts_report(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let report = payouts::report(&finance.ctx().db, user.tenant.id, q.from, q.to).await?;
    let name = format!("payouts-{}-{}", q.from, q.to);
    answer(q.format, &name, &report, || payouts::tables(&report))
}

/// Razorpay settlement reconciliation of `from..=to` (IST days): the platform's settled lines
/// that matched, Razorpay's fees and the GST on them (input tax credit), the lines that did
/// not match (a payment without an invoice, an amount that differs, a refund without its
/// credit note), the period's invoices no settlement line covers yet, and a count of lines
/// that matched no platform (`format=csv|xlsx` answers a file). The daily job fills it.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, description = "JSON; with format=csv text/csv, with format=xlsx a workbook",
        content((settlements::ReconciliationReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/reconciliation")]
pub async fn reconciliation(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let report = settlements::report(&finance.ctx().db, user.tenant.id, q.from, q.to).await?;
    let name = format!("reconciliation-{}-{}", q.from, q.to);
    answer(q.format, &name, &report, || settlements::tables(&report))
}
