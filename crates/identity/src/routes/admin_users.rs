//! Admin user management within the caller's platform (`/api/admin/users*`) and the audit
//! log (`/api/admin/audit-log`). ADMIN or SUPERADMIN.

use actix_web::{get, patch, post, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::{OptionalJson, ValidJson, ValidQuery},
    pagination::Page,
};
use uuid::Uuid;

use crate::{
    Identity,
    dto::{
        AdminUserDto, AuditEntryDto, AuditFilter, SuspendRequest, UpdateAccessRequest, UserDto,
        UserFilter,
    },
    service::{admin, audit, users::find_in},
};

/// Users of this platform, newest first; `q` searches email, name and phone.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UserFilter),
    responses((status = 200, body = Page<AdminUserDto>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/api/admin/users")]
pub async fn list(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    query: ValidQuery<UserFilter>,
) -> AppResult<web::Json<Page<AdminUserDto>>> {
    let page = admin::list(&identity.ctx().db, &admin.tenant, &query.0).await?;
    Ok(web::Json(page))
}

/// One user of this platform (another platform's user is a 404).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses((status = 200, body = AdminUserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/api/admin/users/{id}")]
pub async fn get(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AdminUserDto>> {
    let user = find_in(&identity.ctx().db, &admin.tenant, id.into_inner()).await?;
    Ok(web::Json(AdminUserDto::from(&user)))
}

/// Changes a user's role and/or capability flags; effective on the user's next request.
/// Granting or changing an admin role, or changing an admin, needs a SUPERADMIN; nobody
/// changes their own.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    request_body = UpdateAccessRequest,
    responses((status = 200, body = UserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[patch("/api/admin/users/{id}")]
pub async fn update(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateAccessRequest>,
) -> AppResult<web::Json<UserDto>> {
    let user =
        admin::update_access(identity.ctx(), &admin, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(UserDto::from(&user)))
}

/// Suspends a user: their next request is refused (401 `account_suspended`) and every
/// refresh token is revoked.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    request_body(content = Option<SuspendRequest>, description = "optional reason"),
    responses((status = 200, body = AdminUserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[post("/api/admin/users/{id}/suspend")]
pub async fn suspend(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    id: web::Path<Uuid>,
    body: OptionalJson<SuspendRequest>,
) -> AppResult<web::Json<AdminUserDto>> {
    let reason = body.0.and_then(|b| b.reason);
    let user = admin::set_status(identity.ctx(), &admin, id.into_inner(), true, reason).await?;
    Ok(web::Json(AdminUserDto::from(&user)))
}

/// Reactivates a suspended user (they sign in again; old sessions stay revoked).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses((status = 200, body = AdminUserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[post("/api/admin/users/{id}/reactivate")]
pub async fn reactivate(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AdminUserDto>> {
    let user = admin::set_status(identity.ctx(), &admin, id.into_inner(), false, None).await?;
    Ok(web::Json(AdminUserDto::from(&user)))
}

/// The platform's audit log, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditFilter),
    responses((status = 200, body = Page<AuditEntryDto>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/api/admin/audit-log")]
pub async fn audit_log(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    query: ValidQuery<AuditFilter>,
) -> AppResult<web::Json<Page<AuditEntryDto>>> {
    let page = audit::list(&identity.ctx().db, &admin.tenant, &query.0).await?;
    Ok(web::Json(page))
}
