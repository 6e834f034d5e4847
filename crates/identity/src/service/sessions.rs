//! Sessions: a short-lived JWT access token plus an opaque refresh token (ADR 0014).
//!
//! A sign-in starts a refresh-token *family*. Each refresh spends the presented token and
//! issues its successor in the same family. A spent token presented again means two parties
//! hold the family (one of them stole it): the whole family is revoked and the answer is
//! 401 `refresh_token_reused`. Logout revokes the family; a password reset or suspension
//! revokes every family of the user.

use chrono::Utc;
use kernel::{AppContext, Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    Identity,
    dto::{AuthResponse, UserDto},
    entities::{
        refresh_tokens,
        users::{self, UserStatus},
    },
    error::{IdentityError, IdentityResult},
    service::{
        secrets,
        users::{caps_of, role_of},
    },
};

/// Where a session was opened from (kept with its refresh tokens).
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    /// Client IP.
    pub ip: Option<String>,
    /// `User-Agent`, truncated.
    pub user_agent: Option<String>,
}

/// A signed access token for `user` on `tenant`, with its current role and capabilities.
pub fn access_token(
    identity: &Identity,
    user: &users::Model,
    tenant: &Tenant,
) -> IdentityResult<String> {
    let ttl = i64::try_from(identity.config().auth.access_token_ttl.as_secs()).unwrap_or(900);
    Ok(identity
        .ctx()
        .jwt
        .issue(user.id, role_of(user), caps_of(user), &tenant.slug, ttl)?)
}

async fn insert_refresh<C: ConnectionTrait>(
    conn: &C,
    identity: &Identity,
    user: &users::Model,
    family_id: Uuid,
    meta: &ClientMeta,
) -> IdentityResult<(Uuid, String)> {
    let raw = secrets::random_token()?;
    let id = kernel::ids::new_id();
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(identity.config().auth.refresh_token_ttl)
        .map_err(|e| anyhow::anyhow!("REFRESH_TOKEN_TTL_SECS: {e}"))?;
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        id: Set(id),
        family_id: Set(family_id),
        user_id: Set(user.id),
        platform_id: Set(user.platform_id),
        token_hash: Set(secrets::sha256(raw.as_bytes())),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
        replaced_by: Set(None),
        user_agent: Set(meta.user_agent.clone()),
        ip: Set(meta.ip.clone()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok((id, raw))
}

fn response(
    identity: &Identity,
    user: &users::Model,
    tenant: &Tenant,
    refresh_token: String,
) -> IdentityResult<AuthResponse> {
    Ok(AuthResponse {
        user: UserDto::from(user),
        access_token: access_token(identity, user, tenant)?,
        refresh_token,
        expires_in: identity.config().auth.access_token_ttl.as_secs(),
    })
}

/// Opens a session for `user` (already authenticated): a new family, and `last_login_at`.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    identity: &Identity,
    user: &users::Model,
    tenant: &Tenant,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    if user.status != UserStatus::Active {
        return Err(IdentityError::AccountSuspended);
    }
    let (_, raw) = insert_refresh(conn, identity, user, kernel::ids::new_id(), meta).await?;
    touch_last_login(conn, user.id).await?;
    response(identity, user, tenant, raw)
}

/// Signs `user` (already authenticated) in to a server-rendered page: an access token only,
/// no refresh-token family; and `last_login_at`.
pub async fn start_page<C: ConnectionTrait>(
    conn: &C,
    identity: &Identity,
    user: &users::Model,
    tenant: &Tenant,
) -> IdentityResult<String> {
    if user.status != UserStatus::Active {
        return Err(IdentityError::AccountSuspended);
    }
    touch_last_login(conn, user.id).await?;
    access_token(identity, user, tenant)
}

async fn touch_last_login<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> IdentityResult<()> {
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for a new pair (rotation with reuse detection).
pub async fn refresh(
    identity: &Identity,
    tenant: &Tenant,
    raw: &str,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    let hash = secrets::sha256(raw.trim().as_bytes());
    let txn = identity.ctx().db.begin().await?;
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .lock_exclusive()
        .one(&txn)
        .await?;
    let Some(row) = row.filter(|r| r.platform_id == tenant.id) else {
        return Err(IdentityError::InvalidRefreshToken("unknown"));
    };
    if row.used_at.is_some() {
        let revoked = revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(
            user_id = %row.user_id,
            family_id = %row.family_id,
            revoked,
            "refresh token reused: family revoked"
        );
        return Err(IdentityError::RefreshTokenReused);
    }
    if row.revoked_at.is_some() {
        return Err(IdentityError::InvalidRefreshToken("revoked"));
    }
    if row.expires_at <= Utc::now() {
        return Err(IdentityError::InvalidRefreshToken("expired"));
    }
    let user = users::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or(IdentityError::InvalidRefreshToken("unknown"))?;
    if user.status != UserStatus::Active {
        revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        return Err(IdentityError::AccountSuspended);
    }
    let (next_id, next_raw) = insert_refresh(&txn, identity, &user, row.family_id, meta).await?;
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .col_expr(refresh_tokens::Column::ReplacedBy, Expr::value(next_id))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    response(identity, &user, tenant, next_raw)
}

/// Revokes the family of a refresh token. Unknown tokens are ignored (logout is idempotent
/// and says nothing about tokens).
pub async fn logout(ctx: &AppContext, tenant: &Tenant, raw: &str) -> IdentityResult<()> {
    let hash = secrets::sha256(raw.trim().as_bytes());
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .filter(refresh_tokens::Column::PlatformId.eq(tenant.id))
        .one(&ctx.db)
        .await?;
    if let Some(row) = row {
        revoke_family(&ctx.db, row.family_id).await?;
    }
    Ok(())
}

/// Revokes every live token of a family; returns how many.
pub async fn revoke_family<C: ConnectionTrait>(conn: &C, family_id: Uuid) -> IdentityResult<u64> {
    let res = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}

/// Revokes every live token of a user (password reset, suspension); returns how many.
pub async fn revoke_all<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> IdentityResult<u64> {
    let res = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}
