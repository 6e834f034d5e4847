//! Connecting a mentor's Google Calendar: OAuth 2.0 authorization code flow with PKCE (S256)
//! and a single-use `state` kept in Redis for ten minutes, bound to the user and platform
//! that started it (the shared `integrations::google_oauth::pkce` store, also used by
//! Drive). The callback exchanges the code at `GOOGLE_TOKEN_URL`, checks the
//! `calendar.events` scope was granted, and stores the refresh token sealed ([`TokenSeal`],
//! bound to the user id). Tokens are never logged nor answered.

use std::sync::Arc;

use chrono::Utc;
use integrations::{
    google_calendar::{self, GoogleCalendar, TokenSeal},
    google_oauth::pkce::{self, Pending},
};
use kernel::{AppContext, AppError, auth::AuthUser, error::codes};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};
use secrecy::SecretString;
use uuid::Uuid;

use crate::{
    MentorshipConfig,
    dto::calendar::{CalendarCallback, CalendarConnect, CalendarStatus},
    entities::google_calendar_connections as connections,
    error::MentorshipError,
};

/// How long a started connection may take.
pub const STATE_TTL: std::time::Duration = pkce::STATE_TTL;

/// The crate's Google Calendar state: the client (none without Google credentials) and the
/// seal of stored refresh tokens. Cheap to clone.
#[derive(Clone)]
pub struct Calendar {
    /// The client, when `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET` are set.
    pub google: Option<GoogleCalendar>,
    /// Seals and opens stored refresh tokens.
    pub seal: Arc<TokenSeal>,
    /// `GOOGLE_CALENDAR_REDIRECT_URI`.
    redirect_uri: String,
    ctx: AppContext,
}

/// The shared PKCE store's purpose of this flow.
const PURPOSE: &str = "google-calendar";

impl Calendar {
    /// Builds the client and the seal from the crate's configuration section.
    pub fn new(ctx: &AppContext, config: &MentorshipConfig) -> anyhow::Result<Self> {
        let google = GoogleCalendar::from_config(&config.google, integrations::http_client()?);
        let seal = TokenSeal::new(&config.calendar_token_key)?;
        Ok(Self {
            google,
            seal: Arc::new(seal),
            redirect_uri: config.calendar_redirect_uri.clone(),
            ctx: ctx.clone(),
        })
    }

    /// The client, or 503 `provider_not_configured`.
    pub fn client(&self) -> Result<&GoogleCalendar, MentorshipError> {
        self.google.as_ref().ok_or_else(|| {
            MentorshipError::App(AppError::provider_not_configured("Google Calendar"))
        })
    }

    /// The shared application context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }
}

fn app(e: impl Into<AppError>) -> MentorshipError {
    MentorshipError::App(e.into())
}

/// Starts connecting the caller's calendar; returns Google's consent URL.
pub async fn connect(cal: &Calendar, user: &AuthUser) -> Result<CalendarConnect, MentorshipError> {
    let google = cal.client()?;
    let started = pkce::begin(&cal.ctx, PURPOSE, user.tenant.id, user.id)
        .await
        .map_err(app)?;
    let authorization_url = google
        .consent_url(&cal.redirect_uri, &started.state, &started.challenge)
        .map_err(app)?;
    Ok(CalendarConnect { authorization_url })
}

async fn take_state(cal: &Calendar, state: &str) -> Result<Pending, MentorshipError> {
    pkce::take(&cal.ctx, PURPOSE, state)
        .await
        .map_err(app)?
        .ok_or_else(|| {
            app(AppError::new(
                &codes::INVALID_OAUTH_STATE,
                "the connection was not started here, has expired or was used",
            ))
        })
}

fn refused() -> MentorshipError {
    app(AppError::new(
        &codes::INVALID_OAUTH_CODE,
        "Google refused the authorization code",
    ))
}

/// Finishes connecting: exchanges the code, checks the scope, stores the sealed refresh
/// token for the user and platform the state was issued to (reconnecting replaces it).
pub async fn callback(
    cal: &Calendar,
    query: CalendarCallback,
) -> Result<CalendarStatus, MentorshipError> {
    let google = cal.client()?;
    let state = query.state.ok_or_else(|| {
        app(AppError::new(
            &codes::INVALID_OAUTH_STATE,
            "state is missing",
        ))
    })?;
    let pending = take_state(cal, &state).await?;
    if let Some(error) = query.error {
        tracing::info!(%error, "Google Calendar connection declined or failed");
        return Err(refused());
    }
    let code = query.code.ok_or_else(refused)?;
    let redirect = &cal.redirect_uri;
    let grant = match google
        .exchange_code(&code, &pending.verifier, redirect)
        .await
    {
        Ok(grant) => grant,
        Err(integrations::provider::ProviderError::Status { status, .. })
            if status == 400 || status == 401 =>
        {
            return Err(refused());
        }
        Err(e) => return Err(app(e)),
    };
    if !grant
        .scope
        .split_whitespace()
        .any(|s| s == google_calendar::SCOPE)
    {
        return Err(MentorshipError::CalendarScopeNotGranted);
    }
    let refresh: SecretString = grant.refresh_token.ok_or_else(|| {
        app(AppError::new(
            &codes::BAD_GATEWAY,
            "Google sent no refresh token",
        ))
    })?;
    let sealed = cal
        .seal
        .seal(&refresh, &pending.user_id.to_string())
        .map_err(|e| app(anyhow::Error::new(e)))?;
    let now = Utc::now();
    connections::Entity::insert(connections::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(pending.platform_id),
        user_id: Set(pending.user_id),
        refresh_token_sealed: Set(sealed),
        scope: Set(grant.scope.clone()),
        connected_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(connections::Column::UserId)
            .update_columns([
                connections::Column::RefreshTokenSealed,
                connections::Column::Scope,
                connections::Column::ConnectedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&cal.ctx.db)
    .await?;
    tracing::info!(user_id = %pending.user_id, platform_id = %pending.platform_id, "Google Calendar connected");
    Ok(CalendarStatus {
        connected: true,
        scope: Some(grant.scope),
        connected_at: Some(now),
    })
}

/// The user's connection on the platform, if any.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<connections::Model>, MentorshipError> {
    Ok(connections::Entity::find()
        .filter(connections::Column::PlatformId.eq(platform_id))
        .filter(connections::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Whether the user's calendar is connected.
pub async fn status<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<CalendarStatus, MentorshipError> {
    let found = find(conn, platform_id, user_id).await?;
    Ok(CalendarStatus {
        connected: found.is_some(),
        scope: found.as_ref().map(|c| c.scope.clone()),
        connected_at: found.map(|c| c.connected_at),
    })
}

/// Forgets the user's connection (events already created stay on the calendar). Returns
/// whether there was one.
pub async fn disconnect<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<bool, MentorshipError> {
    let res = connections::Entity::delete_many()
        .filter(connections::Column::PlatformId.eq(platform_id))
        .filter(connections::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(res.rows_affected > 0)
}
