//! The signed-in user's own notifications (`/api/notifications*`).

use actix_web::{get, post, web};
use kernel::{
    AppContext, AppError,
    auth::AuthUser,
    error::{AppResult, Problem},
    extract::ValidQuery,
    pagination::Page,
};
use uuid::Uuid;

use super::{
    dto::{NotificationDto, NotificationFilter, ReadAll, UnreadCount},
    service,
};

/// The caller's notifications, newest first.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    params(NotificationFilter),
    responses(
        (status = 200, body = Page<NotificationDto>),
        (status = 401, description = "unauthorized", body = Problem),
        (status = 403, description = "wrong_platform", body = Problem),
        (status = 422, description = "validation_failed", body = Problem),
    )
)]
#[get("")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn list(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    ValidQuery(query): ValidQuery<NotificationFilter>,
) -> AppResult<web::Json<Page<NotificationDto>>> {
    let unread = query.unread.unwrap_or(false);
    let page = service::list(&ctx.db, user.tenant.id, user.id, unread, &query.page()).await?;
    Ok(web::Json(page.map(NotificationDto::from)))
}

/// How many of the caller's notifications are unread.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    responses(
        (status = 200, body = UnreadCount),
        (status = 401, description = "unauthorized", body = Problem),
        (status = 403, description = "wrong_platform", body = Problem),
    )
)]
#[get("/unread-count")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn unread_count(
    user: AuthUser,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<UnreadCount>> {
    let count = service::unread_count(&ctx.db, user.tenant.id, user.id).await?;
    Ok(web::Json(UnreadCount { count }))
}

/// Marks everything of the caller read.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReadAll),
        (status = 401, description = "unauthorized", body = Problem),
        (status = 403, description = "wrong_platform", body = Problem),
    )
)]
#[post("/read-all")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn read_all(user: AuthUser, ctx: web::Data<AppContext>) -> AppResult<web::Json<ReadAll>> {
    let updated = service::mark_all_read(&ctx.db, user.tenant.id, user.id).await?;
    Ok(web::Json(ReadAll { updated }))
}

/// Marks one of the caller's notifications read (idempotent); someone else's is 404.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "notification id")),
    responses(
        (status = 200, body = NotificationDto),
        (status = 401, description = "unauthorized", body = Problem),
        (status = 403, description = "wrong_platform", body = Problem),
        (status = 404, description = "not_found", body = Problem),
    )
)]
#[post("/{id}/read")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn read(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<NotificationDto>> {
    let row = service::mark_read(&ctx.db, user.tenant.id, user.id, id.into_inner())
        .await?
        .ok_or_else(|| AppError::not_found("no such notification"))?;
    Ok(web::Json(NotificationDto::from(row)))
}
