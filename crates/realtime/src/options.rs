//! Settings of the Engine.IO / Socket.IO server. Defaults are those of the Node reference
//! server, so `socket.io-client` works with its default options.

use std::time::Duration;

use kernel::Config;

use crate::RealtimeConfig;

/// Which browser origins may reach the long-polling transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsPolicy {
    /// Any origin (development, the conformance server).
    AllowAll,
    /// Only these origins (plus `null` and requests without an `Origin`).
    AllowList(Vec<String>),
}

impl CorsPolicy {
    /// The same policy as the HTTP API (`kernel::http::cors`): permissive in development,
    /// `CORS_ALLOWED_ORIGINS` in production.
    pub fn from_config(config: &Config) -> Self {
        if config.app_env.is_production() {
            CorsPolicy::AllowList(config.cors_allowed_origins.clone())
        } else {
            CorsPolicy::AllowAll
        }
    }

    /// Whether a request with this `Origin` header value is allowed.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            CorsPolicy::AllowAll => true,
            CorsPolicy::AllowList(list) => origin == "null" || list.iter().any(|o| o == origin),
        }
    }
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct RealtimeOptions {
    /// Mount path, with a trailing slash (default `/socket.io/`).
    pub path: String,
    /// How often the server pings (default 25 s).
    pub ping_interval: Duration,
    /// How long a pong may take before the session is closed (default 20 s).
    pub ping_timeout: Duration,
    /// Largest packet or polling body accepted, in bytes (default 1 MB); also the largest
    /// binary Socket.IO packet, its text and attachments together.
    pub max_payload: usize,
    /// Most attachments one BINARY_EVENT / BINARY_ACK may announce (default 10).
    pub max_attachments: usize,
    /// How long the attachments of a binary packet may take to arrive after its text
    /// (default 20 s); a packet not whole by then closes the connection.
    pub attachment_timeout: Duration,
    /// How long a new connection may wait before joining a namespace (default 45 s).
    pub connect_timeout: Duration,
    /// How long a polling -> WebSocket upgrade may take (default 10 s).
    pub upgrade_timeout: Duration,
    /// Packets that may wait for a slow client before its session is closed (default
    /// 10,000): one stalled client cannot grow the server's memory without bound.
    pub max_buffered_packets: usize,
    /// CORS on the polling responses.
    pub cors: CorsPolicy,
}

impl Default for RealtimeOptions {
    fn default() -> Self {
        Self {
            path: "/socket.io/".to_owned(),
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            max_payload: 1_000_000,
            max_attachments: 10,
            attachment_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(45),
            upgrade_timeout: Duration::from_secs(10),
            max_buffered_packets: 10_000,
            cors: CorsPolicy::AllowAll,
        }
    }
}

impl RealtimeOptions {
    /// Defaults with the CORS policy of the HTTP API (`base`) and the heartbeats and payload
    /// limit of the crate's section (`rt`).
    pub fn from_config(base: &Config, rt: &RealtimeConfig) -> Self {
        Self {
            cors: CorsPolicy::from_config(base),
            ping_interval: rt.ping_interval,
            ping_timeout: rt.ping_timeout,
            max_payload: rt.max_payload,
            ..Self::default()
        }
    }

    /// The mount path with exactly one trailing slash.
    pub(crate) fn normalized_path(&self) -> String {
        format!("/{}/", self.path.trim_matches('/'))
    }
}
