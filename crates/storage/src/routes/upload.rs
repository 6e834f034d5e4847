//! `POST /api/upload`: a multipart upload through this server (small files; large ones go
//! straight to the store with `POST /api/upload/presign`).

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use chrono::Utc;
use futures::TryStreamExt;
use kernel::{AppError, Tenant, auth::AuthUser};

use crate::{
    dto::UploadedFile,
    error::StorageError,
    keys::{ObjectKey, parse_folder},
    media,
    store::Storage,
};

/// Room for the multipart framing and the small fields around the file.
const FORM_OVERHEAD: usize = 64 * 1024;
/// Largest `folder` value and largest ignored field.
const SMALL_FIELD_LIMIT: usize = 1024;
/// Most parts a form may have.
const MAX_PARTS: usize = 8;

struct FilePart {
    filename: String,
    content_type: String,
    bytes: web::Bytes,
}

/// Uploads one file (any signed-in user). The part named `file` carries the bytes and its
/// `Content-Type`; `folder` optionally groups uploads. Answers the key and a signed URL.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    // the part's media types: `media::ALLOWED_CONTENT_TYPES` (the gateway's openapi test
    // checks they agree)
    request_body(content = crate::dto::UploadForm, content_type = "multipart/form-data",
        encoding(("file" = (content_type = "image/jpeg, image/png, image/gif, image/webp, image/avif, image/heic, image/heif, application/pdf, text/plain, text/csv, application/rtf, application/msword, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.ms-excel, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/vnd.ms-powerpoint, application/vnd.openxmlformats-officedocument.presentationml.presentation, application/vnd.oasis.opendocument.text, application/vnd.oasis.opendocument.spreadsheet, application/vnd.oasis.opendocument.presentation, audio/mpeg, audio/mp4, audio/aac, audio/wav, audio/x-wav, audio/webm, audio/ogg, audio/x-m4a, video/mp4, video/webm, video/quicktime, video/ogg, video/x-matroska")))),
    responses(
        (status = 201, body = UploadedFile),
        (status = 401, body = kernel::error::Problem),
        (status = 413, description = "the file is over `UPLOAD_MAX_BYTES` (names `file`)", body = kernel::error::Problem),
        (status = 415, description = "the file's media type is not accepted (names `file`)", body = kernel::error::Problem),
        (status = 422, description = "no `file` part, or a bad `folder`", body = kernel::error::Problem),
    )
)]
#[post("")]
pub async fn upload(
    user: AuthUser,
    tenant: Tenant,
    storage: web::Data<Storage>,
    req: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, StorageError> {
    let limit = storage.upload_max_bytes();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(FORM_OVERHEAD)) {
        return Err(StorageError::TooLarge {
            field: "file",
            limit,
        });
    }

    let mut file: Option<FilePart> = None;
    let mut folder: Option<String> = None;
    let mut parts = 0;
    while let Some(mut field) = form.try_next().await.map_err(form_error)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::new(
                &crate::error::codes::MALFORMED_MULTIPART,
                format!("a form may have at most {MAX_PARTS} parts"),
            )
            .into());
        }
        match field.name() {
            Some("file") if file.is_some() => {
                return Err(AppError::invalid_field("file", "must be given once").into());
            }
            Some("file") => file = Some(read_file(&mut field, limit).await?),
            Some("folder") => {
                let raw = read_limited(&mut field, SMALL_FIELD_LIMIT)
                    .await?
                    .ok_or_else(|| AppError::invalid_field("folder", "is too long"))?;
                let text = String::from_utf8(raw.to_vec())
                    .map_err(|_| AppError::invalid_field("folder", "must be UTF-8 text"))?;
                folder = Some(text);
            }
            _ => {
                read_limited(&mut field, SMALL_FIELD_LIMIT).await?;
            }
        }
    }
    let file = file.ok_or_else(|| AppError::invalid_field("file", "is required"))?;
    let folder = parse_folder(folder.as_deref().unwrap_or_default())
        .map_err(|message| AppError::invalid_field("folder", message))?;

    let key = ObjectKey::generate(&tenant.slug, folder.as_ref(), &file.filename, Utc::now())?;
    let stored = storage.put(&key, file.bytes, &file.content_type).await?;
    let signed = storage
        .signed_get_url(&key, storage.signed_url_ttl())
        .await?;
    tracing::info!(key = %key.loggable(), size = stored.size, user = %user.id, "file uploaded");
    Ok(HttpResponse::Created().json(UploadedFile {
        key: key.to_string(),
        url: signed.url,
        size: stored.size,
        content_type: stored.content_type,
    }))
}

/// Checks the part's media type before reading it, then reads at most `limit` bytes.
async fn read_file(field: &mut Field, limit: usize) -> Result<FilePart, StorageError> {
    let declared = field
        .content_type()
        .map(|m| m.essence_str().to_owned())
        .unwrap_or_default();
    let content_type =
        media::allowed(&declared).ok_or_else(|| StorageError::UnsupportedMediaType {
            field: "file",
            content_type: declared.clone(),
        })?;
    let filename = field
        .content_disposition()
        .and_then(|cd| cd.get_filename())
        .unwrap_or("file")
        .to_owned();
    let bytes = read_limited(field, limit)
        .await?
        .ok_or(StorageError::TooLarge {
            field: "file",
            limit,
        })?;
    if bytes.is_empty() {
        return Err(AppError::invalid_field("file", "must not be empty").into());
    }
    Ok(FilePart {
        filename,
        content_type,
        bytes,
    })
}

/// A part's bytes, or `None` as soon as it passes `limit` (the rest is not read).
async fn read_limited(field: &mut Field, limit: usize) -> Result<Option<web::Bytes>, StorageError> {
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = field.try_next().await.map_err(form_error)? {
        if buf.len() + chunk.len() > limit {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf.freeze()))
}

fn form_error(err: MultipartError) -> StorageError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => {
            AppError::unsupported_media_type("expected Content-Type: multipart/form-data").into()
        }
        other => AppError::new(
            &crate::error::codes::MALFORMED_MULTIPART,
            format!("the multipart body could not be read: {other}"),
        )
        .into(),
    }
}
