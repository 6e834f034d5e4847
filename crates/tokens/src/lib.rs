//! Tokens: the wallet of Mr. Mentor on a double-entry ledger ([`ledger`]), holds for
//! bookings ([`ledger::holds`]), reconciliation, token packs and Razorpay purchases
//! ([`purchases`]), admin grants and corrections, and governance rules behind a flag
//! ([`governance`]). Other crates move tokens only through [`ledger`] functions that take
//! their transaction.

pub mod dto;
pub mod earnings;
pub mod entities;
pub mod error;
pub mod governance;
pub mod grants;
pub mod ledger;
pub mod packs;
pub mod purchases;
pub mod routes;
pub mod settings;

use integrations::razorpay::Razorpay;
use kernel::AppContext;

pub use error::TokensError;
pub use routes::configure;

/// The crate's state: the Razorpay client (none without keys) and the queues handle.
#[derive(Clone)]
pub struct Tokens {
    /// Razorpay, when configured.
    pub razorpay: Option<Razorpay>,
    /// Queues (wakes the outbox relay after a credited purchase).
    pub jobs: jobs::Jobs,
}

impl Tokens {
    /// Builds the state; missing Razorpay keys disable purchases, nothing else.
    pub fn new(ctx: &AppContext, jobs: &jobs::Jobs) -> anyhow::Result<Self> {
        let razorpay = Razorpay::from_config(&ctx.config.razorpay, integrations::http_client()?);
        if razorpay.is_none() {
            tracing::info!(
                "Razorpay keys not set: token purchases answer 503 provider_not_configured"
            );
        }
        Ok(Self {
            razorpay,
            jobs: jobs.clone(),
        })
    }
}
