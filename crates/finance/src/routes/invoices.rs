//! `/api/finance/invoices` (FINANCE or ADMIN: every invoice of the platform) and
//! `/api/finance/my-invoices` (the signed-in buyer's own).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use kernel::{
    auth::{AuthUser, Finance as FinanceCap, Require},
    error::AppResult,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Finance,
    dto::invoices::InvoiceDto,
    service::{documents, invoices},
};

async fn page(
    finance: &Finance,
    platform_id: Uuid,
    user_id: Option<Uuid>,
    page: &PageParams,
) -> AppResult<Page<InvoiceDto>> {
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = invoices::list(&finance.ctx().db, platform_id, user_id, after, limit).await?;
    Ok(Page::from_rows(rows, limit, |i| (i.issued_at, i.id)))
}

/// Every invoice of the platform, newest first (FINANCE capability or ADMIN).
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Page<InvoiceDto>), (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/invoices")]
pub async fn list(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    params: web::Query<PageParams>,
) -> AppResult<web::Json<Page<InvoiceDto>>> {
    Ok(web::Json(
        page(&finance, user.tenant.id, None, &params).await?,
    ))
}

/// One invoice of the platform (FINANCE capability or ADMIN); another platform's is 404.
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = InvoiceDto), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/invoices/{id}")]
pub async fn detail(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<InvoiceDto>> {
    let dto = invoices::get(&finance.ctx().db, user.tenant.id, None, id.into_inner()).await?;
    Ok(web::Json(dto))
}

/// The caller's own invoices, newest first.
#[utoipa::path(tag = "finance", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Page<InvoiceDto>), (status = 401, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/my-invoices")]
pub async fn mine(
    user: AuthUser,
    finance: web::Data<Finance>,
    params: web::Query<PageParams>,
) -> AppResult<web::Json<Page<InvoiceDto>>> {
    Ok(web::Json(
        page(&finance, user.tenant.id, Some(user.id), &params).await?,
    ))
}

/// One of the caller's own invoices (anyone else's is 404).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = InvoiceDto), (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/my-invoices/{id}")]
pub async fn my_detail(
    user: AuthUser,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<InvoiceDto>> {
    let dto = invoices::get(
        &finance.ctx().db,
        user.tenant.id,
        Some(user.id),
        id.into_inner(),
    )
    .await?;
    Ok(web::Json(dto))
}

pub(crate) fn pdf_response(filename: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes)
}

/// The invoice's PDF (FINANCE capability or ADMIN): rendered and stored on first request,
/// served from storage afterwards.
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, description = "the invoice PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/invoices/{id}/pdf")]
pub async fn pdf(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) = documents::invoice_pdf(
        &finance.ctx().db,
        finance.storage(),
        &user.tenant,
        None,
        id.into_inner(),
    )
    .await?;
    Ok(pdf_response(&name, bytes))
}

/// The PDF of one of the caller's own invoices (anyone else's is 404).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, description = "the invoice PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/my-invoices/{id}/pdf")]
pub async fn my_pdf(
    user: AuthUser,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) = documents::invoice_pdf(
        &finance.ctx().db,
        finance.storage(),
        &user.tenant,
        Some(user.id),
        id.into_inner(),
    )
    .await?;
    Ok(pdf_response(&name, bytes))
}
