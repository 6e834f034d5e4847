//! `GET /api/bulk-upload/kinds` and `GET /api/bulk-upload/kinds/{kind}/template`.

use actix_web::{HttpResponse, get, http::header, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
};

use crate::{
    ImportError, Imports,
    dto::kinds::KindInfo,
    service::report::{self, XLSX},
};

/// The registered import kinds and their column schemas (ADMIN).
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<KindInfo>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json")))]
#[get("/kinds")]
pub async fn list(_admin: Require<Admin>, state: web::Data<Imports>) -> web::Json<Vec<KindInfo>> {
    web::Json(
        state
            .kinds()
            .all()
            .map(|k| KindInfo::from(k.as_ref()))
            .collect(),
    )
}

/// An empty .xlsx template of a kind: the header row, and a `columns` sheet describing each
/// column (ADMIN).
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "the kind's name, e.g. `students`", max_length = 64)),
    responses(
        (status = 200, description = "the template workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`import_kind_unknown`", body = Problem, content_type = "application/problem+json")))]
#[get("/kinds/{kind}/template")]
pub async fn template(
    _admin: Require<Admin>,
    state: web::Data<Imports>,
    kind: web::Path<String>,
) -> AppResult<HttpResponse> {
    let kind = state
        .kinds()
        .get(&kind)
        .ok_or_else(|| ImportError::KindUnknown(kind.into_inner()))?;
    let bytes = report::template(kind.as_ref())?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, XLSX))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-template.xlsx\"", kind.name()),
        ))
        .body(bytes))
}
