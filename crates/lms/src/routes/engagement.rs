//! The engagement area's routes: the student's XP, level, streak and badges
//! (`GET /api/student/engagement`), leaderboards of the caller's batch or course
//! (`GET /api/student/leaderboards/{scope}/{id}`), and badge rules (`/api/admin/engagement/badges`,
//! ADMIN).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use kernel::{
    auth::{Admin, AuthUser, Require},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::engagement::{
        Badge, BadgeUpdate, BoardQuery, BoardScope, Engagement, Leaderboard, NewBadge,
    },
    service::engagement::{self, badges, leaderboards},
};

/// The caller's XP, level, streak (counted in their profile's time zone), counts and badges.
#[utoipa::path(tag = "lms", security(("bearer" = [])), responses((status = 200, body = Engagement)))]
#[get("/engagement")]
pub async fn mine(user: AuthUser, lms: web::Data<Lms>) -> AppResult<web::Json<Engagement>> {
    Ok(web::Json(
        engagement::summary(&lms.ctx().db, user.tenant.id, user.id, Utc::now()).await?,
    ))
}

/// A leaderboard of a batch or course the caller is actively enrolled in (admins see any):
/// `period=week` (from Monday 00:00 IST) or `all_time`. Otherwise 403 `not_enrolled`; a batch
/// or course of another platform is 404.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("scope" = BoardScope, Path, description = "`batch` or `course`"), ("id" = Uuid, Path, description = "The batch or course"), BoardQuery),
    responses((status = 200, body = Leaderboard), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/leaderboards/{scope}/{id}")]
pub async fn leaderboard(
    user: AuthUser,
    lms: web::Data<Lms>,
    path: web::Path<(BoardScope, Uuid)>,
    query: ValidQuery<BoardQuery>,
) -> AppResult<web::Json<Leaderboard>> {
    let (scope, id) = path.into_inner();
    let query = query.0;
    engagement::check_board_access(&lms.ctx().db, &user, scope, id).await?;
    let board = leaderboards::Board {
        scope,
        id,
        period: query.period,
    };
    let (entries, me) = leaderboards::read(
        lms.ctx(),
        user.tenant.id,
        board,
        query.limit.unwrap_or(20),
        user.id,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(Leaderboard {
        scope,
        id,
        period: query.period,
        entries,
        me,
    }))
}

/// Defines a badge (ADMIN): earned once a student's metric reaches the threshold (checked at
/// every award and by the daily safety net). A code the platform has is 409
/// `badge_code_taken`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewBadge,
    responses((status = 201, body = Badge), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/badges")]
pub async fn create_badge(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    body: ValidJson<NewBadge>,
) -> AppResult<HttpResponse> {
    let badge =
        badges::create(&lms.ctx().db, admin.tenant.id, admin.id, &body.into_inner()).await?;
    Ok(HttpResponse::Created().json(badge))
}

/// The platform's badges, oldest first (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), responses((status = 200, body = Vec<Badge>)))]
#[get("/badges")]
pub async fn list_badges(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
) -> AppResult<web::Json<Vec<Badge>>> {
    Ok(web::Json(
        badges::list(&lms.ctx().db, admin.tenant.id).await?,
    ))
}

/// Turns a badge on or off (ADMIN); earned badges stay.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = BadgeUpdate,
    params(("id" = Uuid, Path, description = "The badge")),
    responses((status = 200, body = Badge), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/badges/{id}")]
pub async fn update_badge(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<BadgeUpdate>,
) -> AppResult<web::Json<Badge>> {
    Ok(web::Json(
        badges::set_active(
            &lms.ctx().db,
            admin.tenant.id,
            id.into_inner(),
            body.0.active,
        )
        .await?,
    ))
}

/// The caller's latest daily card (stored at 00:00 IST): streak, today's classes, work due
/// today, what to do first. 404 before the first.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = engagement::cards::DailyCard), (status = 404, body = kernel::error::Problem)))]
#[get("/daily-card")]
pub async fn daily_card(
    user: AuthUser,
    lms: web::Data<Lms>,
) -> AppResult<web::Json<engagement::cards::DailyCard>> {
    Ok(web::Json(
        engagement::cards::latest(&lms.ctx().db, user.tenant.id, user.id).await?,
    ))
}
