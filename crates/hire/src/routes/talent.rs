//! `/api/talent-pool` and `/api/salary-benchmark` (HR or ADMIN).

use actix_web::{get, post, put, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
    pagination::{Page, PageParams},
};

use crate::{
    Hire,
    dto::talent::{BenchmarkList, BenchmarkQuery, SalarySources, TalentList, TalentQuery},
    service::talent,
};

/// Past applicants whose talent-pool consent is live, newest first: `skill` (declared or the
/// job's), `min_experience`, `location` (part of the declared or the job's), `min_score`.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(TalentQuery),
    responses((status = 200, body = TalentList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn pool(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    query: ValidQuery<TalentQuery>,
) -> AppResult<web::Json<TalentList>> {
    let query = query.0;
    let page_params = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page_params.limit()?;
    let after = page_params.after()?;
    let rows = talent::search(&hire.ctx().db, hr.tenant.id, &query, after, limit).await?;
    let page = Page::from_rows(rows, limit, |r| (r.applied_at, r.application_id));
    Ok(web::Json(TalentList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Salary percentiles per role and location (refreshed every 15 days from our offers and
/// placements and the configured data points).
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(BenchmarkQuery),
    responses((status = 200, body = BenchmarkList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn benchmark(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    query: ValidQuery<BenchmarkQuery>,
) -> AppResult<web::Json<BenchmarkList>> {
    let q = query.0;
    Ok(web::Json(BenchmarkList {
        items: talent::benchmarks(
            &hire.ctx().db,
            hr.tenant.id,
            q.role.as_deref(),
            q.location.as_deref().filter(|l| !l.trim().is_empty()),
        )
        .await?,
    }))
}

/// Recomputes the platform's benchmark now (audited) and answers it.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = BenchmarkList)))]
#[post("/refresh")]
pub async fn refresh(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
) -> AppResult<web::Json<BenchmarkList>> {
    let db = &hire.ctx().db;
    talent::refresh_now(db, &hr.tenant, hr.id).await?;
    Ok(web::Json(BenchmarkList {
        items: talent::benchmarks(db, hr.tenant.id, None, None).await?,
    }))
}

/// The configured salary data points.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = SalarySources)))]
#[get("/sources")]
pub async fn sources(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
) -> AppResult<web::Json<SalarySources>> {
    Ok(web::Json(
        talent::sources(&hire.ctx().db, hr.tenant.id).await?,
    ))
}

/// Replaces the configured salary data points (audited; at most 500).
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = SalarySources,
    responses((status = 200, body = SalarySources), (status = 422, body = kernel::error::Problem)))]
#[put("/sources")]
pub async fn put_sources(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    body: ValidJson<SalarySources>,
) -> AppResult<web::Json<SalarySources>> {
    Ok(web::Json(
        talent::put_sources(&hire.ctx().db, &hr.tenant, hr.id, body.into_inner()).await?,
    ))
}
