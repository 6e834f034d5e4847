//! The crate's state, registered once in the gateway: the LLM client, the seal of stored
//! provider credentials, the Google Drive client with the seal of its stored tokens, and the
//! Judge0 client.

use std::sync::Arc;

use kernel::{AppContext, config::labels};
use secrecy::SecretString;

use crate::{
    config::IntegrationsConfig, google_calendar::TokenSeal, google_drive::GoogleDrive,
    judge0::Judge0, leegality::Leegality, llm::LlmClient,
};

/// The LLM gateway's state.
#[derive(Clone)]
pub struct Integrations {
    /// Database and Redis.
    pub ctx: AppContext,
    /// The providers' client (base URLs, timeout, retries).
    pub llm: LlmClient,
    /// Seals and opens `ai_credentials` (key derived from `JWT_SECRET` under
    /// [`labels::AI_CREDENTIALS_SEAL`]).
    pub seal: Arc<TokenSeal>,
    /// The Google Drive client (`None` without Google OAuth credentials: 503).
    pub drive: Option<GoogleDrive>,
    /// Seals and opens `google_drive_connections` tokens (key derived from `JWT_SECRET`
    /// under [`crate::google_drive::SEAL_LABEL`]).
    pub drive_seal: Arc<TokenSeal>,
    /// The Judge0 client (`None` without `JUDGE0_URL`: 503).
    pub judge0: Option<Judge0>,
    /// The Leegality client (`None` without `LEEGALITY_AUTH_TOKEN`: 503).
    pub leegality: Option<Leegality>,
}

impl std::fmt::Debug for Integrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Integrations")
            .field("llm", &self.llm)
            .field("drive", &self.drive)
            .field("judge0", &self.judge0)
            .field("leegality", &self.leegality)
            .finish_non_exhaustive()
    }
}

impl Integrations {
    /// Builds the state from the context and the crate's configuration.
    pub fn new(ctx: &AppContext, config: &IntegrationsConfig) -> anyhow::Result<Self> {
        let key = SecretString::from(hex::encode(
            ctx.config.derived_key(labels::AI_CREDENTIALS_SEAL),
        ));
        let drive_key = SecretString::from(hex::encode(
            ctx.config.derived_key(crate::google_drive::SEAL_LABEL),
        ));
        Ok(Self {
            ctx: ctx.clone(),
            llm: LlmClient::new(config.llm.clone())?,
            seal: Arc::new(TokenSeal::new(&key).map_err(anyhow::Error::new)?),
            drive: GoogleDrive::from_config(&config.drive, crate::http_client()?),
            drive_seal: Arc::new(TokenSeal::new(&drive_key).map_err(anyhow::Error::new)?),
            judge0: Judge0::from_config(&config.judge0, crate::http_client()?),
            leegality: Leegality::from_config(&config.leegality, crate::http_client()?),
        })
    }
}
