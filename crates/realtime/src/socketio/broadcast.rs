//! Broadcasts: to a namespace, to rooms, leaving rooms or sockets out; on this node and,
//! with the Redis adapter, on every node.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::{args::Args, packet::encode_event};
use crate::adapter::{BusMessage, BusOp, now_us};

/// Where broadcasts go: the server, which runs them on this node and publishes them to the
/// others (implemented by the server; the protocol layer does not depend on it).
pub(crate) trait Bus: Send + Sync {
    /// This node's id on the bus (empty without the Redis adapter).
    fn node_id(&self) -> String;
    /// Runs a broadcast on this node and publishes it to the other nodes.
    fn broadcast(&self, message: BusMessage);
}

/// A broadcast being built: `realtime.to("room").except(socket_id).emit("event", json)`.
#[must_use = "a broadcast does nothing until emit or disconnect_sockets"]
pub struct BroadcastOperator {
    rt: Arc<dyn Bus>,
    nsp: String,
    rooms: Vec<String>,
    except: Vec<String>,
}

impl BroadcastOperator {
    pub(crate) fn new(rt: Arc<dyn Bus>, nsp: &str) -> Self {
        Self {
            rt,
            nsp: nsp.to_owned(),
            rooms: Vec::new(),
            except: Vec::new(),
        }
    }

    /// Adds a target room (a socket id targets that socket). Without any room the broadcast
    /// reaches the whole namespace.
    pub fn to(mut self, room: &str) -> Self {
        self.rooms.push(room.to_owned());
        self
    }

    /// Leaves out the sockets of a room (or one socket, by id).
    pub fn except(mut self, room: &str) -> Self {
        self.except.push(room.to_owned());
        self
    }

    fn message(&self, op: BusOp, event: Option<&str>) -> BusMessage {
        BusMessage {
            node: self.rt.node_id(),
            op,
            nsp: self.nsp.clone(),
            rooms: self.rooms.clone(),
            except: self.except.clone(),
            packet: None,
            attachments: Vec::new(),
            event: event.map(str::to_owned),
            sent_at_us: now_us(),
        }
    }

    fn run(self, message: BusMessage) {
        self.rt.broadcast(message);
    }

    /// Emits an event with one JSON argument.
    pub fn emit(self, event: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.emit_args(event, vec![value]);
    }

    /// Emits an event with any number of arguments, binary ones included ([`Args`]: a
    /// client's arguments relayed as they came keep their attachments).
    pub fn emit_args(self, event: &str, args: impl Into<Args>) {
        let encoded = encode_event(&self.nsp, event, &args.into(), None);
        let mut message = self.message(BusOp::Emit, Some(event));
        message.packet = Some(encoded.text);
        message.attachments = encoded.attachments;
        self.run(message);
    }

    /// Disconnects the targeted sockets (on every node).
    pub fn disconnect_sockets(self) {
        let message = self.message(BusOp::Disconnect, None);
        self.run(message);
    }
}
