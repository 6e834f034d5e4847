//! Google Calendar for mentors: the OAuth code exchange of the connect flow, refreshing an
//! access token from a stored refresh token, and inserting and deleting events on the
//! mentor's primary calendar. The token URL and the API base are configurable
//! (`GOOGLE_TOKEN_URL`, `GOOGLE_CALENDAR_API_BASE`) so tests point them at wiremock.
//!
//! Inserting is made idempotent by the caller's event id ([`event_id_for`]): Google answers
//! 409 to a second insert with the same id, which [`GoogleCalendar::insert_event`] reports as
//! [`Inserted::AlreadyExists`]. Deleting a gone event (404/410) is [`Deleted::Gone`].

mod oauth;
mod seal;

use chrono::{DateTime, Utc};
use kernel::config::{ConfigError, Env};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;

use crate::{
    google_oauth::{Endpoints, GoogleOAuth},
    provider::{ProviderError, read_json},
};

pub use oauth::Grant;
pub use seal::{SealError, TokenSeal};

const PROVIDER: &str = "Google Calendar";
/// The OAuth scope the connect flow asks for.
pub const SCOPE: &str = "https://www.googleapis.com/auth/calendar.events";
/// The calendar events go to.
pub const PRIMARY: &str = "primary";

/// The OAuth client and API endpoints of the calendar client: the deployment's Google OAuth
/// client (the same `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET` as Google sign-in) and the
/// Calendar API.
#[derive(Clone)]
pub struct GoogleCalendarConfig {
    /// `GOOGLE_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `GOOGLE_CLIENT_SECRET`.
    pub client_secret: Option<SecretString>,
    /// `GOOGLE_AUTH_URL`: the consent page.
    pub auth_url: String,
    /// `GOOGLE_TOKEN_URL`: the code exchange and refresh endpoint.
    pub token_url: String,
    /// `GOOGLE_CALENDAR_API_BASE`: the Calendar API (default
    /// `https://www.googleapis.com/calendar/v3`).
    pub api_base: String,
}

impl GoogleCalendarConfig {
    /// Reads `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`, `GOOGLE_AUTH_URL`, `GOOGLE_TOKEN_URL`
    /// and `GOOGLE_CALENDAR_API_BASE`.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            client_id: env.get("GOOGLE_CLIENT_ID"),
            client_secret: env.secret("GOOGLE_CLIENT_SECRET")?,
            auth_url: env
                .get("GOOGLE_AUTH_URL")
                .unwrap_or_else(|| "https://accounts.google.com/o/oauth2/v2/auth".into()),
            token_url: env
                .get("GOOGLE_TOKEN_URL")
                .unwrap_or_else(|| "https://oauth2.googleapis.com/token".into()),
            api_base: env.url(
                "GOOGLE_CALENDAR_API_BASE",
                "https://www.googleapis.com/calendar/v3",
            ),
        })
    }

    /// Whether the client can run.
    pub fn configured(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }
}

impl std::fmt::Debug for GoogleCalendarConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleCalendarConfig")
            .field("client_id", &self.client_id)
            .field("configured", &self.configured())
            .field("token_url", &self.token_url)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// The Google Calendar client of a deployment with Google OAuth credentials.
#[derive(Clone)]
pub struct GoogleCalendar {
    http: reqwest::Client,
    oauth: GoogleOAuth,
    api_base: String,
}

impl std::fmt::Debug for GoogleCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleCalendar")
            .field("oauth", &self.oauth)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// An event to insert.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Our id for it ([`event_id_for`]).
    pub id: String,
    /// Title.
    pub summary: String,
    /// Description (the meeting link).
    pub description: String,
    /// Where (the meeting link).
    pub location: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Guests by email.
    pub attendees: Vec<String>,
}

/// How an insert went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Created now, with Google's event id.
    Created(String),
    /// An event with this id exists already (an earlier attempt created it).
    AlreadyExists,
}

/// How a delete went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Deleted now.
    Deleted,
    /// Not there (never created, or deleted before).
    Gone,
}

