//! Broadcasts: to a namespace, to rooms, leaving rooms or sockets out; on this node and,
//! with the Redis adapter, on every node.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::{
    adapter::{BusMessage, BusOp},
    realtime::{Inner, now_us},
    socketio::{args::Args, packet::encode_event},
};

/// A broadcast being built: `realtime.to("room").except(socket_id).emit("event", json)`.
#[must_use = "a broadcast does nothing until emit or disconnect_sockets"]
pub struct BroadcastOperator {
    rt: Arc<Inner>,
    nsp: String,
    rooms: Vec<String>,
    except: Vec<String>,
}

impl BroadcastOperator {
    pub(crate) fn new(rt: Arc<Inner>, nsp: &str) -> Self {
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
            node: self
                .rt
                .adapter
                .redis()
                .map(|r| r.node_id().to_owned())
                .unwrap_or_default(),
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
        self.rt.apply(&message);
        if let Some(redis) = self.rt.adapter.redis() {
            redis.publish(&message);
        }
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
