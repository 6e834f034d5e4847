//! Mentor earnings and payouts: mentors see their earnings and request payouts; admins and
//! finance approve, reject, and mark payouts paid.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kernel::{
    AppContext,
    auth::{Expert, Finance, Require},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{
    earnings::{self, Decision, Period, Summary},
    entities::payouts::{self, PayoutStatus},
};

/// A payout request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PayoutDto {
    /// Id.
    pub id: Uuid,
    /// The mentor.
    pub mentor_id: Uuid,
    /// Tokens.
    pub amount: i64,
    /// `requested`, `approved`, `rejected`, `paid`.
    pub status: PayoutStatus,
    /// Payment reference, once paid.
    pub reference: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Requested.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<payouts::Model> for PayoutDto {
    fn from(p: payouts::Model) -> Self {
        Self {
            id: p.id,
            mentor_id: p.mentor_id,
            amount: p.amount,
            status: p.status,
            reference: p.reference,
            reason: p.reason,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A payout to request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PayoutRequest {
    /// Tokens, at least `MIN_PAYOUT_TOKENS`.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount: i64,
}

/// Why a payout is rejected.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RejectRequest {
    /// Reason shown to the mentor.
    #[validate(length(min = 3, max = 500))]
    #[schema(min_length = 3, max_length = 500)]
    pub reason: String,
}

/// The payment reference of a paid payout.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct MarkPaidRequest {
    /// Bank or UPI reference.
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    pub reference: String,
}

/// Filter of the admin list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayoutFilter {
    /// Only this status.
    #[param(inline)]
    pub status: Option<PayoutStatus>,
}

/// The caller's earnings (mentors).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Summary), (status = 403, body = kernel::error::Problem)))]
#[get("/me")]
pub async fn mine(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Summary>> {
    Ok(web::Json(
        earnings::summary(&ctx.db, mentor.tenant.id, mentor.id).await?,
    ))
}

/// The caller's earnings by month, newest first (mentors).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Vec<Period>)))]
#[get("/me/periods")]
pub async fn periods(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<Period>>> {
    Ok(web::Json(
        earnings::by_month(&ctx.db, mentor.tenant.id, mentor.id).await?,
    ))
}

/// Requests a payout (mentors): more than available is 422, a second open request 409.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = PayoutRequest, responses((status = 201, body = PayoutDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/payouts")]
pub async fn request(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    body: ValidJson<PayoutRequest>,
) -> AppResult<HttpResponse> {
    let payout = earnings::request(&ctx.db, &mentor.tenant, mentor.id, body.0.amount).await?;
    Ok(HttpResponse::Created().json(PayoutDto::from(payout)))
}

/// The caller's payout requests, newest first (mentors).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Vec<PayoutDto>)))]
#[get("/payouts")]
pub async fn my_payouts(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<PayoutDto>>> {
    let rows = earnings::payouts_of(&ctx.db, mentor.tenant.id, mentor.id).await?;
    Ok(web::Json(rows.into_iter().map(PayoutDto::from).collect()))
}

/// Payout requests of this platform, newest first (admins, finance).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), params(PayoutFilter), responses((status = 200, body = Vec<PayoutDto>), (status = 422, description = "`status` is not a payout status", body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    staff: Require<Finance>,
    ctx: web::Data<AppContext>,
    filter: ValidQuery<PayoutFilter>,
) -> AppResult<web::Json<Vec<PayoutDto>>> {
    let rows = earnings::payouts_of_platform(&ctx.db, staff.tenant.id, filter.0.status).await?;
    Ok(web::Json(rows.into_iter().map(PayoutDto::from).collect()))
}

async fn decide(
    staff: &Require<Finance>,
    ctx: &AppContext,
    id: Uuid,
    decision: Decision,
) -> AppResult<web::Json<PayoutDto>> {
    let payout = earnings::decide(&ctx.db, &staff.tenant, id, staff.id, decision).await?;
    Ok(web::Json(payout.into()))
}

/// Approves a payout for payment (admins, finance).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = PayoutDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/approve")]
pub async fn approve(
    staff: Require<Finance>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<PayoutDto>> {
    decide(&staff, &ctx, id.into_inner(), Decision::Approve).await
}

/// Rejects a payout; the tokens stay earned (admins, finance).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = RejectRequest, responses((status = 200, body = PayoutDto), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/reject")]
pub async fn reject(
    staff: Require<Finance>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<RejectRequest>,
) -> AppResult<web::Json<PayoutDto>> {
    decide(
        &staff,
        &ctx,
        id.into_inner(),
        Decision::Reject(body.into_inner().reason),
    )
    .await
}

/// Marks a payout paid with its reference; debits the mentor's earnings (admins, finance).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = MarkPaidRequest, responses((status = 200, body = PayoutDto), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/mark-paid")]
pub async fn mark_paid(
    staff: Require<Finance>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<MarkPaidRequest>,
) -> AppResult<web::Json<PayoutDto>> {
    decide(
        &staff,
        &ctx,
        id.into_inner(),
        Decision::MarkPaid(body.into_inner().reference),
    )
    .await
}
