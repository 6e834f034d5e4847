//! Tokens: the wallet of Mr. Mentor on a double-entry ledger ([`ledger`]), holds for
//! bookings ([`ledger::holds`]), reconciliation, token packs and their purchases
//! ([`purchases`]), admin grants and corrections, and governance rules behind a flag
//! ([`governance`]). Other crates move tokens only through [`ledger`] functions that take
//! their transaction.
//!
//! Taking money is not tokens' business: token packs are one product of the shared payments
//! (`integrations::payments`, docs/adr/0043-shared-payments.md). Tokens implements
//! `PaymentProduct` for `token_orders` ([`purchases::TokenPacks`]: a capture credits the
//! tokens once), the gateway registers it, and the Razorpay client, the checkout
//! verification, the webhook `POST /api/webhooks/razorpay` and the `payment.captured` event
//! are integrations'. No other product imports tokens to sell something.

pub mod config;
pub mod dto;
pub mod earnings;
pub mod entities;
pub mod error;
pub mod events;
pub mod governance;
pub mod grants;
pub mod ledger;
pub mod packs;
pub mod profile;
pub mod purchases;
pub mod routes;
pub mod settings;
mod state;

pub use config::TokensConfig;
pub use error::TokensError;
pub use routes::configure;
pub use state::Tokens;
