//! `/api/course-enrollment/orders`: buying a course through Razorpay (the shared payments):
//! place the order, verify the checkout (enrols once, whichever of this and the webhook
//! comes first), list the caller's orders.

use actix_web::{HttpResponse, get, post, web};
use integrations::payments::{CheckoutVerification, Payments};
use kernel::{auth::AuthUser, error::AppResult, extract::ValidJson};

use crate::{
    dto::orders::{CourseOrderDto, CourseOrderList, NewCourseOrder, PlacedOrder},
    entities::course_orders,
    service::orders::{self, CourseEnrollments},
};

/// Starts buying a course: a Razorpay order at the course's price now, or the caller's open
/// order of the course handed back (both 201, the same order), so a double click makes no
/// second payment row. 409 `already_enrolled` / `course_not_published`; 503 `provider_not_configured`
/// without Razorpay keys.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewCourseOrder,
    responses((status = 201, body = PlacedOrder),
        (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem),
        (status = 502, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/orders")]
pub async fn place(
    user: AuthUser,
    payments: web::Data<Payments>,
    body: ValidJson<NewCourseOrder>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let placed = orders::place(&payments, &user.tenant, user.id, b.course_id, b.batch_id).await?;
    let key_id = payments.razorpay()?.key_id().to_owned();
    if !placed.created {
        tracing::debug!(order = %placed.order.id, "open course order handed back");
    }
    Ok(HttpResponse::Created().json(PlacedOrder::new(placed.order, key_id)))
}

/// Verifies the checkout's signature and enrols the buyer (once, whether Razorpay's webhook
/// came first or not). A buyer enrolled already gets the order captured with `failure_reason`
/// `paid twice: …`, and the payment is refunded (ADR 0096).
/// 400 `invalid_signature` for a forged signature; 404 when the order is not the caller's
/// course order.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = CheckoutVerification,
    responses((status = 200, body = CourseOrderDto), (status = 400, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/orders/verify")]
pub async fn verify(
    user: AuthUser,
    payments: web::Data<Payments>,
    body: ValidJson<CheckoutVerification>,
) -> AppResult<web::Json<CourseOrderDto>> {
    let captured = payments
        .verify_checkout(&CourseEnrollments, &user.tenant, user.id, &body.0)
        .await?;
    let order = orders::by_order_id(&payments.ctx.db, user.tenant.id, captured.order.id).await?;
    Ok(web::Json(CourseOrderDto::from(order)))
}

/// The caller's course orders on this platform, newest first (at most 100).
#[utoipa::path(tag = "lms", security(("bearer" = [])), responses((status = 200, body = CourseOrderList)))]
#[get("/orders")]
pub async fn mine(
    user: AuthUser,
    payments: web::Data<Payments>,
) -> AppResult<web::Json<CourseOrderList>> {
    let rows: Vec<course_orders::Model> =
        orders::mine(&payments.ctx.db, user.tenant.id, user.id).await?;
    Ok(web::Json(CourseOrderList {
        items: rows.into_iter().map(CourseOrderDto::from).collect(),
        next_cursor: None,
    }))
}
