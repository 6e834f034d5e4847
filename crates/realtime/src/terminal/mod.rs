//! The terminal relay: a raw WebSocket at `/ws/terminal/{session_id}` that mirrors one
//! producer (the in-browser shell or editor) to any number of viewers.
//!
//! `POST /api/terminal-session` opens a session (the caller owns it and gets a producer and
//! a viewer token) or, with `session_id`, hands a viewer token of an existing session to its
//! owner or to a mentor or admin. Tokens are signed, name one session and role, and expire
//! after [`TOKEN_TTL_SECS`]: they are checked when the WebSocket opens. Sessions live on the
//! node the producer is connected to; the owner record is kept in Redis so any node can
//! issue tokens.

mod relay;
mod routes;
mod token;

pub use relay::{Relay, RelayOptions};
pub use routes::{SessionRequest, SessionTokens, configure};
pub use token::{Grant, TerminalRole, TokenSigner};

/// Lifetime of a relay token: long enough to open the WebSocket, no longer.
pub const TOKEN_TTL_SECS: i64 = 60;

/// How long a session's owner record lives in Redis (a working day).
pub const SESSION_TTL_SECS: u64 = 12 * 3600;

/// The relay's state, registered as `web::Data<Terminal>`.
#[derive(Clone)]
pub struct Terminal {
    /// The sessions of this node.
    pub relay: Relay,
    /// Token signer.
    pub signer: TokenSigner,
}

impl Terminal {
    /// A relay with `options`; tokens keyed by the JWT secret of `config`.
    pub fn new(
        config: &kernel::Config,
        options: RelayOptions,
        registry: &prometheus::Registry,
    ) -> prometheus::Result<Self> {
        let latency = prometheus::Histogram::with_opts(
            prometheus::HistogramOpts::new(
                "terminal_relay_latency_seconds",
                "Terminal relay: producer frame to viewer send",
            )
            .buckets(vec![0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5]),
        )?;
        match registry.register(Box::new(latency.clone())) {
            Ok(()) | Err(prometheus::Error::AlreadyReg) => {}
            Err(err) => return Err(err),
        }
        Ok(Self {
            relay: Relay::new(options, latency),
            signer: TokenSigner::new(&config.derived_key(kernel::config::labels::TERMINAL_TOKENS)),
        })
    }
}
