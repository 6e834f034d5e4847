//! `GET /api/ai/student-profile/{user_id}`: the consolidated profile for AI agents (an
//! ADMIN or SUPERADMIN of the platform, or the user themself).

use actix_web::{get, web};
use kernel::{
    AppContext,
    auth::AuthUser,
    error::{AppResult, Problem},
};
use uuid::Uuid;

use crate::{dto::profile::StudentProfile, profile::ProfileSections, service::profile};

/// The user's profile: named sections from the crates that own the data (`user`,
/// `mentorship`, `tokens`; the LMS's `enrollments`, `quizzes`, `engagement` and `risk`), with
/// its shape `version` and `generated_at`; served from a 60-second cache per viewer.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "the user")),
    responses(
        (status = 200, body = StudentProfile),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "neither an admin nor the user themself", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`profile_not_found`: no such user on this platform (or `not_found`: `user_id` is not a UUID)", body = Problem, content_type = "application/problem+json")))]
#[get("/student-profile/{user_id}")]
pub async fn student_profile(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    sections: web::Data<ProfileSections>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<StudentProfile>> {
    Ok(web::Json(
        profile::load_cached(&ctx, &sections, &user, *user_id).await?,
    ))
}
