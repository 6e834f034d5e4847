//! `POST /api/upload/presign` (a direct-upload URL) and `GET /api/upload/url` (a fresh
//! download URL for a key of the caller's platform).

use actix_web::{get, post, web};
use chrono::Utc;
use kernel::{
    AppError, Tenant,
    auth::AuthUser,
    extract::{ValidJson, ValidQuery},
};

use crate::{
    dto::{PresignRequest, PresignResponse, SignedUrlResponse, UrlQuery},
    error::StorageError,
    keys::{ObjectKey, parse_folder},
    media,
    store::Storage,
};

/// A URL to `PUT` one file straight to the store (any signed-in user). The upload must send
/// the returned headers and exactly `size` bytes before `expires_at`.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    request_body = PresignRequest,
    responses(
        (status = 200, body = PresignResponse),
        (status = 401, body = kernel::error::Problem),
        (status = 422, description = "invalid `filename`, `content_type`, `size` or `folder`", body = kernel::error::Problem),
    )
)]
#[post("/presign")]
pub async fn presign(
    user: AuthUser,
    tenant: Tenant,
    storage: web::Data<Storage>,
    body: ValidJson<PresignRequest>,
) -> Result<web::Json<PresignResponse>, StorageError> {
    let body = body.into_inner();
    let limit = storage.upload_max_bytes();
    if body.size > limit as u64 {
        return Err(
            AppError::invalid_field("size", format!("must be at most {limit} bytes")).into(),
        );
    }
    // Both were validated by `ValidJson`; these only normalise.
    let content_type = media::allowed(&body.content_type)
        .ok_or_else(|| AppError::invalid_field("content_type", "is not an accepted media type"))?;
    let folder = parse_folder(body.folder.as_deref().unwrap_or_default())
        .map_err(|message| AppError::invalid_field("folder", message))?;
    let key = ObjectKey::generate(&tenant.slug, folder.as_ref(), &body.filename, Utc::now())?;
    let put = storage
        .presigned_put(&key, &content_type, body.size, storage.signed_url_ttl())
        .await?;
    tracing::info!(key = %key.loggable(), size = body.size, user = %user.id, "upload presigned");
    Ok(web::Json(PresignResponse {
        key: key.to_string(),
        upload_url: put.url,
        method: put.method.to_owned(),
        headers: put.headers,
        expires_at: put.expires_at,
    }))
}

/// A fresh signed download URL for a stored object of the caller's platform (any signed-in
/// user); a key of another platform answers 404 like a missing one.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    params(UrlQuery),
    responses(
        (status = 200, body = SignedUrlResponse),
        (status = 401, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem),
        (status = 422, description = "`key` is missing or malformed", body = kernel::error::Problem),
    )
)]
#[get("/url")]
pub async fn signed_url(
    _user: AuthUser,
    tenant: Tenant,
    storage: web::Data<Storage>,
    query: ValidQuery<UrlQuery>,
) -> Result<web::Json<SignedUrlResponse>, StorageError> {
    let key = ObjectKey::parse(&query.0.key)?;
    if !key.belongs_to(&tenant.slug) {
        return Err(StorageError::NotFound(key.to_string()));
    }
    storage.head(&key).await?;
    let signed = storage
        .signed_get_url(&key, storage.signed_url_ttl())
        .await?;
    Ok(web::Json(SignedUrlResponse {
        url: signed.url,
        expires_at: signed.expires_at,
    }))
}
