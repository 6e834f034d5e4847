//! `/api/meetings/complete-by-link`: the mentor's emailed, single-use completion link. Public
//! by design: the signed token in the query is the credential, and it names its meeting and
//! platform (a link opened from a mail client carries no `X-Platform`).
//!
//! `GET` only describes the link, so mail scanners that prefetch links cannot complete a
//! session; `POST` (the confirmation button of the page behind the link) completes it once.

use actix_web::{get, post, web};
use kernel::{AppContext, error::AppResult};

use crate::{
    dto::{
        Completed,
        links::{LinkInfo, LinkQuery},
    },
    error::MentorshipError,
    service::links,
};

fn token(q: &LinkQuery) -> Result<&str, MentorshipError> {
    q.token
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .ok_or(MentorshipError::InvalidToken(
            "the link has no token".into(),
        ))
}

/// What the link does and whether it still works (401 `invalid_token` / `link_expired`, 409
/// `link_used`); does not use it.
#[utoipa::path(tag = "mentorship", params(LinkQuery),
    responses((status = 200, body = LinkInfo), (status = 401, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[get("/complete-by-link")]
pub async fn inspect(
    ctx: web::Data<AppContext>,
    q: web::Query<LinkQuery>,
) -> AppResult<web::Json<LinkInfo>> {
    let (link, m) = links::inspect(&ctx, token(&q)?).await?;
    Ok(web::Json(LinkInfo {
        action: link.action,
        meeting_id: m.id,
        status: m.status,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        expires_at: link.expires_at,
    }))
}

/// Completes the link's meeting for its mentor (the hold is posted once); the link is used
/// up: again is 409 `link_used`, expired 401 `link_expired`, forged 401 `invalid_token`.
#[utoipa::path(tag = "mentorship", params(LinkQuery),
    responses((status = 200, body = Completed), (status = 401, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/complete-by-link")]
pub async fn complete(
    ctx: web::Data<AppContext>,
    q: web::Query<LinkQuery>,
) -> AppResult<web::Json<Completed>> {
    let m = links::redeem(&ctx, token(&q)?).await?;
    Ok(web::Json(Completed {
        meeting_id: m.id,
        status: m.status,
    }))
}
