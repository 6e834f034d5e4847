//! `/api/judge0`: the Judge0 proxy for any signed-in user (code playgrounds, practice
//! questions). The deployment's Judge0 token is added server-side and never answered.

use actix_web::{get, post, web};
use kernel::{
    auth::AuthUser,
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Integrations,
    dto::judge0::{SubmissionRequest, SubmissionResult},
    judge0::Language,
    service::judge0 as service,
};

/// Runs a program on Judge0 and waits for the result. The language must be on the
/// deployment's allow-list; the program and input within its limits; each user may submit
/// `JUDGE0_RATE_PER_MINUTE` programs a minute on a platform (default 20).
#[utoipa::path(tag = "judge0", security(("bearer" = [])),
    request_body = SubmissionRequest,
    responses(
        (status = 200, body = SubmissionResult, description = "the run finished (its verdict is in `status`: accepted, wrong_answer, time_limit_exceeded, compilation_error, runtime_error, internal_error, exec_format_error)"),
        (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: the body is over the API's 1 MiB JSON limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is invalid (named): `language_id` not on the allow-list, `source_code`, `stdin` or `expected_output` over this deployment's limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_requests`: over the per-user rate limit (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`judge0_error`: Judge0 refused the submission or answered an unreadable body", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured` (no `JUDGE0_URL`) or `judge0_unavailable` (Judge0 unreachable, 5xx, busy, or refusing the deployment's token)", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`judge0_timeout`: no result within `JUDGE0_TIMEOUT_SECONDS`", body = Problem, content_type = "application/problem+json")))]
#[post("/submissions")]
pub async fn submit(
    user: AuthUser,
    state: web::Data<Integrations>,
    body: ValidJson<SubmissionRequest>,
) -> AppResult<web::Json<SubmissionResult>> {
    Ok(web::Json(service::submit(&state, &user, &body.0).await?))
}

/// The languages this deployment allows (`JUDGE0_LANGUAGES`).
#[utoipa::path(tag = "judge0", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Language>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`: no `JUDGE0_URL`", body = Problem, content_type = "application/problem+json")))]
#[get("/languages")]
pub async fn languages(
    _user: AuthUser,
    state: web::Data<Integrations>,
) -> AppResult<web::Json<Vec<Language>>> {
    Ok(web::Json(service::languages(&state)?))
}
