//! The sync's state, registered once in the gateway (`web::Data<ExternalSync>`) and handed to
//! its workers: database, queues, settings, the outside APIs' client and the seal of the
//! configs' keys.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use secrecy::SecretString;

use super::{client::ExternalClient, config::SyncConfig};
use crate::google_calendar::TokenSeal;

/// Label of the key (derived from `JWT_SECRET`) that seals the configs' API keys: a purpose of
/// its own (ADR 0036), so it shares nothing with the LLM credentials' seal.
pub const SYNC_CREDENTIALS_SEAL: &str = "integrations/sync-credentials-seal/v1";

/// The Graphy / EzExam sync's state.
#[derive(Clone)]
pub struct ExternalSync {
    /// Database and Redis.
    pub ctx: AppContext,
    /// Queues (the outbox relay is woken after a commit that enqueued).
    pub jobs: Jobs,
    /// Settings.
    pub config: SyncConfig,
    /// The outside APIs' client.
    pub client: ExternalClient,
    /// Seals and opens `api_key_sealed`.
    pub seal: Arc<TokenSeal>,
}

impl std::fmt::Debug for ExternalSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalSync")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ExternalSync {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, config: SyncConfig) -> anyhow::Result<Self> {
        let key = SecretString::from(hex::encode(ctx.config.derived_key(SYNC_CREDENTIALS_SEAL)));
        Ok(Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            client: ExternalClient::new(config.timeout)?,
            config,
            seal: Arc::new(TokenSeal::new(&key).map_err(anyhow::Error::new)?),
        })
    }

    /// The base URL of a config: its override, else the deployment's.
    pub fn base_url<'a>(&'a self, kind: super::SyncKind, own: Option<&'a str>) -> &'a str {
        own.unwrap_or(match kind {
            super::SyncKind::Mrlearn => &self.config.graphy_base,
            super::SyncKind::Mrtest => &self.config.ezexam_base,
        })
    }
}
