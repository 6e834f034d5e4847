//! Connecting a user's Google Drive on a platform: OAuth 2.0 authorization code flow with
//! PKCE (S256) and a single-use `state` (the shared [`pkce`] store, bound to the user and
//! platform that started it). The callback exchanges the code, checks `drive.readonly` was
//! granted and stores the refresh token and the first access token sealed (bound to the
//! platform and user). Disconnecting revokes the grant at Google and deletes the row.
//! Tokens are never logged nor answered.

use chrono::{Duration, Utc};
use kernel::{AppError, audit, auth::AuthUser, error::codes as kernel_codes};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::OnConflict,
};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Integrations, IntegrationsError,
    dto::drive::{DriveCallback, DriveConnect, DriveStatus},
    entities::google_drive_connections as connections,
    google_drive::{GoogleDrive, SCOPE},
    google_oauth::pkce,
    provider::ProviderError,
};

/// The `pkce` purpose of this flow.
const PURPOSE: &str = "google-drive";

/// The sealed values' associated data: a sealed token copied to another row does not open.
pub(crate) fn seal_context(platform_id: Uuid, user_id: Uuid, what: &str) -> String {
    format!("google-drive/{platform_id}/{user_id}/{what}")
}

/// The client, or 503 `provider_not_configured`.
pub fn client(state: &Integrations) -> Result<&GoogleDrive, IntegrationsError> {
    state
        .drive
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("Google Drive").into())
}

/// Starts connecting the caller's Drive; returns Google's consent URL.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn connect(
    state: &Integrations,
    user: &AuthUser,
) -> Result<DriveConnect, IntegrationsError> {
    let drive = client(state)?;
    let started = pkce::begin(&state.ctx, PURPOSE, user.tenant.id, user.id).await?;
    let authorization_url = drive.oauth.consent_url(
        SCOPE,
        &drive.redirect_uri,
        &started.state,
        &started.challenge,
    )?;
    Ok(DriveConnect { authorization_url })
}

fn refused() -> IntegrationsError {
    AppError::new(
        &kernel_codes::INVALID_OAUTH_CODE,
        "Google refused the authorization code",
    )
    .into()
}

/// Finishes connecting for `user`: the state must have been issued to them on this platform
/// (it is spent either way), then the code is exchanged (with the PKCE verifier), the scope
/// checked and the sealed tokens stored (reconnecting replaces them).
#[tracing::instrument(skip_all)]
pub async fn callback(
    state: &Integrations,
    user: &AuthUser,
    query: DriveCallback,
) -> Result<DriveStatus, IntegrationsError> {
    let drive = client(state)?;
    let bad_state = || {
        IntegrationsError::from(AppError::new(
            &kernel_codes::INVALID_OAUTH_STATE,
            "the connection was not started here, has expired or was used",
        ))
    };
    let issued = query.state.as_deref().ok_or_else(bad_state)?;
    let pending = pkce::take(&state.ctx, PURPOSE, issued)
        .await?
        .ok_or_else(bad_state)?;
    // someone else's consent (a link the starter sent them) never lands on the starter's
    // account, nor the starter's on another platform's
    if pending.user_id != user.id || pending.platform_id != user.tenant.id {
        tracing::warn!(user = %user.id, "Google Drive callback with a state issued to someone else");
        return Err(bad_state());
    }
    if let Some(error) = query.error {
        tracing::info!(%error, "Google Drive connection declined or failed");
        return Err(refused());
    }
    let code = query.code.ok_or_else(refused)?;
    let grant = match drive
        .oauth
        .exchange_code(&code, &pending.verifier, &drive.redirect_uri)
        .await
    {
        Ok(grant) => grant,
        Err(ProviderError::Status { status, .. }) if status == 400 || status == 401 => {
            return Err(refused());
        }
        Err(e) => return Err(AppError::from(e).into()),
    };
    if !grant.scope.split_whitespace().any(|s| s == SCOPE) {
        return Err(AppError::new(
            &kernel_codes::FORBIDDEN,
            "Google Drive read access was not granted",
        )
        .into());
    }
    let refresh: SecretString = grant
        .refresh_token
        .ok_or_else(|| AppError::new(&kernel_codes::BAD_GATEWAY, "Google sent no refresh token"))?;
    let (platform_id, user_id) = (pending.platform_id, pending.user_id);
    let seal = |token: &SecretString, what: &str| {
        state
            .drive_seal
            .seal(token, &seal_context(platform_id, user_id, what))
            .map_err(anyhow::Error::new)
    };
    let now = Utc::now();
    let txn = state.ctx.db.begin().await?;
    connections::Entity::insert(connections::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        user_id: Set(user_id),
        refresh_token_sealed: Set(seal(&refresh, "refresh")?),
        access_token_sealed: Set(Some(seal(&grant.access_token, "access")?)),
        access_expires_at: Set(Some(now + Duration::seconds(grant.expires_in))),
        scope: Set(grant.scope.clone()),
        connected_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([connections::Column::PlatformId, connections::Column::UserId])
            .update_columns([
                connections::Column::RefreshTokenSealed,
                connections::Column::AccessTokenSealed,
                connections::Column::AccessExpiresAt,
                connections::Column::Scope,
                connections::Column::ConnectedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            platform_id,
            Some(user_id),
            "google_drive.connected",
            "user",
            user_id,
        )
        .after(json!({"scope": grant.scope})),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(%user_id, %platform_id, "Google Drive connected");
    Ok(DriveStatus {
        connected: true,
        scope: Some(grant.scope),
        connected_at: Some(now),
    })
}

/// The user's connection on the platform, if any.
pub async fn find(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<connections::Model>, IntegrationsError> {
    Ok(connections::Entity::find()
        .filter(connections::Column::PlatformId.eq(platform_id))
        .filter(connections::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Whether the user's Drive is connected on the platform.
pub async fn status(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<DriveStatus, IntegrationsError> {
    let found = find(conn, platform_id, user_id).await?;
    Ok(DriveStatus {
        connected: found.is_some(),
        scope: found.as_ref().map(|c| c.scope.clone()),
        connected_at: found.map(|c| c.connected_at),
    })
}

/// Revokes the grant at Google (a failure there is logged; the row goes either way) and
/// forgets the connection. Returns whether there was one.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn disconnect(state: &Integrations, user: &AuthUser) -> Result<bool, IntegrationsError> {
    let drive = client(state)?;
    let Some(row) = find(&state.ctx.db, user.tenant.id, user.id).await? else {
        return Ok(false);
    };
    let context = seal_context(row.platform_id, row.user_id, "refresh");
    match state.drive_seal.open(&row.refresh_token_sealed, &context) {
        Ok(refresh) => {
            if let Err(e) = drive.oauth.revoke(&refresh).await {
                tracing::warn!(error = %e, "revoking the Google Drive grant failed; forgetting it anyway");
            }
        }
        Err(_) => tracing::warn!("a stored Google Drive token does not open; forgetting it"),
    }
    let txn = state.ctx.db.begin().await?;
    connections::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::by(user, "google_drive.disconnected", "user", user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
