//! Forgotten passwords: an emailed single-use link (`{PUBLIC_BASE_URL}/reset-password?token=…`)
//! whose token is stored as SHA-256, valid `PASSWORD_RESET_TTL_SECS`. Using it sets the new
//! password, ends every session (refresh families revoked, older access tokens refused) and
//! proves the email address.

use chrono::Utc;
use comms::{EmailJob, email::Template};
use kernel::{Tenant, text::percent_encode};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
    sea_query::Expr,
};
use serde_json::json;

use crate::{
    Identity,
    entities::{
        password_resets,
        users::{self, UserStatus},
    },
    error::{IdentityError, IdentityResult},
    service::{
        accounts::set_password,
        audit::{self, Audit},
        directory,
        passwords::check_strength,
        secrets, sessions,
        users::find_by_email,
    },
};

/// Emails a reset link if `email` belongs to an active user of the tenant; otherwise does
/// nothing. The caller answers 202 either way.
pub async fn forgot(identity: &Identity, tenant: &Tenant, email: &str) -> IdentityResult<()> {
    let ctx = identity.ctx();
    let Some(user) = find_by_email(&ctx.db, tenant.id, email)
        .await?
        .filter(|u| u.status == UserStatus::Active)
    else {
        tracing::info!(platform = %tenant.slug, "reset requested for an unknown or inactive address");
        return Ok(());
    };
    let token = secrets::random_token()?;
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(identity.config().auth.password_reset_ttl)
        .map_err(|e| anyhow::anyhow!("PASSWORD_RESET_TTL_SECS: {e}"))?;
    let txn = ctx.db.begin().await?;
    password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::UserId.eq(user.id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    password_resets::Entity::insert(password_resets::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        user_id: Set(user.id),
        token_hash: Set(secrets::sha256(token.as_bytes())),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let link = format!(
        "{}/reset-password?token={}",
        ctx.config.public_base_url,
        percent_encode(&token)
    );
    let job = EmailJob::new(
        Template::PasswordReset,
        user.email.clone(),
        json!({
            "reset_url": link,
            "name": user.full_name,
            "expires_in_minutes": ttl.num_minutes(),
        }),
    );
    comms::email::enqueue_in(&txn, tenant, &job).await?;
    txn.commit().await?;
    identity.jobs().notify_committed();
    tracing::info!(user_id = %user.id, "password reset link sent");
    Ok(())
}

/// Sets a new password with a reset token.
pub async fn reset(
    identity: &Identity,
    tenant: &Tenant,
    token: &str,
    password: String,
) -> IdentityResult<()> {
    let ctx = identity.ctx();
    let hash = secrets::sha256(token.trim().as_bytes());
    let find = || {
        password_resets::Entity::find()
            .filter(password_resets::Column::TokenHash.eq(hash.clone()))
            .filter(password_resets::Column::PlatformId.eq(tenant.id))
    };
    let live = |r: &password_resets::Model| r.used_at.is_none() && r.expires_at > Utc::now();
    let row = find()
        .one(&ctx.db)
        .await?
        .filter(live)
        .ok_or(IdentityError::InvalidResetToken)?;
    let user = users::Entity::find_by_id(row.user_id)
        .one(&ctx.db)
        .await?
        .ok_or(IdentityError::InvalidResetToken)?;
    check_strength("password", &password, &user.email, &user.full_name)?;
    let password_hash = identity.passwords().hash(password).await?;

    let txn = ctx.db.begin().await?;
    // Re-read under a lock: two uses of one link race here, and only one wins.
    find()
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(live)
        .ok_or(IdentityError::InvalidResetToken)?;
    let now = Utc::now();
    password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::UserId.eq(user.id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let verified = user.email_verified_at.is_some();
    let user = set_password(&txn, user, password_hash).await?;
    if !verified {
        users::Entity::update_many()
            .col_expr(users::Column::EmailVerifiedAt, Expr::value(now))
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
    }
    let revoked = sessions::revoke_all(&txn, user.id).await?;
    audit::record(
        &txn,
        Audit::new(
            tenant.id,
            Some(user.id),
            "user.password_reset",
            "user",
            user.id,
        ),
    )
    .await?;
    txn.commit().await?;
    directory::invalidate(ctx, user.id).await;
    tracing::info!(user_id = %user.id, revoked, "password reset");
    Ok(())
}
