//! Imports: upload + preview, start, progress, the error report, the list (ADMIN of the
//! platform; another platform's import is 404 `import_not_found`).

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use futures::TryStreamExt;
use kernel::{
    AppError,
    auth::{Admin, Require},
    error::{AppResult, Problem},
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    ImportError, Imports,
    dto::imports::{ImportForm, ImportView, Preview},
    service::{
        imports as service,
        report::{self, XLSX},
        upload::{self as uploads, Upload},
    },
};

/// Room for the multipart framing around the file.
const FORM_OVERHEAD: usize = 64 * 1024;
/// Largest ignored part.
const SMALL_PART: usize = 1024;
/// Most parts a form may have.
const MAX_PARTS: usize = 4;

/// Uploads a file of `kind` (multipart part `file`, .xlsx or UTF-8 CSV, at most
/// `IMPORT_MAX_BYTES`; the type is sniffed from the bytes). Stores it and answers the import
/// (status `previewed`) with the header mapping, the first 20 rows with per-cell errors and
/// the data row count. Nothing is written until `POST /api/bulk-upload/{id}/start`.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "the kind's name, e.g. `students`", max_length = 64)),
    request_body(content = ImportForm, content_type = "multipart/form-data",
        encoding(("file" = (content_type = "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/octet-stream")))),
    responses(
        (status = 201, body = Preview),
        (status = 400, description = "`bad_body`: the body is not a readable multipart form", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`import_kind_unknown`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "the file is over `IMPORT_MAX_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "the body is not multipart/form-data", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`import_file_invalid` (names `file`: not .xlsx/CSV, empty, no data rows), `import_missing_column` (names the column), or no `file` part", body = Problem, content_type = "application/problem+json")))]
#[post("/kinds/{kind}")]
pub async fn upload(
    admin: Require<Admin>,
    state: web::Data<Imports>,
    kind: web::Path<String>,
    req: HttpRequest,
    mut form: Multipart,
) -> AppResult<HttpResponse> {
    let limit = state.config().max_bytes;
    if state.kinds().get(&kind).is_none() {
        return Err(ImportError::KindUnknown(kind.into_inner()).into());
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(FORM_OVERHEAD)) {
        return Err(ImportError::TooLarge(limit).into());
    }
    let mut file: Option<Upload> = None;
    let mut parts = 0;
    while let Some(mut field) = form.try_next().await.map_err(form_error)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::invalid_field(
                "file",
                "the form has too many parts",
            ));
        }
        if field.name() == Some("file") && file.is_none() {
            let file_name = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or("upload")
                .to_owned();
            let bytes = read_limited(&mut field, limit)
                .await?
                .ok_or(ImportError::TooLarge(limit))?;
            if bytes.is_empty() {
                return Err(ImportError::FileInvalid("the file is empty".into()).into());
            }
            file = Some(Upload { file_name, bytes });
        } else {
            read_limited(&mut field, SMALL_PART).await?;
        }
    }
    let file = file.ok_or_else(|| AppError::invalid_field("file", "is required"))?;
    let preview = uploads::create(&state, &admin, &kind, file).await?;
    Ok(HttpResponse::Created().json(preview))
}

async fn read_limited(field: &mut Field, limit: usize) -> AppResult<Option<web::Bytes>> {
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = field.try_next().await.map_err(form_error)? {
        if buf.len() + chunk.len() > limit {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf.freeze()))
}

fn form_error(err: MultipartError) -> AppError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => {
            AppError::unsupported_media_type("expected Content-Type: multipart/form-data")
        }
        other => AppError::new(
            &kernel::error::codes::BAD_BODY,
            format!("the multipart body could not be read: {other}"),
        ),
    }
}

/// Starts a previewed (or failed) import: its job is queued once; a second start answers
/// 409 `import_already_started`. A failed import resumes after its last committed batch.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "import id")),
    responses(
        (status = 202, body = ImportView),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`import_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`import_already_started`", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/start")]
pub async fn start(
    admin: Require<Admin>,
    state: web::Data<Imports>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let model = service::start(&state.ctx().db, &admin, *id).await?;
    state.jobs().notify_committed();
    Ok(HttpResponse::Accepted().json(ImportView::from(model)))
}

/// An import's status and progress (`rows_done` of `rows_total`, `rows_ok`, `rows_failed`).
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "import id")),
    responses(
        (status = 200, body = ImportView),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`import_not_found`", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}")]
pub async fn get(
    admin: Require<Admin>,
    state: web::Data<Imports>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<ImportView>> {
    let model = service::get(&state.ctx().db, &admin.tenant, *id).await?;
    Ok(web::Json(model.into()))
}

/// The error report (.xlsx): one line per bad cell with its row number, column, value and
/// message, in file order; as far as the import has got.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "import id")),
    responses(
        (status = 200, description = "the report workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`import_not_found`", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}/errors")]
pub async fn errors(
    admin: Require<Admin>,
    state: web::Data<Imports>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) = report::error_report(&state.ctx().db, &admin.tenant, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, XLSX))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// The platform's imports, newest first.
#[utoipa::path(tag = "imports", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, body = Page<ImportView>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` or `cursor` is invalid", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    state: web::Data<Imports>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<ImportView>>> {
    let page = service::list(&state.ctx().db, &admin.tenant, &page).await?;
    Ok(web::Json(page.map(ImportView::from)))
}
