//! The OAuth side of the Google Calendar client: the consent URL of the connect flow, the
//! authorization code exchange and access tokens from a stored refresh token, all at the
//! configured `GOOGLE_AUTH_URL` / `GOOGLE_TOKEN_URL`.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{GoogleCalendar, PROVIDER, SCOPE, transport};
use crate::provider::{ProviderError, read_json};

/// What the token endpoint grants for an authorization code.
#[derive(Debug)]
pub struct Grant {
    /// The refresh token (Google sends it with `access_type=offline` and `prompt=consent`).
    pub refresh_token: Option<SecretString>,
    /// The scopes granted, space separated.
    pub scope: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
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
        let url = reqwest::Url::parse_with_params(
            &self.auth_url,
            &[
                ("client_id", self.client_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", SCOPE),
                ("access_type", "offline"),
                ("prompt", "consent"),
                ("include_granted_scopes", "true"),
                ("state", state),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("GOOGLE_AUTH_URL is not a URL: {e}"),
        })?;
        Ok(url.into())
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, ProviderError> {
        let res = self
            .http
            .post(&self.token_url)
            .form(form)
            .send()
            .await
            .map_err(transport)?;
        let body = read_json(PROVIDER, res, "/error").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("token answer: {e}"),
        })
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<Grant, ProviderError> {
        let answer = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", &self.client_id),
                ("client_secret", self.client_secret.expose_secret()),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ])
            .await?;
        Ok(Grant {
            refresh_token: answer.refresh_token.map(SecretString::from),
            scope: answer.scope.unwrap_or_default(),
        })
    }

    /// A fresh access token from a refresh token. A revoked refresh token is a 400
    /// (`invalid_grant`), which is not retried.
    pub async fn access_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<SecretString, ProviderError> {
        let answer = self
            .token(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
                ("client_id", &self.client_id),
                ("client_secret", self.client_secret.expose_secret()),
            ])
            .await?;
        Ok(SecretString::from(answer.access_token))
    }
}
