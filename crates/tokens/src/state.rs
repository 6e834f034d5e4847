//! The crate's state: the Razorpay client, the queues and the configuration section.

use std::sync::Arc;

use integrations::razorpay::Razorpay;

use crate::TokensConfig;

/// The crate's state: the Razorpay client (none without keys), the queues handle and the
/// configuration section.
#[derive(Clone)]
pub struct Tokens {
    /// Razorpay, when configured.
    pub razorpay: Option<Razorpay>,
    /// Queues (wakes the outbox relay after a credited purchase).
    pub jobs: jobs::Jobs,
    /// The crate's configuration section.
    pub config: Arc<TokensConfig>,
}

impl Tokens {
    /// Builds the state; missing Razorpay keys disable purchases, nothing else.
    pub fn new(jobs: &jobs::Jobs, config: TokensConfig) -> anyhow::Result<Self> {
        let razorpay = Razorpay::from_config(&config.razorpay, integrations::http_client()?);
        if razorpay.is_none() {
            tracing::info!(
                "Razorpay keys not set: token purchases answer 503 provider_not_configured"
            );
        }
        Ok(Self {
            razorpay,
            jobs: jobs.clone(),
            config: Arc::new(config),
        })
    }
}
