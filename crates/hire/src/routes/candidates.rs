//! `/api/admin/candidates`: erasure of a candidate's personal data, duplicate suggestions,
//! merges and their undo, the data export (HR or ADMIN).

use actix_web::{HttpResponse, delete, get, post, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
    pagination::{Page, PageParams, encode_cursor},
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::{
        applications::Erased,
        candidates::{CandidateExport, DuplicateList, MergeInput, MergeView},
    },
    service::{candidates, erasure},
};

/// Erases a candidate's personal data across their applications (audited): name, email,
/// phone, answers, notes, rating comments, screening texts, transcripts, resumes and
/// recordings. Stages, the stage log and scores stay, so the funnel's counts do not change.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = Erased), (status = 404, body = kernel::error::Problem)))]
#[delete("/{id}")]
pub async fn erase(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Erased>> {
    Ok(web::Json(
        erasure::erase_candidate(&hire.ctx().db, hire.storage(), hr.tenant.id, hr.id, *id).await?,
    ))
}

/// Pairs of live candidates whose names are alike (at least 0.85), every live candidate
/// considered, a page at a time (cursor pagination, by the pair's ids): HR decides whether to
/// merge them. A request probes at most 500 candidates, so a page may be short while
/// `next_cursor` still leads on: the list ends when `next_cursor` is null.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = DuplicateList), (status = 422, body = kernel::error::Problem)))]
#[get("/duplicates")]
pub async fn duplicates(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    query: web::Query<PageParams>,
) -> AppResult<web::Json<DuplicateList>> {
    let limit = query.limit()?;
    let after = query.after::<candidates::PairKey>()?;
    let (rows, resume) = candidates::duplicates(&hire.ctx().db, hr.tenant.id, after, limit).await?;
    let page = Page::from_rows(rows, limit, |s| (s.a.id, s.b.id));
    Ok(web::Json(DuplicateList {
        items: page.items,
        next_cursor: page
            .next_cursor
            .or_else(|| resume.map(|k| encode_cursor(&k))),
    }))
}

/// Merges this candidate into `into` (audited): their applications move, later applications
/// with this candidate's email or phone go to `into`. Undo with
/// `POST /api/admin/candidate-merges/{id}/undo`.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = MergeInput,
    responses((status = 201, body = MergeView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/merge")]
pub async fn merge(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<MergeInput>,
) -> AppResult<HttpResponse> {
    let view = candidates::merge(
        &hire.ctx().db,
        &hr.tenant,
        hr.id,
        *id,
        body.into_inner().into,
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Everything kept about the candidate (their data-access request; audited).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = CandidateExport), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/export")]
pub async fn export(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CandidateExport>> {
    Ok(web::Json(
        candidates::export(&hire.ctx().db, &hr.tenant, hr.id, *id).await?,
    ))
}

/// Undoes a merge (audited): the applications it moved go back.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = MergeView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/undo")]
pub async fn undo_merge(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<MergeView>> {
    Ok(web::Json(
        candidates::undo(&hire.ctx().db, &hr.tenant, hr.id, *id).await?,
    ))
}
