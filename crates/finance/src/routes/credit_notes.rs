//! Credit notes (ADR 0089): the notes of an invoice and their PDFs, for FINANCE or ADMIN
//! (`/api/finance/invoices/{id}/credit-notes`, `/api/finance/credit-notes/{id}/pdf`) and for
//! the buyer of the invoice (`/api/finance/my-invoices/{id}/credit-notes`,
//! `/api/finance/my-credit-notes/{id}/pdf`; anyone else's is 404).

use actix_web::{HttpResponse, get, web};
use kernel::{
    auth::{AuthUser, Finance as FinanceCap, Require},
    error::AppResult,
};
use uuid::Uuid;

use super::invoices::pdf_response;
use crate::{Finance, dto::refunds::CreditNoteList, service::documents};

/// The credit notes of an invoice, oldest first (FINANCE capability or ADMIN).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = CreditNoteList), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/invoices/{id}/credit-notes")]
pub async fn of_invoice(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CreditNoteList>> {
    let items =
        documents::credit_notes(&finance.ctx().db, user.tenant.id, None, id.into_inner()).await?;
    Ok(web::Json(CreditNoteList { items }))
}

/// The credit notes of one of the caller's own invoices, oldest first (anyone else's is 404).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = CreditNoteList), (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/my-invoices/{id}/credit-notes")]
pub async fn of_my_invoice(
    user: AuthUser,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CreditNoteList>> {
    let items = documents::credit_notes(
        &finance.ctx().db,
        user.tenant.id,
        Some(user.id),
        id.into_inner(),
    )
    .await?;
    Ok(web::Json(CreditNoteList { items }))
}

/// The credit note's PDF (FINANCE capability or ADMIN).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, description = "the credit note PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/credit-notes/{id}/pdf")]
pub async fn pdf(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) =
        documents::credit_note_pdf(&finance.ctx().db, &user.tenant, None, id.into_inner()).await?;
    Ok(pdf_response(&name, bytes))
}

/// The PDF of a credit note of one of the caller's own invoices (anyone else's is 404).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, description = "the credit note PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/my-credit-notes/{id}/pdf")]
pub async fn my_pdf(
    user: AuthUser,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) = documents::credit_note_pdf(
        &finance.ctx().db,
        &user.tenant,
        Some(user.id),
        id.into_inner(),
    )
    .await?;
    Ok(pdf_response(&name, bytes))
}
