//! Vendor API keys: admin management (`/api/admin/vendors*`) and the vendor's own check
//! (`GET /api/v1/vendor/me`).

use actix_web::{HttpResponse, get, post, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Identity,
    dto::{CreateVendorRequest, CreatedVendorDto, VendorDto, VendorWhoAmI},
    extract::VendorKey,
    service::vendors,
};

/// Creates a vendor of this platform and its API key. The key is in this answer only.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateVendorRequest,
    responses((status = 201, body = CreatedVendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[post("/api/admin/vendors")]
pub async fn create(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    body: ValidJson<CreateVendorRequest>,
) -> AppResult<HttpResponse> {
    let created = vendors::create(identity.ctx(), &admin, &body.0.name).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Vendors of this platform, newest first (keys are never shown again).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<VendorDto>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/api/admin/vendors")]
pub async fn list(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    query: web::Query<PageParams>,
) -> AppResult<web::Json<Page<VendorDto>>> {
    let page = vendors::list(&identity.ctx().db, &admin.tenant, &query.0).await?;
    Ok(web::Json(page))
}

/// Revokes a vendor's key: its next request is refused. Idempotent.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "vendor id")),
    responses((status = 200, body = VendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[post("/api/admin/vendors/{id}/revoke")]
pub async fn revoke(
    admin: Require<Admin>,
    identity: web::Data<Identity>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<VendorDto>> {
    let vendor = vendors::revoke(identity.ctx(), &admin, id.into_inner()).await?;
    Ok(web::Json(vendor))
}

/// Who an API key belongs to (vendors check their key with it).
#[utoipa::path(
    tag = "vendor",
    security(("api_key" = [])),
    responses((status = 200, body = VendorWhoAmI), (status = 401, body = Problem))
)]
#[get("/api/v1/vendor/me")]
pub async fn whoami(vendor: VendorKey) -> web::Json<VendorWhoAmI> {
    web::Json(VendorWhoAmI {
        vendor_id: vendor.id,
        name: vendor.name,
        platform: vendor.tenant.slug.clone(),
    })
}
