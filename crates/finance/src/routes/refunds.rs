//! `/api/finance/refunds`: refunds through Razorpay with their credit notes (FINANCE or ADMIN).

use actix_web::{HttpResponse, post, web};
use integrations::payments::Payments;
use kernel::{
    auth::{Finance as FinanceCap, Require},
    error::AppResult,
    extract::{IdempotencyKey, ValidJson},
};

use crate::{
    Finance,
    dto::refunds::{RefundDto, RefundRequest},
    service::refunds,
};

/// Refunds (part of) an invoiced payment through Razorpay and issues its credit note in the
/// credit-note series, tax reversed in proportion (FINANCE or ADMIN; never the caller's own
/// payment: 403). More than what is left of the payment is 422 on `amount_paise`; an unknown
/// payment is 422 on `payment_id`; without Razorpay keys 503 `provider_not_configured`. A
/// repeat with the same `Idempotency-Key` answers the first refund and refunds nothing more.
#[utoipa::path(tag = "finance", security(("bearer" = [])), request_body = RefundRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "dedupes repeats: 1-200 visible ASCII characters", pattern = r"^[\x21-\x7E]{1,200}$")),
    responses((status = 201, body = RefundDto), (status = 403, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem), (status = 502, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("/refunds")]
pub async fn create(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    payments: web::Data<Payments>,
    key: IdempotencyKey,
    body: ValidJson<RefundRequest>,
) -> AppResult<HttpResponse> {
    let razorpay = payments.razorpay()?;
    let (dto, created) = refunds::request(
        &finance.ctx().db,
        razorpay,
        finance.config(),
        &user,
        key.0,
        body.into_inner(),
    )
    .await?;
    if created {
        tracing::info!(refund_id = %dto.id, invoice_id = %dto.invoice_id, "refund asked of Razorpay");
    }
    Ok(HttpResponse::Created().json(dto))
}
