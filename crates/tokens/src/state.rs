//! The crate's state: the queues and the configuration section (the Razorpay client is the
//! shared payments' state, `integrations::payments::Payments`).

use std::sync::Arc;

use crate::TokensConfig;

/// The crate's state: the queues handle and the configuration section.
#[derive(Clone)]
pub struct Tokens {
    /// Queues.
    pub jobs: jobs::Jobs,
    /// The crate's configuration section.
    pub config: Arc<TokensConfig>,
}

impl Tokens {
    /// Builds the state.
    pub fn new(jobs: &jobs::Jobs, config: TokensConfig) -> anyhow::Result<Self> {
        Ok(Self {
            jobs: jobs.clone(),
            config: Arc::new(config),
        })
    }
}
