//! `/api/meetings/{id}/recordings`: presigned uploads of a meeting's recordings and their
//! listing with signed playback URLs (participants and admins only).

use actix_web::{HttpResponse, get, post, web};
use kernel::{AppContext, auth::AuthUser, error::AppResult, extract::ValidJson};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::recordings::{NewRecording, RecordingDto, RecordingList, RecordingUpload},
    service::recordings::{self, Viewer},
};

fn viewer(user: &AuthUser) -> Viewer {
    Viewer {
        user_id: user.id,
        is_admin: user.role.is_admin(),
    }
}

/// Starts uploading a recording of the meeting (participants and admins): a presigned `PUT`
/// URL and a `pending` metadata row.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = NewRecording,
    responses((status = 201, body = RecordingUpload), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/recordings")]
pub async fn start(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    store: web::Data<Storage>,
    id: web::Path<Uuid>,
    body: ValidJson<NewRecording>,
) -> AppResult<HttpResponse> {
    let made = recordings::start(
        &ctx.db,
        &store,
        &user.tenant,
        viewer(&user),
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(made))
}

/// Confirms an upload: the object must be stored with the announced size (409
/// `upload_missing` / `upload_size_mismatch`); the recording becomes `uploaded`.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    responses((status = 200, body = RecordingDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/recordings/{rid}/complete")]
pub async fn complete(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    store: web::Data<Storage>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<RecordingDto>> {
    let (meeting, recording) = path.into_inner();
    Ok(web::Json(
        recordings::complete(
            &ctx.db,
            &store,
            &user.tenant,
            viewer(&user),
            meeting,
            recording,
        )
        .await?,
    ))
}

/// The meeting's recordings, uploaded ones with a short-lived signed playback URL
/// (participants and admins).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    responses((status = 200, body = RecordingList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/recordings")]
pub async fn list(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    store: web::Data<Storage>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<RecordingList>> {
    let items = recordings::list(
        &ctx.db,
        &store,
        &user.tenant,
        viewer(&user),
        id.into_inner(),
    )
    .await?;
    Ok(web::Json(RecordingList {
        items,
        next_cursor: None,
    }))
}
