//! `/api/student/profile` and `/api/student/documents`: the signed-in student's own profile
//! and documents; `/api/admin/students/{user_id}/documents` for admins.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kernel::{
    auth::{Admin, AuthUser, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::profile::{DocumentDto, DocumentList, NewDocument, ProfileDto, ProfileUpdate},
    service::{documents, profile},
};

/// The caller's profile: name and email from the account, the LMS fields.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = ProfileDto), (status = 401, body = kernel::error::Problem)))]
#[get("/profile")]
pub async fn get_profile(user: AuthUser, lms: web::Data<Lms>) -> AppResult<web::Json<ProfileDto>> {
    Ok(web::Json(
        profile::get(&lms.ctx().db, user.tenant.id, user.id).await?,
    ))
}

/// Changes the caller's LMS profile fields (an empty string clears one): `timezone` an IANA
/// zone, `linkedin_url` / `github_url` https profile URLs of those sites.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 200, body = ProfileDto), (status = 401, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/profile")]
pub async fn update_profile(
    user: AuthUser,
    lms: web::Data<Lms>,
    body: ValidJson<ProfileUpdate>,
) -> AppResult<web::Json<ProfileDto>> {
    Ok(web::Json(
        profile::update(&lms.ctx().db, user.tenant.id, user.id, body.into_inner()).await?,
    ))
}

/// Registers an uploaded file (a stored object of this platform) as one of the caller's
/// documents; a key already registered is 409 `document_taken`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewDocument,
    responses((status = 201, body = DocumentDto), (status = 401, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/documents")]
pub async fn add_document(
    user: AuthUser,
    lms: web::Data<Lms>,
    body: ValidJson<NewDocument>,
) -> AppResult<HttpResponse> {
    let d = documents::create(
        &lms.ctx().db,
        lms.storage(),
        &user.tenant,
        user.id,
        body.into_inner(),
    )
    .await?;
    let mut dto = documents::dtos(lms.storage(), vec![d]).await;
    Ok(HttpResponse::Created().json(dto.pop()))
}

/// The caller's documents, newest first, with signed URLs.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = DocumentList), (status = 401, body = kernel::error::Problem)))]
#[get("/documents")]
pub async fn list_documents(
    user: AuthUser,
    lms: web::Data<Lms>,
) -> AppResult<web::Json<DocumentList>> {
    let rows = documents::list(&lms.ctx().db, user.tenant.id, user.id).await?;
    Ok(web::Json(DocumentList {
        items: documents::dtos(lms.storage(), rows).await,
        next_cursor: None,
    }))
}

/// Deletes one of the caller's documents (someone else's is 404).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[delete("/documents/{id}")]
pub async fn delete_document(
    user: AuthUser,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    documents::delete(&lms.ctx().db, user.tenant.id, user.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A student's documents with signed URLs (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = DocumentList), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/{user_id}/documents")]
pub async fn student_documents(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<DocumentList>> {
    let rows =
        documents::list_for_admin(&lms.ctx().db, admin.tenant.id, user_id.into_inner()).await?;
    Ok(web::Json(DocumentList {
        items: documents::dtos(lms.storage(), rows).await,
        next_cursor: None,
    }))
}
