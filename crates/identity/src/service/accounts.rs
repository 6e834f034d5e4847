//! Password accounts: signup, login, the caller's profile and password change.

use chrono::Utc;
use kernel::{AppContext, Tenant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, TransactionTrait};
use uuid::Uuid;

use crate::{
    Identity,
    dto::{AuthResponse, SignupRequest, UpdateMeRequest},
    entities::users,
    error::{IdentityError, IdentityResult},
    service::{
        audit::{self, Audit},
        directory,
        passwords::check_strength,
        sessions::{self, ClientMeta},
        users::{NewUser, find_by_email, find_in, insert, normalize_email, normalize_phone},
    },
};

/// Creates a USER on the tenant and signs them in.
pub async fn signup(
    identity: &Identity,
    tenant: &Tenant,
    body: SignupRequest,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    let ctx = identity.ctx();
    check_strength("password", &body.password, &body.email, &body.full_name)?;
    if find_by_email(&ctx.db, tenant.id, &body.email)
        .await?
        .is_some()
    {
        return Err(IdentityError::EmailTaken);
    }
    let hash = identity.passwords().hash(body.password).await?;
    let txn = ctx.db.begin().await?;
    let mut new = NewUser::new(tenant.id, &body.email, &body.full_name);
    new.phone = body.phone;
    new.password_hash = Some(hash);
    let user = insert(&txn, new).await?;
    let session = sessions::start(&txn, identity, &user, tenant, meta).await?;
    txn.commit().await?;
    tracing::info!(user_id = %user.id, platform = %tenant.slug, "signed up");
    Ok(session)
}

/// The user of `tenant` with this email and password. Unknown email and wrong password
/// answer the same and cost the same (one argon2 verification either way).
async fn verify_password(
    identity: &Identity,
    tenant: &Tenant,
    email: &str,
    password: String,
) -> IdentityResult<users::Model> {
    let ctx = identity.ctx();
    let user = find_by_email(&ctx.db, tenant.id, &normalize_email(email)).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = identity.passwords().verify(password, hash).await?;
    user.filter(|_| ok).ok_or(IdentityError::InvalidCredentials)
}

/// Signs in with email and password. Unknown email and wrong password answer the same and
/// cost the same (one argon2 verification either way).
pub async fn login(
    identity: &Identity,
    tenant: &Tenant,
    email: &str,
    password: String,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    let user = verify_password(identity, tenant, email, password).await?;
    sessions::start(&identity.ctx().db, identity, &user, tenant, meta).await
}

/// Signs in to a server-rendered page (the queue dashboard) with email and password: the
/// checks of [`login`], but only an access token (no refresh-token family: the page signs in
/// again when the token expires).
pub async fn page_login(
    identity: &Identity,
    tenant: &Tenant,
    email: &str,
    password: String,
) -> IdentityResult<String> {
    let user = verify_password(identity, tenant, email, password).await?;
    sessions::start_page(&identity.ctx().db, identity, &user, tenant).await
}

/// The caller's directory entry (email and name as stored; the in-process copy when fresh,
/// ADR 0083).
pub async fn me(
    identity: &Identity,
    tenant: &Tenant,
    user_id: Uuid,
) -> IdentityResult<std::sync::Arc<kernel::user_cache::DirectoryEntry>> {
    identity
        .users()
        .entry_in(user_id, tenant)
        .await?
        .ok_or_else(|| IdentityError::NotFound(format!("no user {user_id}")))
}

/// Changes the caller's name or phone.
pub async fn update_me(
    ctx: &AppContext,
    tenant: &Tenant,
    user_id: Uuid,
    body: UpdateMeRequest,
) -> IdentityResult<users::Model> {
    let user = find_in(&ctx.db, tenant, user_id).await?;
    let mut active = user.into_active_model();
    if let Some(name) = body.full_name {
        active.full_name = Set(name.trim().to_owned());
    }
    match body.phone.as_deref() {
        None => {}
        Some("") => active.phone = Set(None),
        Some(phone) => active.phone = Set(Some(normalize_phone(phone))),
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&ctx.db).await?;
    directory::invalidate(ctx, user_id).await;
    Ok(updated)
}

/// Changes the caller's password: every other session ends (all refresh families revoked,
/// access tokens issued before now refused) and a fresh session is returned.
pub async fn change_password(
    identity: &Identity,
    tenant: &Tenant,
    user_id: Uuid,
    current: String,
    new_password: String,
    meta: &ClientMeta,
) -> IdentityResult<AuthResponse> {
    let ctx = identity.ctx();
    let user = find_in(&ctx.db, tenant, user_id).await?;
    check_strength("new_password", &new_password, &user.email, &user.full_name)?;
    if user.password_hash.is_some() {
        let ok = identity
            .passwords()
            .verify(current, user.password_hash.clone())
            .await?;
        if !ok {
            return Err(IdentityError::InvalidCredentials);
        }
    }
    let hash = identity.passwords().hash(new_password).await?;
    let txn = ctx.db.begin().await?;
    let user = set_password(&txn, user, hash).await?;
    sessions::revoke_all(&txn, user.id).await?;
    audit::record(
        &txn,
        Audit::new(
            tenant.id,
            Some(user.id),
            "user.password_changed",
            "user",
            user.id,
        ),
    )
    .await?;
    let session = sessions::start(&txn, identity, &user, tenant, meta).await?;
    txn.commit().await?;
    directory::invalidate(ctx, user.id).await;
    Ok(session)
}

/// Stores a new password hash and cuts off the access tokens issued before now.
pub async fn set_password<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user: users::Model,
    hash: String,
) -> IdentityResult<users::Model> {
    replace_password(conn, user, Some(hash)).await
}

/// Replaces the password hash (`None`: the account has no password until a reset sets one)
/// and refuses every access token issued before this second.
pub async fn replace_password<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user: users::Model,
    hash: Option<String>,
) -> IdentityResult<users::Model> {
    let now = Utc::now();
    // Tokens issued in this very second stay valid (iat has one-second resolution); the
    // cut-off is the start of the second, so the session returned alongside survives.
    let cutoff = chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.tokens_valid_after = Set(Some(cutoff));
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}
