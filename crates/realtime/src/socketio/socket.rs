//! A socket: one client connected to one namespace. The handle handlers receive.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::oneshot;

use super::{
    args::Args,
    broadcast::{BroadcastOperator, Bus},
    packet::{Kind, encode, encode_ack, encode_event},
};
use crate::engine::Session;

/// The server, as seen from a socket (implemented by the server; the protocol layer does
/// not depend on it).
pub(crate) trait Hub: Bus {
    /// Joins `socket` to `room` (on this node, in presence, for broadcasts from every node).
    fn join(&self, socket: &Socket, room: &str);
    /// Takes `socket` out of `room`.
    fn leave(&self, socket: &Socket, room: &str);
    /// The rooms `socket` is in (its own included).
    fn rooms_of(&self, socket: &Socket) -> Vec<String>;
    /// Removes `socket` everywhere, fails its acks, runs the disconnect handlers.
    fn detach(&self, socket: &Socket, reason: DisconnectReason);
    /// Counts `n` delivered `event`s.
    fn count_out(&self, event: &str, n: u64);
}

/// Why a socket left its namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The client closed the connection.
    TransportClose,
    /// The client stopped answering pings.
    PingTimeout,
    /// The client broke the Engine.IO or Socket.IO protocol.
    TransportError,
    /// The client left the namespace (DISCONNECT).
    ClientNamespaceDisconnect,
    /// The server disconnected the socket ([`Socket::disconnect`]).
    ServerNamespaceDisconnect,
    /// The server closed the whole connection.
    ForcedClose,
}

impl DisconnectReason {
    /// The reason string (the Node server's where there is one).
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::TransportClose => "transport close",
            DisconnectReason::PingTimeout => "ping timeout",
            DisconnectReason::TransportError => "transport error",
            DisconnectReason::ClientNamespaceDisconnect => "client namespace disconnect",
            DisconnectReason::ServerNamespaceDisconnect => "server namespace disconnect",
            DisconnectReason::ForcedClose => "forced close",
        }
    }
}

/// A server-side emit with ack that got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AckError {
    /// No ACK within the timeout.
    #[error("ack timed out")]
    Timeout,
    /// The socket disconnected first.
    #[error("socket disconnected")]
    Disconnected,
}

pub(crate) struct SocketInner {
    pub id: String,
    pub nsp: String,
    pub data: Value,
    pub auth: Value,
    pub session: Arc<Session>,
    pub rt: Arc<dyn Hub>,
    pub acks: Mutex<HashMap<u64, oneshot::Sender<Args>>>,
    pub next_ack: AtomicU64,
    pub connected: AtomicBool,
}

/// One client in one namespace. Cheap to clone.
#[derive(Clone)]
pub struct Socket(pub(crate) Arc<SocketInner>);

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("id", &self.0.id)
            .field("nsp", &self.0.nsp)
            .finish()
    }
}

fn to_value(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Socket {
    /// The socket id (also the name of the room only this socket is in).
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.0.nsp
    }

    /// The user data the [`crate::Authenticator`] returned.
    pub fn data(&self) -> &Value {
        &self.0.data
    }

    /// The CONNECT auth payload (`{}` when the client sent none).
    pub fn auth(&self) -> &Value {
        &self.0.auth
    }

    /// Whether the socket is still connected.
    pub fn is_connected(&self) -> bool {
        self.0.connected.load(Ordering::SeqCst)
    }

    /// Sends an event with one JSON argument; `false` when the socket is gone.
    pub fn emit(&self, event: &str, value: impl Serialize) -> bool {
        self.emit_args(event, vec![to_value(value)])
    }

    /// Sends an event with any number of arguments, binary ones included ([`Args`]).
    pub fn emit_args(&self, event: &str, args: impl Into<Args>) -> bool {
        if !self.is_connected() {
            return false;
        }
        self.0.rt.count_out(event, 1);
        encode_event(&self.0.nsp, event, &args.into(), None).send_to(&self.0.session)
    }

    /// Sends an event and waits for the client's ACK arguments (binary ones included).
    pub async fn emit_with_ack(
        &self,
        event: &str,
        args: impl Into<Args>,
        timeout: Duration,
    ) -> Result<Args, AckError> {
        let id = self.0.next_ack.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        self.lock_acks().insert(id, tx);
        if !self.is_connected()
            || !encode_event(&self.0.nsp, event, &args.into(), Some(id)).send_to(&self.0.session)
        {
            self.lock_acks().remove(&id);
            return Err(AckError::Disconnected);
        }
        self.0.rt.count_out(event, 1);
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(args)) => Ok(args),
            Ok(Err(_)) => Err(AckError::Disconnected),
            Err(_) => {
                self.lock_acks().remove(&id);
                Err(AckError::Timeout)
            }
        }
    }

    fn lock_acks(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Args>>> {
        self.0.acks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands a client ACK to the waiting [`Socket::emit_with_ack`].
    pub(crate) fn resolve_ack(&self, id: u64, args: Args) {
        if let Some(tx) = self.lock_acks().remove(&id) {
            let _ = tx.send(args);
        }
    }

    /// Drops every waiting ack (they fail with [`AckError::Disconnected`]).
    pub(crate) fn fail_acks(&self) {
        self.lock_acks().clear();
    }

    /// Joins a room (on this node, in presence, and for broadcasts from every node).
    pub fn join(&self, room: &str) {
        if self.is_connected() {
            self.0.rt.join(self, room);
        }
    }

    /// Leaves a room.
    pub fn leave(&self, room: &str) {
        self.0.rt.leave(self, room);
    }

    /// The rooms the socket is in (its own room included).
    pub fn rooms(&self) -> Vec<String> {
        self.0.rt.rooms_of(self)
    }

    /// A broadcast to `room` that leaves this socket out (Node's `socket.to(room)`).
    pub fn to(&self, room: &str) -> BroadcastOperator {
        BroadcastOperator::new(self.0.rt.clone(), &self.0.nsp)
            .to(room)
            .except(&self.0.id)
    }

    /// Sends DISCONNECT and removes the socket from its namespace; the connection stays.
    pub fn disconnect(&self) {
        if self.is_connected() {
            self.0
                .session
                .send_text(encode(Kind::Disconnect, &self.0.nsp, None, None));
            self.0
                .rt
                .detach(self, DisconnectReason::ServerNamespaceDisconnect);
        }
    }
}

/// Answers one client event that asked for an ack.
#[derive(Debug)]
pub struct AckSender {
    socket: Socket,
    id: u64,
}

impl AckSender {
    pub(crate) fn new(socket: Socket, id: u64) -> Self {
        Self { socket, id }
    }

    /// Acknowledges with one JSON argument.
    pub fn reply(self, value: impl Serialize) {
        self.send(vec![to_value(value)]);
    }

    /// Acknowledges with any number of arguments, binary ones included ([`Args`]).
    pub fn send(self, args: impl Into<Args>) {
        encode_ack(&self.socket.0.nsp, self.id, &args.into()).send_to(&self.socket.0.session);
    }
}
