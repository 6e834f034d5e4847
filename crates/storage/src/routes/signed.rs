//! The local store's signed URLs: `GET /api/storage/{key}` serves an object and
//! `PUT /api/storage/{key}` stores one. Public by design: the HMAC signature in the query is
//! the credential (403 `invalid_url_signature` / `url_expired`). With an S3 store they answer
//! 404, since its URLs point at the bucket.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, CacheControl, CacheDirective},
    put, web,
};
use chrono::Utc;
use futures::StreamExt;
use kernel::AppError;

use crate::{
    dto::{SignedQuery, StoredObject},
    error::StorageError,
    keys::ObjectKey,
    media,
    signing::Grant,
    store::Storage,
};

fn expires_of(query: &SignedQuery) -> Result<i64, StorageError> {
    query
        .expires
        .as_deref()
        .and_then(|e| e.parse().ok())
        .ok_or(StorageError::InvalidSignature)
}

fn refused(key: &ObjectKey, err: StorageError) -> StorageError {
    if matches!(err, StorageError::InvalidSignature | StorageError::Expired) {
        tracing::info!(key = %key.loggable(), reason = %err, "signed URL refused");
    }
    err
}

/// Serves an object through a signed download URL (no login: the signature is the
/// credential).
#[utoipa::path(
    tag = "storage",
    params(("key" = String, Path, description = "The object key (may contain `/`): a platform slug, then segments of letters, digits, `.`, `_` and `-` (not starting with `.`), at most 1024 characters", pattern = r"^[a-z0-9-]+(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$", example = "mr-mentor/2026/01/0196a5e0-0000-7000-8000-000000000001-file.png"), SignedQuery),
    responses(
        (status = 200, description = "The object's bytes with its media type", content_type = "application/octet-stream", body = crate::dto::Binary),
        (status = 403, description = "`invalid_url_signature` or `url_expired`", body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem),
    )
)]
#[get("/api/storage/{key:.*}")]
pub async fn download(
    storage: web::Data<Storage>,
    key: web::Path<String>,
    query: web::Query<SignedQuery>,
) -> Result<HttpResponse, StorageError> {
    let key = ObjectKey::parse(&key)?;
    let expires = expires_of(&query)?;
    let grant = Grant {
        method: "GET",
        key: key.as_str(),
        expires,
        content_type: None,
        content_length: None,
    };
    storage
        .verify_local(&grant, query.sig.as_deref())
        .map_err(|e| refused(&key, e))?;
    let object = storage.get(&key).await?;
    let max_age = u32::try_from((expires - Utc::now().timestamp()).max(0)).unwrap_or(0);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, object.info.content_type))
        .insert_header(CacheControl(vec![
            CacheDirective::Private,
            CacheDirective::MaxAge(max_age),
        ]))
        // Frontends on other sites embed these; nothing served here may run script.
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .body(object.bytes))
}

/// Stores an object through a signed upload URL (no login: the signature, which binds the
/// content type and length, is the credential).
#[utoipa::path(
    tag = "storage",
    params(("key" = String, Path, description = "The object key (may contain `/`): a platform slug, then segments of letters, digits, `.`, `_` and `-` (not starting with `.`), at most 1024 characters", pattern = r"^[a-z0-9-]+(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$", example = "mr-mentor/2026/01/0196a5e0-0000-7000-8000-000000000001-file.png"), SignedQuery),
    request_body(content = crate::dto::Binary, content_type = "application/octet-stream", description = "Exactly the presigned size, sent with the presigned `Content-Type`"),
    responses(
        (status = 200, body = StoredObject),
        (status = 403, description = "`invalid_url_signature` or `url_expired`", body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem),
        (status = 413, body = kernel::error::Problem),
    )
)]
#[put("/api/storage/{key:.*}")]
pub async fn upload(
    req: HttpRequest,
    storage: web::Data<Storage>,
    key: web::Path<String>,
    query: web::Query<SignedQuery>,
    mut payload: web::Payload,
) -> Result<web::Json<StoredObject>, StorageError> {
    let key = ObjectKey::parse(&key)?;
    let expires = expires_of(&query)?;
    let header_str = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let content_type = header_str(header::CONTENT_TYPE).map(media::essence);
    let content_length = header_str(header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    let grant = Grant {
        method: "PUT",
        key: key.as_str(),
        expires,
        content_type: content_type.as_deref(),
        content_length,
    };
    storage
        .verify_local(&grant, query.sig.as_deref())
        .map_err(|e| refused(&key, e))?;
    let (Some(content_type), Some(length)) = (content_type, content_length) else {
        return Err(StorageError::InvalidSignature);
    };
    let limit = storage.upload_max_bytes();
    let too_large = || StorageError::App(AppError::PayloadTooLarge { limit });
    let length = usize::try_from(length).map_err(|_| too_large())?;
    if length > limit {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(length);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            AppError::new(
                &kernel::error::codes::BAD_BODY,
                format!("could not read the body: {e}"),
            )
        })?;
        if body.len() + chunk.len() > length {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let stored = storage.put(&key, body.freeze(), &content_type).await?;
    tracing::info!(key = %key.loggable(), size = stored.size, "signed upload stored");
    Ok(web::Json(StoredObject {
        key: key.to_string(),
        size: stored.size,
        content_type: stored.content_type,
    }))
}
