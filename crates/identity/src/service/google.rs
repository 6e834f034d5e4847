//! Sign-in with Google: OAuth 2.0 authorization code flow with PKCE (S256) and `state`.
//!
//! `start` keeps `{verifier, platform, redirect_to}` in Redis under a random `state` for ten
//! minutes and returns the consent URL. `callback` takes the state back (once: `GETDEL`),
//! exchanges the code with the verifier at `GOOGLE_TOKEN_URL`, reads `GOOGLE_USERINFO_URL`,
//! and links the Google account to the user with that verified email on the platform the
//! flow started on, or creates one. All three URLs are configurable so tests use wiremock.

use std::time::Duration;

use chrono::Utc;
use kernel::{AppError, Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::{
    Identity,
    config::GoogleConfig,
    dto::{GoogleCallback, GoogleSession},
    entities::{oauth_identities, users},
    error::{IdentityError, IdentityResult},
    service::{
        accounts,
        audit::{self, Audit},
        directory, secrets,
        sessions::{self, ClientMeta},
        users::{NewUser, find_by_email, insert},
    },
};

/// How long a started sign-in may take.
pub const STATE_TTL: Duration = Duration::from_secs(600);
const PROVIDER: &str = "google";

/// What `start` remembers for `callback`.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    verifier: String,
    platform: String,
    redirect_to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
}

#[derive(Debug, Deserialize)]
struct UserInfo {
    sub: String,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    name: Option<String>,
}

impl UserInfo {
    /// Google sends a boolean; some proxies send "true".
    fn verified(&self) -> bool {
        match &self.email_verified {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s == "true",
            _ => false,
        }
    }
}

fn configured(cfg: &GoogleConfig) -> IdentityResult<(&str, &str)> {
    match (&cfg.client_id, &cfg.client_secret) {
        (Some(id), Some(secret)) => Ok((id.as_str(), secret.expose_secret())),
        _ => Err(AppError::provider_not_configured("Google sign-in").into()),
    }
}

fn state_key(identity: &Identity, state: &str) -> String {
    identity
        .ctx()
        .redis_key(&format!("identity:oauth:google:{state}"))
}