/// A deterministic event id for a meeting: Google accepts ids of 5-1024 characters of
/// base32hex (`0-9a-v`); a UUID's lowercase hex digits are a subset.
pub fn event_id_for(meeting_id: Uuid) -> String {
    format!("mas{}", meeting_id.simple())
}

fn transport(e: reqwest::Error) -> ProviderError {
    ProviderError::transport(PROVIDER, e)
}

impl GoogleCalendar {
    /// The client, or `None` without `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET`.
    pub fn from_config(config: &GoogleCalendarConfig, http: reqwest::Client) -> Option<Self> {
        let oauth = GoogleOAuth::new(
            PROVIDER,
            http.clone(),
            config.client_id.clone(),
            config.client_secret.clone(),
            Endpoints {
                auth_url: config.auth_url.clone(),
                token_url: config.token_url.clone(),
                revoke_url: crate::google_oauth::DEFAULT_REVOKE_URL.into(),
            },
        )?;
        Some(Self {
            http,
            oauth,
            api_base: config.api_base.clone(),
        })
    }

    /// Inserts `event` on `calendar`, inviting the attendees (`sendUpdates=all`).
    pub async fn insert_event(
        &self,
        access_token: &SecretString,
        calendar: &str,
        event: &NewEvent,
    ) -> Result<Inserted, ProviderError> {
        let attendees: Vec<_> = event
            .attendees
            .iter()
            .map(|email| json!({"email": email}))
            .collect();
        let res = self
            .http
            .post(format!("{}/calendars/{calendar}/events", self.api_base))
            .query(&[("sendUpdates", "all")])
            .bearer_auth(access_token.expose_secret())
            .json(&json!({
                "id": event.id,
                "summary": event.summary,
                "description": event.description,
                "location": event.location,
                "start": {"dateTime": event.starts_at.to_rfc3339(), "timeZone": "UTC"},
                "end": {"dateTime": event.ends_at.to_rfc3339(), "timeZone": "UTC"},
                "attendees": attendees,
            }))
            .send()
            .await
            .map_err(transport)?;
        if res.status().as_u16() == 409 {
            return Ok(Inserted::AlreadyExists);
        }
        let body = read_json(PROVIDER, res, "/error/message").await?;
        let id = body
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or(&event.id)
            .to_owned();
        Ok(Inserted::Created(id))
    }

    /// Moves an event to new times, notifying the attendees.
    pub async fn move_event(
        &self,
        access_token: &SecretString,
        calendar: &str,
        event_id: &str,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<(), ProviderError> {
        let res = self
            .http
            .patch(format!(
                "{}/calendars/{calendar}/events/{event_id}",
                self.api_base
            ))
            .query(&[("sendUpdates", "all")])
            .bearer_auth(access_token.expose_secret())
            .json(&json!({
                "start": {"dateTime": starts_at.to_rfc3339(), "timeZone": "UTC"},
                "end": {"dateTime": ends_at.to_rfc3339(), "timeZone": "UTC"},
            }))
            .send()
            .await
            .map_err(transport)?;
        read_json(PROVIDER, res, "/error/message").await.map(|_| ())
    }

    /// Deletes an event, notifying the attendees.
    pub async fn delete_event(
        &self,
        access_token: &SecretString,
        calendar: &str,
        event_id: &str,
    ) -> Result<Deleted, ProviderError> {
        let res = self
            .http
            .delete(format!(
                "{}/calendars/{calendar}/events/{event_id}",
                self.api_base
            ))
            .query(&[("sendUpdates", "all")])
            .bearer_auth(access_token.expose_secret())
            .send()
            .await
            .map_err(transport)?;
        match res.status().as_u16() {
            200..=299 => Ok(Deleted::Deleted),
            404 | 410 => Ok(Deleted::Gone),
            _ => read_json(PROVIDER, res, "/error/message")
                .await
                .map(|_| Deleted::Deleted),
        }
    }
}

#[cfg(test)]
mod tests;
