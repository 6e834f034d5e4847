//! E-invoices of B2B invoices (FINANCE or ADMIN): read one, cancel its IRN within 24 hours.

use actix_web::{get, post, web};
use kernel::{
    auth::{Finance as FinanceCap, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Finance,
    service::einvoices::{self, CancelRequest, EinvoiceDto},
};

/// The e-invoice of an invoice: its schema 1.1 JSON, status (`invalid` with the errors and
/// never sent, `queued`, `generated` with the IRN, `rejected`, `cancelled`) and the 24-hour
/// cancellation window. 404 when the invoice has none (B2C, or the platform below the
/// e-invoicing threshold on its date).
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = EinvoiceDto), (status = 403, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem)))]
#[get("/invoices/{id}/einvoice")]
pub async fn of_invoice(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<EinvoiceDto>> {
    Ok(web::Json(
        einvoices::of_invoice(&finance.ctx().db, user.tenant.id, id.into_inner()).await?,
    ))
}

/// Cancels a generated e-invoice's IRN at the IRP within 24 hours of its acknowledgement
/// (audited `finance.einvoice.cancelled`). Not generated: 409 `einvoice_not_generated`; after
/// the window: 409 `einvoice_cancel_window_closed` (a credit note is the way then); the IRP
/// refusing or unreachable: 502.
#[utoipa::path(tag = "finance", security(("bearer" = [])), request_body = CancelRequest,
    responses((status = 200, body = EinvoiceDto), (status = 403, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem), (status = 502, body = kernel::error::Problem)))]
#[post("/einvoices/{id}/cancel")]
pub async fn cancel(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    id: web::Path<Uuid>,
    body: ValidJson<CancelRequest>,
) -> AppResult<web::Json<EinvoiceDto>> {
    let dto = einvoices::cancel(
        &finance.ctx().db,
        finance.irp(),
        finance.config(),
        &user,
        id.into_inner(),
        &body.into_inner(),
    )
    .await?;
    tracing::info!(einvoice_id = %dto.id, "e-invoice cancelled");
    Ok(web::Json(dto))
}