/// Starts a sign-in on `tenant`; returns the URL to send the browser to.
pub async fn start(
    identity: &Identity,
    tenant: &Tenant,
    redirect_to: Option<String>,
) -> IdentityResult<String> {
    let cfg = &identity.config().google;
    let (client_id, _) = configured(cfg)?;
    let state = secrets::random_url_token()?;
    let verifier = secrets::random_url_token()?;
    let pending = serde_json::to_string(&Pending {
        verifier: verifier.clone(),
        platform: tenant.slug.clone(),
        redirect_to,
    })
    .map_err(|e| anyhow::anyhow!("serializing OAuth state: {e}"))?;
    let mut conn = identity.ctx().redis.get().await?;
    redis::cmd("SET")
        .arg(state_key(identity, &state))
        .arg(pending)
        .arg("EX")
        .arg(STATE_TTL.as_secs())
        .query_async::<()>(&mut conn)
        .await?;
    let url = reqwest::Url::parse_with_params(
        &cfg.auth_url,
        &[
            ("client_id", client_id),
            ("redirect_uri", cfg.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", "openid email profile"),
            ("state", state.as_str()),
            (
                "code_challenge",
                secrets::pkce_challenge(&verifier).as_str(),
            ),
            ("code_challenge_method", "S256"),
            ("prompt", "select_account"),
        ],
    )
    .map_err(|e| anyhow::anyhow!("GOOGLE_AUTH_URL is not a URL: {e}"))?;
    Ok(url.into())
}

async fn take_state(identity: &Identity, state: &str) -> IdentityResult<Pending> {
    let mut conn = identity.ctx().redis.get().await?;
    let raw: Option<String> = redis::cmd("GETDEL")
        .arg(state_key(identity, state))
        .query_async(&mut conn)
        .await?;
    raw.and_then(|r| serde_json::from_str(&r).ok())
        .ok_or(IdentityError::InvalidOAuthState)
}

async fn exchange(identity: &Identity, code: &str, verifier: &str) -> IdentityResult<String> {
    let cfg = &identity.config().google;
    let (client_id, client_secret) = configured(cfg)?;
    let res = identity
        .http()
        .post(&cfg.token_url)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("redirect_uri", cfg.redirect_uri.as_str()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(|e| IdentityError::Provider(format!("token endpoint unreachable: {e}")))?;
    let status = res.status();
    if status.as_u16() == 400 || status.as_u16() == 401 {
        tracing::info!(%status, "Google refused the authorization code");
        return Err(IdentityError::InvalidOAuthCode);
    }
    if !status.is_success() {
        return Err(IdentityError::Provider(format!(
            "token endpoint answered {status}"
        )));
    }
    let answer: TokenAnswer = res
        .json()
        .await
        .map_err(|e| IdentityError::Provider(format!("token endpoint answer: {e}")))?;
    Ok(answer.access_token)
}

async fn userinfo(identity: &Identity, access_token: &str) -> IdentityResult<UserInfo> {
    let cfg = &identity.config().google;
    let res = identity
        .http()
        .get(&cfg.userinfo_url)
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|e| IdentityError::Provider(format!("userinfo unreachable: {e}")))?;
    if !res.status().is_success() {
        return Err(IdentityError::Provider(format!(
            "userinfo answered {}",
            res.status()
        )));
    }
    res.json()
        .await
        .map_err(|e| IdentityError::Provider(format!("userinfo answer: {e}")))
}

/// Finishes a sign-in: the session, where the frontend wanted to go, and whether the
/// account was created.
pub async fn callback(
    identity: &Identity,
    query: GoogleCallback,
    meta: &ClientMeta,
) -> IdentityResult<GoogleSession> {
    let ctx = identity.ctx();
    configured(&identity.config().google)?;
    let state = query.state.ok_or(IdentityError::InvalidOAuthState)?;
    let pending = take_state(identity, &state).await?;
    if let Some(error) = query.error {
        tracing::info!(%error, "Google sign-in declined or failed");
        return Err(IdentityError::InvalidOAuthCode);
    }
    let code = query.code.ok_or(IdentityError::InvalidOAuthCode)?;
    let tenant = ctx
        .tenants
        .resolve(&ctx.db, Some(&pending.platform))
        .await?;
    let access_token = exchange(identity, &code, &pending.verifier).await?;
    let info = userinfo(identity, &access_token).await?;
    let email = match &info.email {
        Some(email) if info.verified() => email.clone(),
        _ => return Err(IdentityError::EmailNotVerified),
    };

    let txn = ctx.db.begin().await?;
    let linked = oauth_identities::Entity::find()
        .filter(oauth_identities::Column::PlatformId.eq(tenant.id))
        .filter(oauth_identities::Column::Provider.eq(PROVIDER))
        .filter(oauth_identities::Column::Subject.eq(info.sub.clone()))
        .one(&txn)
        .await?;
    let (user, created) = match linked {
        Some(link) => {
            let user = users::Entity::find_by_id(link.user_id)
                .one(&txn)
                .await?
                .ok_or_else(|| anyhow::anyhow!("oauth identity {} has no user", link.id))?;
            (user, false)
        }
        None => {
            let (user, created) = match find_by_email(&txn, tenant.id, &email).await? {
                // an account whose email was never verified may have been registered by
                // someone else with this address (pre-hijacking): Google proves who owns the
                // address, so that someone loses the password and every session
                Some(user) if user.email_verified_at.is_none() => {
                    (disown_unverified(&txn, &tenant, user).await?, false)
                }
                Some(user) => (user, false),
                None => {
                    let name = info
                        .name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| email.split('@').next().unwrap_or("User").to_owned());
                    let mut new = NewUser::new(tenant.id, &email, &name);
                    new.email_verified = true;
                    (insert(&txn, new).await?, true)
                }
            };
            oauth_identities::Entity::insert(oauth_identities::ActiveModel {
                id: Set(kernel::ids::new_id()),
                user_id: Set(user.id),
                platform_id: Set(tenant.id),
                provider: Set(PROVIDER.to_owned()),
                subject: Set(info.sub.clone()),
                email: Set(Some(email.to_lowercase())),
                created_at: Set(Utc::now()),
            })
            .exec_without_returning(&txn)
            .await
            .map_err(|e| {
                AppError::on_unique(
                    e,
                    &crate::error::codes::OAUTH_ACCOUNT_LINKED,
                    "google",
                    "this account is already linked to another Google account",
                )
            })?;
            (user, created)
        }
    };
    if user.email_verified_at.is_none() {
        users::Entity::update_many()
            .col_expr(users::Column::EmailVerifiedAt, Expr::value(Utc::now()))
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
    }
    let session = sessions::start(&txn, identity, &user, &tenant, meta).await?;
    txn.commit().await?;
    // role, suspension and token cut-off are cached per user: drop the entry
    directory::invalidate(ctx, user.id).await;
    tracing::info!(user_id = %user.id, created, platform = %tenant.slug, "signed in with Google");
    Ok(GoogleSession {
        session,
        redirect_to: pending.redirect_to,
        created,
    })
}

/// Takes an unverified account away from whoever set its password: the password is removed,
/// every refresh token revoked and every access token issued before now refused (the
/// owner of the address sets a password later through a reset link). Audited.
async fn disown_unverified<C: sea_orm::ConnectionTrait>(
    txn: &C,
    tenant: &kernel::Tenant,
    user: users::Model,
) -> IdentityResult<users::Model> {
    let had_password = user.password_hash.is_some();
    let user_id = user.id;
    let user = accounts::replace_password(txn, user, None).await?;
    let revoked = sessions::revoke_all(txn, user_id).await?;
    audit::record(
        txn,
        Audit::new(
            tenant.id,
            Some(user_id),
            "user.unverified_account_claimed",
            "user",
            user_id,
        )
        .change(
            serde_json::json!({"has_password": had_password, "email_verified": false}),
            serde_json::json!({"has_password": false, "email_verified": true,
                               "sessions_revoked": revoked, "by": "google"}),
        ),
    )
    .await?;
    tracing::warn!(%user_id, revoked, "an unverified account was claimed through Google: password and sessions removed");
    Ok(user)
}
