//! Real time's own settings: Socket.IO (Engine.IO heartbeats, payload limit, the Redis
//! adapter's node heartbeat) and the terminal relay's limits. Read at boot by
//! [`RealtimeConfig::from_env`]; the gateway turns them into [`crate::RealtimeOptions`],
//! [`crate::RedisAdapterOptions`] and [`crate::terminal::RelayOptions`].

use std::time::Duration;

use kernel::config::{ConfigError, Env, invalid};

/// Real time's configuration section.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// `SOCKET_PING_INTERVAL_MS`: how often the server pings a client (default 25000).
    pub ping_interval: Duration,
    /// `SOCKET_PING_TIMEOUT_MS`: how long a pong may take (default 20000).
    pub ping_timeout: Duration,
    /// `SOCKET_MAX_PAYLOAD_BYTES`: largest Engine.IO packet or polling body (default 1000000).
    pub max_payload: usize,
    /// `REALTIME_HEARTBEAT_MS`: how often a node refreshes its presence heartbeat (default 2000).
    pub node_heartbeat: Duration,
    /// `REALTIME_NODE_TTL_MS`: a node silent this long is dead and its sockets leave
    /// presence (default 6000).
    pub node_ttl: Duration,
    /// `TERMINAL_MAX_FRAME_BYTES`: largest terminal relay frame (default 65536).
    pub terminal_max_frame: usize,
    /// `TERMINAL_IDLE_TIMEOUT_SECS`: a relay connection idle this long is closed (default 300).
    pub terminal_idle_timeout: Duration,
}

impl RealtimeConfig {
    /// Reads the section (`base` is unused today: no secrets, no URLs); the node TTL must be
    /// longer than the heartbeat.
    pub fn from_env(env: &Env<'_>, _base: &kernel::Config) -> Result<Self, ConfigError> {
        let config = Self {
            ping_interval: Duration::from_millis(env.parse("SOCKET_PING_INTERVAL_MS", 25_000)?),
            ping_timeout: Duration::from_millis(env.parse("SOCKET_PING_TIMEOUT_MS", 20_000)?),
            max_payload: env.parse("SOCKET_MAX_PAYLOAD_BYTES", 1_000_000)?,
            node_heartbeat: Duration::from_millis(env.parse("REALTIME_HEARTBEAT_MS", 2_000)?),
            node_ttl: Duration::from_millis(env.parse("REALTIME_NODE_TTL_MS", 6_000)?),
            terminal_max_frame: env.parse("TERMINAL_MAX_FRAME_BYTES", 64 * 1024)?,
            terminal_idle_timeout: Duration::from_secs(
                env.parse("TERMINAL_IDLE_TIMEOUT_SECS", 300)?,
            ),
        };
        if config.node_ttl <= config.node_heartbeat {
            return Err(invalid(
                "REALTIME_NODE_TTL_MS",
                "must be longer than REALTIME_HEARTBEAT_MS",
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<RealtimeConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        RealtimeConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.ping_interval, Duration::from_secs(25));
        assert_eq!(c.ping_timeout, Duration::from_secs(20));
        assert_eq!(c.max_payload, 1_000_000);
        assert_eq!(c.node_heartbeat, Duration::from_secs(2));
        assert_eq!(c.node_ttl, Duration::from_secs(6));
        assert_eq!(c.terminal_max_frame, 64 * 1024);
        assert_eq!(c.terminal_idle_timeout, Duration::from_secs(300));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = cfg(&[("SOCKET_MAX_PAYLOAD_BYTES", "1MB")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("SOCKET_MAX_PAYLOAD_BYTES:"), "{err}");
        let err = cfg(&[("REALTIME_HEARTBEAT_MS", "6000")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("REALTIME_NODE_TTL_MS:"), "{err}");
    }
}
