//! `/api/admin/meetings`: every meeting of the admin's platform, filtered, and a meeting's
//! log (joins, starts, chat lines with their text, ends, settlement).

use actix_web::{get, web};
use kernel::{
    AppContext,
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidQuery,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    dto::admin::{AdminMeetingItem, LogLine, LogPage, MeetingFilter},
    service::listings,
};

/// Meetings of the caller's platform (ADMIN), newest start first; filters by status, mentor
/// (profile or user id), student, and a start range `[from, to)`.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), params(MeetingFilter),
    responses(
        (status = 200, body = Page<AdminMeetingItem>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a filter, `limit` or `cursor` is invalid (the field is named)", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    filter: ValidQuery<MeetingFilter>,
) -> AppResult<web::Json<Page<AdminMeetingItem>>> {
    let page = listings::meetings(&ctx.db, admin.tenant.id, &filter.0).await?;
    Ok(web::Json(page))
}

/// A meeting's log, oldest first (ADMIN): who joined, started, chatted (with the text),
/// recorded and ended it, and how it was settled. Another platform's meeting is a 404.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "meeting id"), LogPage),
    responses(
        (status = 200, body = Page<LogLine>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such meeting on this platform", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` or `cursor` is invalid", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}/log")]
pub async fn log(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    page: ValidQuery<LogPage>,
) -> AppResult<web::Json<Page<LogLine>>> {
    let page = PageParams {
        limit: page.0.limit,
        cursor: page.0.cursor,
    };
    let lines = listings::log(&ctx.db, admin.tenant.id, id.into_inner(), &page).await?;
    Ok(web::Json(lines))
}
