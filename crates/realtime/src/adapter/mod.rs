//! Where broadcasts go: always to the sockets of this node ([`local`]), and with Redis
//! ([`redis`]) to every node sharing it.

pub mod local;
pub mod redis;

use actix_web::web::Bytes;
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
    pub async fn redis_from_context(
        ctx: &kernel::AppContext,
        config: &crate::RealtimeConfig,
    ) -> anyhow::Result<Self> {
        let options = RedisAdapterOptions::from_context(ctx, config);
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
    /// The packet's binary attachments (BINARY_EVENT), base64 strings in the JSON that
    /// crosses Redis; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "base64_list")]
    pub attachments: Vec<Bytes>,
    /// The event name (metrics).
    pub event: Option<String>,
    /// Publish time, microseconds since the Unix epoch (relay latency).
    pub sent_at_us: u64,
}

/// Attachments as a JSON array of standard base64 strings (the bus is JSON).
mod base64_list {
    use actix_web::web::Bytes;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    use crate::engine::packet::BASE64;

    pub fn serialize<S: Serializer>(list: &[Bytes], s: S) -> Result<S::Ok, S::Error> {
        let encoded: Vec<String> = list.iter().map(|b| BASE64.encode(b)).collect();
        encoded.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Bytes>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| BASE64.decode(s).map(Bytes::from).map_err(D::Error::custom))
            .collect()
    }
}

/// Receives what other nodes publish.
pub(crate) trait BusSink: Send + Sync {
    fn deliver(&self, message: BusMessage);
    /// A dead node's sockets were pruned from these `(namespace, room)`s.
    fn rooms_lost(&self, rooms: Vec<(String, String)>);
}

/// Microseconds since the Unix epoch (a bus message's `sent_at_us`, for relay latency).
pub(crate) fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_survive_the_json_of_the_bus() {
        let message = BusMessage {
            node: "n1".into(),
            op: BusOp::Emit,
            nsp: "/".into(),
            rooms: vec!["r".into()],
            except: vec![],
            packet: Some(r#"451-["file",{"_placeholder":true,"num":0}]"#.into()),
            attachments: vec![Bytes::from((0..=255u8).collect::<Vec<_>>())],
            event: Some("file".into()),
            sent_at_us: 1,
        };
        let json = serde_json::to_string(&message).unwrap();
        let back: BusMessage = serde_json::from_str(&json).unwrap();
        assert_eq!(back.attachments, message.attachments);
        assert_eq!(back.packet, message.packet);
        // A JSON-only message carries no `attachments` field, as before binary support.
        let plain = BusMessage {
            attachments: vec![],
            ..message
        };
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("attachments"), "{json}");
        let back: BusMessage = serde_json::from_str(&json).unwrap();
        assert!(back.attachments.is_empty());
    }
}
