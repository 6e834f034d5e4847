//! `/api/google-calendar/*`: a mentor connects Google Calendar (bookings then appear on it).
//! `connect` answers JSON `{authorization_url}` (not a 302: the frontend calls it with a
//! bearer token and navigates itself); Google sends the browser back to `callback`, which
//! needs no bearer token: the single-use `state` names the user and platform. Without Google
//! credentials every route answers 503 `provider_not_configured`.

use actix_web::{HttpResponse, delete, get, http::header, web};
use kernel::{
    AppContext,
    auth::{Expert, Require},
    error::{AppResult, Problem},
    extract::ValidQuery,
};

use crate::{
    dto::calendar::{CalendarCallback, CalendarConnect, CalendarStatus},
    service::calendar::{self, Calendar},
};

/// Starts connecting the caller's Google Calendar (EXPERT): Google's consent URL asking for
/// `calendar.events` with offline access, PKCE and a `state` valid for ten minutes.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    responses((status = 200, body = CalendarConnect), (status = 403, body = Problem), (status = 503, description = "`provider_not_configured`", body = Problem)))]
#[get("/connect")]
pub async fn connect(mentor: Require<Expert>, cal: web::Data<Calendar>) -> AppResult<HttpResponse> {
    let made = calendar::connect(&cal, &mentor).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(made))
}

/// Google's redirect back: exchanges the code (with the PKCE verifier) and stores the
/// refresh token for the user and platform the state was issued to.
#[utoipa::path(tag = "mentorship", params(CalendarCallback),
    responses((status = 200, body = CalendarStatus),
        (status = 400, description = "`invalid_oauth_state` or `invalid_oauth_code`", body = Problem),
        (status = 403, description = "`calendar_scope_not_granted`", body = Problem),
        (status = 502, description = "Google failed", body = Problem),
        (status = 503, description = "`provider_not_configured`", body = Problem)))]
#[get("/callback")]
pub async fn callback(
    cal: web::Data<Calendar>,
    query: ValidQuery<CalendarCallback>,
) -> AppResult<HttpResponse> {
    let connected = calendar::callback(&cal, query.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(connected))
}

/// Whether the caller's Google Calendar is connected (EXPERT).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    responses((status = 200, body = CalendarStatus), (status = 403, body = Problem), (status = 503, body = Problem)))]
#[get("/status")]
pub async fn status(
    mentor: Require<Expert>,
    cal: web::Data<Calendar>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<CalendarStatus>> {
    cal.client()?;
    Ok(web::Json(
        calendar::status(&ctx.db, mentor.tenant.id, mentor.id).await?,
    ))
}

/// Disconnects the caller's Google Calendar (EXPERT): the stored token is deleted; events
/// already created stay. 204 whether or not one was connected.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 503, body = Problem)))]
#[delete("/connection")]
pub async fn disconnect(
    mentor: Require<Expert>,
    cal: web::Data<Calendar>,
    ctx: web::Data<AppContext>,
) -> AppResult<HttpResponse> {
    cal.client()?;
    calendar::disconnect(&ctx.db, mentor.tenant.id, mentor.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
