//! The OAuth side of the Google Calendar client, on the shared [`GoogleOAuth`]
//! (`crate::google_oauth`): the consent URL of the connect flow asking for [`SCOPE`], the
//! authorization code exchange and access tokens from a stored refresh token.

use secrecy::SecretString;

use super::{GoogleCalendar, SCOPE};
use crate::provider::ProviderError;

/// What the token endpoint grants for an authorization code.
#[derive(Debug)]
pub struct Grant {
    /// The refresh token (Google sends it with `access_type=offline` and `prompt=consent`).
    pub refresh_token: Option<SecretString>,
    /// The scopes granted, space separated.
    pub scope: String,
}

impl GoogleCalendar {
    /// Google's consent page asking for [`SCOPE`] with offline access (a refresh token),
    /// `prompt=consent` (so a reconnect gets a new refresh token), `state` and the PKCE S256
    /// `challenge`.
    pub fn consent_url(
        &self,
        redirect_uri: &str,
        state: &str,
        challenge: &str,
    ) -> Result<String, ProviderError> {
        self.oauth
            .consent_url(SCOPE, redirect_uri, state, challenge)
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<Grant, ProviderError> {
        let grant = self
            .oauth
            .exchange_code(code, verifier, redirect_uri)
            .await?;
        Ok(Grant {
            refresh_token: grant.refresh_token,
            scope: grant.scope,
        })
    }

    /// A fresh access token from a refresh token. A revoked refresh token is a 400
    /// (`invalid_grant`), which is not retried.
    pub async fn access_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<SecretString, ProviderError> {
        Ok(self.oauth.refresh(refresh_token).await?.token)
    }
}
