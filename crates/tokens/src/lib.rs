//! Tokens: the wallet of Mr. Mentor on a double-entry ledger ([`ledger`]), holds for
//! bookings ([`ledger::holds`]), reconciliation, token packs and Razorpay purchases
//! ([`purchases`]), admin grants and corrections, and governance rules behind a flag
//! ([`governance`]). Other crates move tokens only through [`ledger`] functions that take
//! their transaction.

pub mod config;
pub mod dto;
pub mod earnings;
pub mod entities;
pub mod error;
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
