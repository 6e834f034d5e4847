//! The mentor's emailed "mark the session completed" link. The token is
//! `<link id>.<HMAC-SHA256 hex>`: the HMAC (under a key derived from `JWT_SECRET`, kept apart
//! from JWTs by its label) covers the link id, meeting and action, so a token cannot be
//! forged or pointed at another meeting. The row, which only the server writes, makes it
//! single-use and expiring: redeeming locks the row, and a used or expired link answers 409
//! `link_used` / 401 `link_expired`.

use chrono::{Duration, Utc};
use comms::email::{EmailJob, Template};
use kernel::{AppContext, Tenant, crypto};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use super::{completion, notices};
use crate::entities::MeetingStatus;
use crate::{
    entities::{meeting_action_links as links, meetings},
    error::MentorshipError,
};

/// How long a completion link works after the session's end.
pub const LINK_TTL_DAYS: i64 = 7;
/// The only action so far.
const COMPLETE: &str = "complete";

fn key(ctx: &AppContext) -> Vec<u8> {
    ctx.config
        .derived_key(kernel::config::labels::ACTION_LINKS)
        .to_vec()
}

fn message(link: &links::Model) -> String {
    format!("{}:{}:{}", link.id, link.meeting_id, link.action)
}

fn invalid() -> MentorshipError {
    MentorshipError::InvalidToken("the link is invalid".into())
}

/// Issues a completion link for `m` inside `txn`; returns the token.
pub async fn issue<C: ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    m: &meetings::Model,
) -> Result<String, MentorshipError> {
    let link = links::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(m.platform_id),
        meeting_id: Set(m.id),
        action: Set(COMPLETE.into()),
        expires_at: Set(m.ends_at.max(Utc::now()) + Duration::days(LINK_TTL_DAYS)),
        used_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    let sig = crypto::hmac_sha256_hex(&key(ctx), message(&link).as_bytes());
    Ok(format!("{}.{sig}", link.id))
}

/// Emails the mentor of `m` a fresh completion link: the link is stored inside `txn`, the
/// email gathered into a batch that the caller writes with the rest of its transaction's jobs.
pub async fn send<C: ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    tenant: &Tenant,
    m: &meetings::Model,
) -> Result<jobs::outbox::Batch, MentorshipError> {
    let token = issue(txn, ctx, m).await?;
    let (mentor, student) = notices::people(txn, m).await?;
    let url = format!(
        "{}/api/meetings/complete-by-link?token={token}",
        ctx.config.public_base_url
    );
    let data = json!({
        "name": mentor.full_name,
        "subject": "Was your session held? Mark it completed",
        "body": format!(
            "Your session with {} has ended. If it was held, mark it completed to receive your tokens.\n\nThe link works once, for {LINK_TTL_DAYS} days.",
            student.full_name
        ),
        "cta_url": url,
        "cta_label": "Mark as completed",
    });
    let mut batch = jobs::outbox::Batch::new();
    comms::email::enqueue_into(
        &mut batch,
        tenant,
        &EmailJob::new(Template::Generic, &mentor.email, data),
    )?;
    Ok(batch)
}

/// The link of a token, when its signature holds (a malformed, unknown or forged token is
/// 401 `invalid_token`).
async fn verified<C: ConnectionTrait>(
    conn: &C,
    ctx: &AppContext,
    token: &str,
    lock: bool,
) -> Result<links::Model, MentorshipError> {
    let (id, sig) = token.trim().split_once('.').ok_or_else(invalid)?;
    let id: Uuid = id.parse().map_err(|_| invalid())?;
    let mut q = links::Entity::find_by_id(id);
    if lock {
        q = q.lock(LockType::Update);
    }
    let link = q.one(conn).await?.ok_or_else(invalid)?;
    if !crypto::verify_hmac_sha256_hex(&key(ctx), message(&link).as_bytes(), sig) {
        return Err(invalid());
    }
    Ok(link)
}

fn usable(link: &links::Model) -> Result<(), MentorshipError> {
    if link.used_at.is_some() {
        return Err(MentorshipError::LinkUsed);
    }
    if link.expires_at <= Utc::now() {
        return Err(MentorshipError::LinkExpired);
    }
    Ok(())
}

/// What a link would do, without using it (safe for mail scanners that prefetch links).
pub async fn inspect(
    ctx: &AppContext,
    token: &str,
) -> Result<(links::Model, meetings::Model), MentorshipError> {
    let link = verified(&ctx.db, ctx, token, false).await?;
    usable(&link)?;
    let m = meetings::Entity::find_by_id(link.meeting_id)
        .one(&ctx.db)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    Ok((link, m))
}

/// Uses a link once: completes its meeting for the mentor (posting the hold) and marks the
/// link used, in one transaction. A meeting completed meanwhile by other means stays as it
/// is (the link is still used up); a cancelled one is 409 `meeting_cancelled`.
pub async fn redeem(ctx: &AppContext, token: &str) -> Result<meetings::Model, MentorshipError> {
    let txn = ctx.db.begin().await?;
    let link = verified(&txn, ctx, token, true).await?;
    usable(&link)?;
    let m = meetings::Entity::find_by_id(link.meeting_id)
        .filter(meetings::Column::PlatformId.eq(link.platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    let m = match m.status {
        MeetingStatus::Completed => m,
        MeetingStatus::Cancelled => {
            return Err(MentorshipError::MeetingCancelled);
        }
        _ => {
            // the link is a convenience, not a proof: the same rule as the API
            super::meetings::ensure_held(&txn, &m, Utc::now()).await?;
            let by = Some(m.mentor_user_id);
            completion::post(&txn, m, by, "completed_by_link").await?
        }
    };
    let mut l: links::ActiveModel = link.into();
    l.used_at = Set(Some(Utc::now()));
    l.update(&txn).await?;
    txn.commit().await?;
    Ok(m)
}
