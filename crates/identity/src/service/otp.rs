//! Sign-in by emailed code: 6 digits, stored as an HMAC (a leaked table does not give the
//! codes away), valid `OTP_TTL_SECS`, `OTP_MAX_ATTEMPTS` wrong tries, one live code per
//! user (a new one supersedes the old). The email goes through the outbox in the same
//! transaction as the code, so a code exists exactly when its email is queued.

use chrono::Utc;
use comms::{EmailJob, email::Template};
use kernel::{AppContext, Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Identity,
    dto::AuthResponse,
    entities::{
        otp_codes,
        users::{self, UserStatus},
    },
    error::{IdentityError, IdentityResult},
    service::{
        secrets,
        sessions::{self, ClientMeta},
        users::find_by_email,
    },
};

fn code_hash(ctx: &AppContext, id: Uuid, code: &str) -> IdentityResult<Vec<u8>> {
    let key = ctx.config.derived_key(kernel::config::labels::OTP_CODES);
    secrets::hmac_sha256(&key, format!("{id}:{code}").as_bytes())
}

/// Sends a code to `email` if it belongs to an active user of the tenant; otherwise does
/// nothing. The caller answers 202 either way.
pub async fn request(identity: &Identity, tenant: &Tenant, email: &str) -> IdentityResult<()> {
    let ctx = identity.ctx();
    let Some(user) = find_by_email(&ctx.db, tenant.id, email)
        .await?
        .filter(|u| u.status == UserStatus::Active)
    else {
        tracing::info!(platform = %tenant.slug, "OTP requested for an unknown or inactive address");
        return Ok(());
    };
    let code = secrets::otp_code()?;
    let id = kernel::ids::new_id();
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(identity.config().auth.otp_ttl)
        .map_err(|e| anyhow::anyhow!("OTP_TTL_SECS: {e}"))?;
    let txn = ctx.db.begin().await?;
    otp_codes::Entity::update_many()
        .col_expr(otp_codes::Column::ConsumedAt, Expr::value(now))
        .filter(otp_codes::Column::UserId.eq(user.id))
        .filter(otp_codes::Column::ConsumedAt.is_null())
        .exec(&txn)
        .await?;
    otp_codes::Entity::insert(otp_codes::ActiveModel {
        id: Set(id),
        platform_id: Set(tenant.id),
        user_id: Set(user.id),
        code_hash: Set(code_hash(ctx, id, &code)?),
        attempts: Set(0),
        expires_at: Set(now + ttl),
        consumed_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let job = EmailJob::new(
        Template::Otp,
        user.email.clone(),
        json!({
            "code": code,
            "name": user.full_name,
            "expires_in_minutes": ttl.num_minutes(),
        }),
    );
    comms::email::enqueue_in(&txn, tenant, &job).await?;
    txn.commit().await?;
    identity.jobs().notify_committed();
    tracing::info!(user_id = %user.id, "OTP sent");
    Ok(())
}

/// Checks a code and signs the user in. Wrong, expired, superseded or exhausted codes all
/// answer 401 `invalid_otp`; each wrong try counts, and the last allowed one kills the code.
pub async fn verify(
    identity: &Identity,
    tenant: &Tenant,
    email: &str,
    code: &str,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    let ctx = identity.ctx();
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(user) = find_by_email(&ctx.db, tenant.id, email).await? else {
        return Err(IdentityError::InvalidOtp);
    };
    let now = Utc::now();
    let txn = ctx.db.begin().await?;
    let Some(row) = otp_codes::Entity::find()
        .filter(otp_codes::Column::UserId.eq(user.id))
        .filter(otp_codes::Column::ConsumedAt.is_null())
        .order_by_desc(otp_codes::Column::CreatedAt)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Err(IdentityError::InvalidOtp);
    };
    let max = i32::try_from(identity.config().auth.otp_max_attempts).unwrap_or(5);
    if row.expires_at <= now || row.attempts >= max {
        return Err(IdentityError::InvalidOtp);
    }
    let matches =
        code.len() == 6 && secrets::ct_eq(&code_hash(ctx, row.id, &code)?, &row.code_hash);
    if !matches {
        let attempts = row.attempts + 1;
        let mut update = otp_codes::Entity::update_many()
            .col_expr(otp_codes::Column::Attempts, Expr::value(attempts))
            .filter(otp_codes::Column::Id.eq(row.id));
        if attempts >= max {
            update = update.col_expr(otp_codes::Column::ConsumedAt, Expr::value(now));
        }
        update.exec(&txn).await?;
        txn.commit().await?;
        return Err(IdentityError::InvalidOtp);
    }
    otp_codes::Entity::update_many()
        .col_expr(otp_codes::Column::ConsumedAt, Expr::value(now))
        .filter(otp_codes::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    if user.email_verified_at.is_none() {
        users::Entity::update_many()
            .col_expr(users::Column::EmailVerifiedAt, Expr::value(now))
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
    }
    let session = sessions::start(&txn, identity, &user, tenant, meta).await?;
    txn.commit().await?;
    Ok(session)
}
