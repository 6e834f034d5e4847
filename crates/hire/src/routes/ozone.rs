//! `/api/miss-ozone`: Miss Ozone's call configurations and calls (ADMIN), and a signed-in
//! student's own calls (`/my-calls`). The module gate lets platforms with students (`lms`) or
//! Mr. Hire (`hire`) through.

use actix_web::{HttpResponse, get, patch, post, web};
use kernel::{
    auth::{Admin, AuthUser, Require},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::ozone::{
        MyOzoneCallList, MyOzoneCallQuery, NewOzoneCall, OzoneCallList, OzoneCallQuery,
        OzoneCallView, OzoneConfigInput, OzoneConfigList, OzoneConfigPatch, OzoneConfigView,
    },
    service::ozone,
};

/// The platform's call configurations, by name.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = OzoneConfigList)))]
#[get("/configs")]
pub async fn list_configs(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
) -> AppResult<web::Json<OzoneConfigList>> {
    Ok(web::Json(OzoneConfigList {
        items: ozone::list_configs(&hire.ctx().db, admin.tenant.id).await?,
    }))
}

/// Creates a call configuration (audited): the ElevenLabs agent, what the call is for, the
/// daily cap per person, attempts and the retry backoff. 422 on a name already used.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = OzoneConfigInput,
    responses((status = 201, body = OzoneConfigView), (status = 422, body = kernel::error::Problem)))]
#[post("/configs")]
pub async fn create_config(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    body: ValidJson<OzoneConfigInput>,
) -> AppResult<HttpResponse> {
    let view =
        ozone::create_config(&hire.ctx().db, &admin.tenant, admin.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Changes a call configuration (audited); queued calls follow it.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = OzoneConfigPatch,
    responses((status = 200, body = OzoneConfigView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[patch("/configs/{id}")]
pub async fn update_config(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<OzoneConfigPatch>,
) -> AppResult<web::Json<OzoneConfigView>> {
    Ok(web::Json(
        ozone::update_config(
            &hire.ctx().db,
            &admin.tenant,
            admin.id,
            *id,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Queues a call to a student (audited), at `at` or now. 503 without ElevenLabs; 409
/// `daily_call_cap_reached` when the person's day already has the configuration's cap of
/// calls; 422 for an inactive configuration or a user without a phone number.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = NewOzoneCall,
    responses((status = 201, body = OzoneCallView), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("/calls")]
pub async fn create_call(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    body: ValidJson<NewOzoneCall>,
) -> AppResult<HttpResponse> {
    let view = ozone::create_call(
        &hire.ctx().db,
        hire.elevenlabs(),
        &admin.tenant,
        admin.id,
        body.into_inner(),
    )
    .await?;
    hire.jobs().notify_committed();
    Ok(HttpResponse::Created().json(view))
}

/// The platform's calls, newest first; `status` and `user_id` filter.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(OzoneCallQuery),
    responses((status = 200, body = OzoneCallList), (status = 422, body = kernel::error::Problem)))]
#[get("/calls")]
pub async fn list_calls(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    query: ValidQuery<OzoneCallQuery>,
) -> AppResult<web::Json<OzoneCallList>> {
    let query = query.0;
    let page_params = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page_params.limit()?;
    let after = page_params.after()?;
    let rows = ozone::page(
        &hire.ctx().db,
        admin.tenant.id,
        query.status.as_deref(),
        query.user_id,
        after,
        limit,
    )
    .await?;
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id)).map(ozone::call_view);
    Ok(web::Json(OzoneCallList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// A call with its attempts count, transcript and evaluation.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = OzoneCallView), (status = 404, body = kernel::error::Problem)))]
#[get("/calls/{id}")]
pub async fn call_detail(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<OzoneCallView>> {
    Ok(web::Json(ozone::call_view(
        ozone::find_call(&hire.ctx().db, admin.tenant.id, *id).await?,
    )))
}

/// Cancels a queued call (audited); 409 `call_not_cancellable` once it was dialled.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = OzoneCallView), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem)))]
#[post("/calls/{id}/cancel")]
pub async fn cancel_call(
    admin: Require<Admin>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<OzoneCallView>> {
    Ok(web::Json(
        ozone::cancel(&hire.ctx().db, &admin.tenant, admin.id, *id).await?,
    ))
}

/// The caller's own calls from Miss Ozone, newest first: status, when due, when dialled and
/// ended, length and summary. Never another person's, never another platform's.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(MyOzoneCallQuery),
    responses((status = 200, body = MyOzoneCallList), (status = 401, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[get("/my-calls")]
pub async fn my_calls(
    user: AuthUser,
    hire: web::Data<Hire>,
    query: ValidQuery<MyOzoneCallQuery>,
) -> AppResult<web::Json<MyOzoneCallList>> {
    let query = query.0;
    let page_params = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page_params.limit()?;
    let after = page_params.after()?;
    let rows = ozone::page_of_person(&hire.ctx().db, user.tenant.id, user.id, after, limit).await?;
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id)).map(ozone::my_call_view);
    Ok(web::Json(MyOzoneCallList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
