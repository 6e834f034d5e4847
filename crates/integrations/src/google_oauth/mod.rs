//! Google OAuth 2.0 shared by every Google connector (Calendar, Drive): the consent URL with
//! PKCE (S256) and `state`, the authorization code exchange, access tokens from a stored
//! refresh token, and revocation, at the configured `GOOGLE_AUTH_URL`, `GOOGLE_TOKEN_URL`
//! and `GOOGLE_REVOKE_URL`. [`pkce`] keeps the single-use `state` of a started connection in
//! Redis. Tokens travel only in form bodies and are never logged.

pub mod pkce;

/// Google's token revocation endpoint (`GOOGLE_REVOKE_URL` overrides it for the connectors
/// that revoke).
pub const DEFAULT_REVOKE_URL: &str = "https://oauth2.googleapis.com/revoke";

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::provider::{ProviderError, read_json};

/// The deployment's Google OAuth client (`GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET`) and its
/// endpoints, named after the connector that uses it (error messages say which).
#[derive(Clone)]
pub struct GoogleOAuth {
    http: reqwest::Client,
    provider: &'static str,
    client_id: String,
    client_secret: SecretString,
    auth_url: String,
    token_url: String,
    revoke_url: String,
}

impl std::fmt::Debug for GoogleOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleOAuth")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// The endpoints of [`GoogleOAuth`].
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The consent page.
    pub auth_url: String,
    /// Code exchange and refresh.
    pub token_url: String,
    /// Token revocation.
    pub revoke_url: String,
}

/// What the token endpoint grants for an authorization code.
#[derive(Debug)]
pub struct Grant {
    /// The refresh token (Google sends it with `access_type=offline` and `prompt=consent`).
    pub refresh_token: Option<SecretString>,
    /// The access token that came with it.
    pub access_token: SecretString,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// The scopes granted, space separated.
    pub scope: String,
}

/// An access token and its lifetime.
#[derive(Debug)]
pub struct AccessToken {
    /// The token.
    pub token: SecretString,
    /// Seconds it lives (Google: 3599).
    pub expires_in: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

impl GoogleOAuth {
    /// The client, or `None` without a client id or secret.
    pub fn new(
        provider: &'static str,
        http: reqwest::Client,
        client_id: Option<String>,
        client_secret: Option<SecretString>,
        endpoints: Endpoints,
    ) -> Option<Self> {
        Some(Self {
            http,
            provider,
            client_id: client_id?,
            client_secret: client_secret?,
            auth_url: endpoints.auth_url,
            token_url: endpoints.token_url,
            revoke_url: endpoints.revoke_url,
        })
    }

    /// The OAuth client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Google's consent page asking for `scope` with offline access (a refresh token),
    /// `prompt=consent` (a reconnect gets a new refresh token), `state` and the PKCE S256
    /// `challenge`.
    pub fn consent_url(
        &self,
        scope: &str,
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
                ("scope", scope),
                ("access_type", "offline"),
                ("prompt", "consent"),
                ("include_granted_scopes", "true"),
                ("state", state),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|e| ProviderError::Body {
            provider: self.provider,
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
            .map_err(|e| ProviderError::transport(self.provider, e))?;
        let body = read_json(self.provider, res, "/error").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: self.provider,
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
            access_token: SecretString::from(answer.access_token),
            expires_in: answer.expires_in.unwrap_or(3599),
            scope: answer.scope.unwrap_or_default(),
        })
    }

    /// A fresh access token from a refresh token. A revoked refresh token is a 400
    /// (`invalid_grant`), which is not retried.
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
    ) -> Result<AccessToken, ProviderError> {
        let answer = self
            .token(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
                ("client_id", &self.client_id),
                ("client_secret", self.client_secret.expose_secret()),
            ])
            .await?;
        Ok(AccessToken {
            token: SecretString::from(answer.access_token),
            expires_in: answer.expires_in.unwrap_or(3599),
        })
    }

    /// Revokes a token (a refresh token revokes the whole grant). A token Google no longer
    /// knows (400) counts as revoked.
    pub async fn revoke(&self, token: &SecretString) -> Result<(), ProviderError> {
        let res = self
            .http
            .post(&self.revoke_url)
            .form(&[("token", token.expose_secret())])
            .send()
            .await
            .map_err(|e| ProviderError::transport(self.provider, e))?;
        if res.status().as_u16() == 400 {
            return Ok(());
        }
        read_json(self.provider, res, "/error").await.map(|_| ())
    }
}
