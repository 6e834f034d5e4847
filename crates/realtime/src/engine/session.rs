//! One Engine.IO session: its outgoing queue, which transport currently drains it, and its
//! close state. Transports wait on `wake`; the heartbeat waits on `pong`.

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard},
};

use tokio::sync::Notify;

use super::packet::Packet;

/// Which transport carries the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// HTTP long-polling.
    Polling,
    /// A WebSocket has sent `2probe`; polling is being wound down.
    Upgrading,
    /// WebSocket (directly, or after an upgrade).
    WebSocket,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The client sent a `close` packet or closed its WebSocket.
    TransportClose,
    /// No pong within `pingTimeout`.
    PingTimeout,
    /// The client broke the protocol (bad packet, overlapping polls, oversize payload).
    TransportError,
    /// The server closed it.
    ServerClose,
}

impl CloseReason {
    /// The reason string of the Node server (`"transport close"`, `"ping timeout"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::TransportClose => "transport close",
            CloseReason::PingTimeout => "ping timeout",
            CloseReason::TransportError => "transport error",
            CloseReason::ServerClose => "forced close",
        }
    }
}

/// Mutable state behind the session lock (never held across an await).
#[derive(Debug)]
pub(crate) struct State {
    pub queue: VecDeque<Packet>,
    pub transport: Transport,
    pub poll_pending: bool,
    pub post_pending: bool,
    /// A WebSocket is attached for an upgrade (or is the transport).
    pub ws_attached: bool,
    /// Closed by the client's `close` with no poll pending: a poll racing it still gets `6`.
    pub owes_noop: bool,
    /// When the pong for the last ping is due (`None` when none is awaited).
    pub pong_deadline: Option<tokio::time::Instant>,
    pub closed: Option<CloseReason>,
}

/// An Engine.IO session. Shared by its transports, the heartbeat and the layer above.
#[derive(Debug)]
pub struct Session {
    id: String,
    max_buffered: usize,
    state: Mutex<State>,
    /// Something to send, or a change of transport or close state.
    pub(crate) wake: Notify,
    /// A pong arrived.
    pub(crate) pong: Notify,
    /// The queue hit `max_buffered_packets`.
    pub(crate) overflowed: Notify,
}

impl Session {
    pub(crate) fn new(id: String, transport: Transport, max_buffered: usize) -> Self {
        Self {
            id,
            max_buffered,
            state: Mutex::new(State {
                queue: VecDeque::new(),
                transport,
                poll_pending: false,
                post_pending: false,
                ws_attached: transport == Transport::WebSocket,
                owes_noop: false,
                pong_deadline: None,
                closed: None,
            }),
            wake: Notify::new(),
            pong: Notify::new(),
            overflowed: Notify::new(),
        }
    }

    /// The session id (`sid`).
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another thread panicked while holding it; the state
        // itself is plain data, so keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a packet for the client; `false` when the session is closed. A client that
    /// lets `max_buffered_packets` pile up is cut off (the session closes).
    pub fn send(&self, packet: Packet) -> bool {
        self.send_all(vec![packet])
    }

    /// Queues packets back to back, under one lock, so nothing sent concurrently lands
    /// between them (a Socket.IO packet and its attachments); all or none.
    pub fn send_all(&self, packets: Vec<Packet>) -> bool {
        {
            let mut state = self.lock();
            if state.closed.is_some() {
                return false;
            }
            if state.queue.len() + packets.len() > self.max_buffered {
                drop(state);
                self.overflowed.notify_one();
                return false;
            }
            state.queue.extend(packets);
        }
        self.wake.notify_waiters();
        true
    }

    /// Queues a text `message` packet.
    pub fn send_text(&self, text: String) -> bool {
        self.send(Packet::Message(super::packet::Payload::Text(text)))
    }

    /// Whether the session has ended.
    pub fn is_closed(&self) -> bool {
        self.lock().closed.is_some()
    }

    /// The transport in use.
    pub fn transport(&self) -> Transport {
        self.lock().transport
    }

    /// Marks the session closed. `None` when it already was; otherwise whether a poll
    /// racing the client's `close` is owed a `6` (decided under the same lock).
    pub(crate) fn mark_closed(&self, reason: CloseReason) -> Option<bool> {
        let owes = {
            let mut state = self.lock();
            if state.closed.is_some() {
                return None;
            }
            state.closed = Some(reason);
            state.owes_noop = reason == CloseReason::TransportClose
                && state.transport == Transport::Polling
                && !state.poll_pending;
            state.owes_noop
        };
        self.wake.notify_waiters();
        Some(owes)
    }

    /// Whether the awaited pong is overdue (checked on each request, so a late timer
    /// never lets an expired session answer).
    pub(crate) fn pong_overdue(&self) -> bool {
        self.lock()
            .pong_deadline
            .is_some_and(|d| tokio::time::Instant::now() >= d)
    }

    /// Takes the `6` owed to a poll that raced the client's `close`.
    pub(crate) fn take_owed_noop(&self) -> bool {
        std::mem::take(&mut self.lock().owes_noop)
    }

    pub(crate) fn set_transport(&self, transport: Transport) {
        self.lock().transport = transport;
        self.wake.notify_waiters();
    }

    /// Takes queued packets up to about `max_bytes` (at least one).
    pub(crate) fn drain(state: &mut State, max_bytes: usize) -> Vec<Packet> {
        let mut out = Vec::new();
        let mut size = 0;
        while let Some(packet) = state.queue.front() {
            let len = packet.encoded_len() + 1;
            if !out.is_empty() && size + len > max_bytes {
                break;
            }
            size += len;
            if let Some(packet) = state.queue.pop_front() {
                out.push(packet);
            }
        }
        out
    }
}
