//! Google Drive for any signed-in user: the connect flow's OAuth (the shared
//! [`GoogleOAuth`], scope [`SCOPE`]), listing the user's files and downloading one (Google
//! Docs, Sheets, Slides and Drawings exported to PDF or xlsx) within a size limit. The API
//! base is configurable (`GOOGLE_DRIVE_API_BASE_URL`) so tests point it at wiremock.
//! The routes and the stored connection are in `service::drive` and `routes::drive`.

mod files;
pub mod query;

use kernel::config::{ConfigError, Env, invalid};
use secrecy::SecretString;

use crate::google_oauth::{DEFAULT_REVOKE_URL, Endpoints, GoogleOAuth};

pub use files::{Download, DriveFile, FileList, export_format};

/// Name of the provider in errors.
pub const PROVIDER: &str = "Google Drive";
/// The OAuth scope the connect flow asks for (read-only).
pub const SCOPE: &str = "https://www.googleapis.com/auth/drive.readonly";
/// The label of the key that seals stored Drive tokens (derived from `JWT_SECRET`).
pub const SEAL_LABEL: &str = "integrations/google-drive-seal/v1";

/// The Drive connector's settings.
#[derive(Clone)]
pub struct GoogleDriveConfig {
    /// `GOOGLE_CLIENT_ID` (shared with Google sign-in and Calendar).
    pub client_id: Option<String>,
    /// `GOOGLE_CLIENT_SECRET`.
    pub client_secret: Option<SecretString>,
    /// `GOOGLE_AUTH_URL`, `GOOGLE_TOKEN_URL`, `GOOGLE_REVOKE_URL`.
    pub endpoints: Endpoints,
    /// `GOOGLE_DRIVE_API_BASE_URL` (default `https://www.googleapis.com/drive/v3`).
    pub api_base: String,
    /// `GOOGLE_DRIVE_REDIRECT_URI` (default `<PUBLIC_BASE_URL>/integrations/google-drive/callback`):
    /// the frontend's page that hands `code` and `state` to the API's callback with the
    /// user's bearer token (ADR 0094).
    pub redirect_uri: String,
    /// `GOOGLE_DRIVE_IMPORT_MAX_BYTES`: the largest file imported, 1 byte-100 MiB (default
    /// 25 MiB).
    pub import_max_bytes: u64,
}

impl std::fmt::Debug for GoogleDriveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleDriveConfig")
            .field("client_id", &self.client_id)
            .field("api_base", &self.api_base)
            .field("redirect_uri", &self.redirect_uri)
            .field("import_max_bytes", &self.import_max_bytes)
            .finish_non_exhaustive()
    }
}

impl GoogleDriveConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
        let import_max_bytes: u64 = env.parse("GOOGLE_DRIVE_IMPORT_MAX_BYTES", 25 * 1024 * 1024)?;
        if !(1..=100 * 1024 * 1024).contains(&import_max_bytes) {
            return Err(invalid(
                "GOOGLE_DRIVE_IMPORT_MAX_BYTES",
                "must be between 1 and 104857600",
            ));
        }
        let api_base = env.http_url(
            "GOOGLE_DRIVE_API_BASE_URL",
            "https://www.googleapis.com/drive/v3",
        )?;
        Ok(Self {
            client_id: env.get("GOOGLE_CLIENT_ID"),
            client_secret: env.secret("GOOGLE_CLIENT_SECRET")?,
            endpoints: Endpoints {
                auth_url: env
                    .get("GOOGLE_AUTH_URL")
                    .unwrap_or_else(|| "https://accounts.google.com/o/oauth2/v2/auth".into()),
                token_url: env
                    .get("GOOGLE_TOKEN_URL")
                    .unwrap_or_else(|| "https://oauth2.googleapis.com/token".into()),
                revoke_url: env
                    .get("GOOGLE_REVOKE_URL")
                    .unwrap_or_else(|| DEFAULT_REVOKE_URL.into()),
            },
            api_base,
            redirect_uri: env.get("GOOGLE_DRIVE_REDIRECT_URI").unwrap_or_else(|| {
                format!(
                    "{}/integrations/google-drive/callback",
                    base.public_base_url
                )
            }),
            import_max_bytes,
        })
    }
}

/// The Drive client of a deployment with Google OAuth credentials.
#[derive(Debug, Clone)]
pub struct GoogleDrive {
    http: reqwest::Client,
    /// The OAuth client.
    pub oauth: GoogleOAuth,
    api_base: String,
    /// Where Google sends the browser back.
    pub redirect_uri: String,
    /// The largest file imported.
    pub import_max_bytes: u64,
}

impl GoogleDrive {
    /// The client, or `None` without `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET`.
    pub fn from_config(config: &GoogleDriveConfig, http: reqwest::Client) -> Option<Self> {
        let oauth = GoogleOAuth::new(
            PROVIDER,
            http.clone(),
            config.client_id.clone(),
            config.client_secret.clone(),
            config.endpoints.clone(),
        )?;
        Some(Self {
            http,
            oauth,
            api_base: config.api_base.clone(),
            redirect_uri: config.redirect_uri.clone(),
            import_max_bytes: config.import_max_bytes,
        })
    }
}
