//! `/api/google-drive-connector/*`: any signed-in user connects their Google Drive on the
//! platform (read-only), lists their files and imports one into object storage. `connect`
//! answers JSON `{authorization_url}` (the frontend navigates itself); Google sends the
//! browser back to the frontend's page at `GOOGLE_DRIVE_REDIRECT_URI`, which hands `code` and
//! `state` to `callback` with the user's bearer token: the single-use `state` names the user
//! and platform, and only that user may finish it (a consent link sent to someone else cannot
//! attach their Drive to the sender's account, ADR 0094). Without Google credentials every
//! route answers 503 `provider_not_configured`.

use actix_web::{HttpResponse, delete, get, http::header, post, web};
use kernel::{
    auth::AuthUser,
    error::{AppResult, Problem},
    extract::ValidQuery,
};
use storage::Storage;

use crate::{
    Integrations,
    dto::drive::{DriveCallback, DriveConnect, DriveFilesQuery, DriveStatus, ImportedFile},
    google_drive::FileList,
    service::{drive, drive_files},
};

/// Starts connecting the caller's Google Drive: Google's consent URL asking for
/// `drive.readonly` with offline access, PKCE and a `state` valid for ten minutes.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])),
    responses((status = 200, body = DriveConnect),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[post("/connect")]
pub async fn connect(user: AuthUser, state: web::Data<Integrations>) -> AppResult<HttpResponse> {
    let made = drive::connect(&state, &user).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(made))
}

/// Google's redirect back, handed on by the frontend with the bearer token of the user who
/// started the connection: exchanges the code (with the PKCE verifier) and stores the sealed
/// tokens for that user and platform. A state issued to another user (or platform) is 400
/// `invalid_oauth_state`, and spent.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])), params(DriveCallback),
    responses((status = 200, body = DriveStatus),
        (status = 400, description = "`invalid_oauth_state` (unknown, expired, used, or issued to someone else) or `invalid_oauth_code`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`drive.readonly` was not granted, or `wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a parameter is too long (named)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "Google failed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[get("/callback")]
pub async fn callback(
    user: AuthUser,
    state: web::Data<Integrations>,
    query: ValidQuery<DriveCallback>,
) -> AppResult<HttpResponse> {
    let connected = drive::callback(&state, &user, query.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(connected))
}

/// Whether the caller's Google Drive is connected on this platform.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])),
    responses((status = 200, body = DriveStatus),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[get("/status")]
pub async fn status(
    user: AuthUser,
    state: web::Data<Integrations>,
) -> AppResult<web::Json<DriveStatus>> {
    drive::client(&state)?;
    Ok(web::Json(
        drive::status(&state.ctx.db, user.tenant.id, user.id).await?,
    ))
}

/// Disconnects the caller's Google Drive: the grant is revoked at Google and the stored
/// tokens deleted. 204 whether or not one was connected.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])),
    responses((status = 204, description = "disconnected"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[delete("")]
pub async fn disconnect(user: AuthUser, state: web::Data<Integrations>) -> AppResult<HttpResponse> {
    drive::disconnect(&state, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A page (50) of the caller's Drive files, newest first; `q` filters by name.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])), params(DriveFilesQuery),
    responses((status = 200, body = FileList),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`drive_not_connected`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` or `page_token` is invalid (named)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "Google failed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[get("/files")]
pub async fn files(
    user: AuthUser,
    state: web::Data<Integrations>,
    query: ValidQuery<DriveFilesQuery>,
) -> AppResult<web::Json<FileList>> {
    let q = query.0;
    let page = drive_files::list(&state, &user, q.q.as_deref(), q.page_token.as_deref()).await?;
    Ok(web::Json(page))
}

/// Imports one Drive file into object storage (Google Docs, Slides and Drawings as PDF,
/// Sheets as xlsx) and answers the stored object with a signed URL.
#[utoipa::path(tag = "google-drive", security(("bearer" = [])),
    params(("id" = String, Path, description = "Drive's file id (1-200 of `[A-Za-z0-9_-]`)", max_length = 200, pattern = r"^[A-Za-z0-9_-]+$")),
    responses((status = 201, body = ImportedFile),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_platform`: the token is of another platform", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such Drive file", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`drive_not_connected`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`drive_file_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`drive_file_not_importable`, or a malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "Google or the store failed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`", body = Problem, content_type = "application/problem+json")))]
#[post("/files/{id}/import")]
pub async fn import(
    user: AuthUser,
    state: web::Data<Integrations>,
    storage: web::Data<Storage>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let imported = drive_files::import(&state, &storage, &user, &id).await?;
    Ok(HttpResponse::Created().json(imported))
}
