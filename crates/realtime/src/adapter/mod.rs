//! Where broadcasts go: always to the sockets of this node ([`local`]), and with Redis
//! ([`redis`]) to every node sharing it.

pub mod local;
pub mod redis;

use serde::{Deserialize, Serialize};

pub use self::redis::{RedisAdapter, RedisAdapterOptions};

/// The fan-out beyond this node.
#[derive(Clone, Default)]
pub enum Adapter {
    /// This node only (one process, tests, the conformance server).
    #[default]
    Local,
    /// Every node sharing one Redis.
    Redis(RedisAdapter),
}

impl Adapter {
    /// The Redis adapter of the gateway: `REDIS_URL` for pub/sub, the process pool for
    /// commands, keys under `AppContext::redis_key("realtime:")`.
    pub async fn redis_from_context(ctx: &kernel::AppContext) -> anyhow::Result<Self> {
        let options = RedisAdapterOptions::from_context(ctx);
        Ok(Adapter::Redis(
            RedisAdapter::connect(options, ctx.redis.clone()).await?,
        ))
    }

    /// The Redis side, when there is one.
    pub(crate) fn redis(&self) -> Option<&RedisAdapter> {
        match self {
            Adapter::Local => None,
            Adapter::Redis(r) => Some(r),
        }
    }
}

/// What a broadcast does on the receiving node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusOp {
    /// Send `packet` to the targeted sockets.
    Emit,
    /// Disconnect the targeted sockets.
    Disconnect,
}

/// One broadcast as it crosses Redis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BusMessage {
    /// The publishing node (it does not deliver its own messages twice).
    pub node: String,
    /// What to do.
    pub op: BusOp,
    /// Namespace.
    pub nsp: String,
    /// Target rooms (empty: the whole namespace).
    pub rooms: Vec<String>,
    /// Rooms (or socket ids) left out.
    pub except: Vec<String>,
    /// The encoded Socket.IO packet (for `emit`).
    pub packet: Option<String>,
    /// The event name (metrics).
    pub event: Option<String>,
    /// Publish time, microseconds since the Unix epoch (relay latency).
    pub sent_at_us: u64,
}

/// Receives what other nodes publish.
pub(crate) trait BusSink: Send + Sync {
    fn deliver(&self, message: BusMessage);
    /// A dead node's sockets were pruned from these `(namespace, room)`s.
    fn rooms_lost(&self, rooms: Vec<(String, String)>);
}
