//! `/api/finance/reports/*` (FINANCE or ADMIN).

use actix_web::{HttpResponse, get, web};
use kernel::{
    auth::{Finance as FinanceCap, Require},
    error::AppResult,
};

use crate::{
    Finance,
    dto::reports::{GstReport, GstReportQuery, LedgerQuery, LedgerSummary, ReportFormat},
    service::reports,
};

/// The GST summary of `from..=to` (IST days; at most 366), GSTR-1 shaped: B2B and B2CL per
/// invoice and rate, B2CS by place of supply and rate net of its credit notes, credit notes
/// (CDNR, CDNUR), the SAC summary and the totals, all in paise. `format=csv|xlsx` answers a
/// file. `to` before `from`, or too far after it, is 422 on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(GstReportQuery),
    responses((status = 200, body = GstReport, description = "JSON; with format=csv text/csv, with format=xlsx a workbook"),
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
/// it balances (`format=csv` answers a file). `to` before `from`, or too far after it, is 422
/// on `to`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(LedgerQuery),
    responses((status = 200, body = LedgerSummary, description = "JSON; with format=csv text/csv"),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/reports/ledger")]
pub async fn ledger(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    query: web::Query<LedgerQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let summary = reports::ledger(&finance.ctx().db, user.tenant.id, q.from, q.to).await?;
    Ok(match q.format.unwrap_or_default() {
        ReportFormat::Json => HttpResponse::Ok().json(summary),
        ReportFormat::Csv | ReportFormat::Xlsx => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"ledger-{}-{}.csv\"", q.from, q.to),
            ))
            .body(reports::ledger_csv(&summary)?),
    })
}
