//! Engine.IO v4: sessions over HTTP long-polling and WebSocket, the upgrade between them,
//! heartbeats and `maxPayload`. The layer above (Socket.IO, or the conformance echo server)
//! plugs in through [`EngineHandler`].

mod error;
pub mod packet;
mod polling;
mod route;
pub mod session;
mod websocket;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::http::header::HeaderMap;

pub use error::EngineError;
pub use packet::{Packet, Payload};
pub use route::{handle, mount};
pub use session::{CloseReason, Session, Transport};

use crate::options::RealtimeOptions;

/// What the client sent when it opened the session.
#[derive(Debug, Clone)]
pub struct HandshakeInfo {
    /// Query parameters of the first request.
    pub query: HashMap<String, String>,
    /// Headers of the first request.
    pub headers: HeaderMap,
}

/// The layer above Engine.IO. Callbacks run on the I/O path: they must not block.
pub trait EngineHandler: Send + Sync + 'static {
    /// A session was opened (its `open` packet is already queued).
    fn on_open(&self, session: &Arc<Session>, handshake: HandshakeInfo);
    /// A `message` packet arrived, in order.
    fn on_message(&self, session: &Arc<Session>, payload: Payload);
    /// The session ended (called once).
    fn on_close(&self, session: &Arc<Session>, reason: CloseReason);
}

struct Inner {
    options: RealtimeOptions,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    handler: Arc<dyn EngineHandler>,
}

/// The Engine.IO server: the session table and the transports. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// A server with these settings handing sessions to `handler`.
    pub fn new(options: RealtimeOptions, handler: Arc<dyn EngineHandler>) -> Self {
        Self {
            inner: Arc::new(Inner {
                options,
                sessions: Mutex::new(HashMap::new()),
                handler,
            }),
        }
    }

    /// The settings.
    pub fn options(&self) -> &RealtimeOptions {
        &self.inner.options
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The live session with this id.
    pub fn session(&self, sid: &str) -> Option<Arc<Session>> {
        self.sessions().get(sid).cloned()
    }

    /// Number of open sessions.
    pub fn session_count(&self) -> usize {
        self.sessions().len()
    }

    /// The handshake JSON of a new session.
    fn open_json(&self, sid: &str, upgrades: &[&str]) -> String {
        let o = &self.inner.options;
        serde_json::json!({
            "sid": sid,
            "upgrades": upgrades,
            "pingInterval": o.ping_interval.as_millis() as u64,
            "pingTimeout": o.ping_timeout.as_millis() as u64,
            "maxPayload": o.max_payload,
        })
        .to_string()
    }

    /// Creates a session on `transport`, queues its `open` packet, starts its heartbeat and
    /// tells the handler.
    pub(crate) fn open(&self, transport: Transport, handshake: HandshakeInfo) -> Arc<Session> {
        let sid = uuid::Uuid::new_v4().simple().to_string();
        let upgrades: &[&str] = match transport {
            Transport::Polling => &["websocket"],
            _ => &[],
        };
        let session = Arc::new(Session::new(
            sid.clone(),
            transport,
            self.inner.options.max_buffered_packets.max(1),
        ));
        session.send(Packet::Open(self.open_json(&sid, upgrades)));
        self.sessions().insert(sid, session.clone());
        // One task per session for the heartbeat and the send-buffer watch (a task costs
        // memory per connection; ADR 0084).
        tokio::spawn(heartbeat(
            self.clone(),
            session.clone(),
            self.inner.options.ping_interval,
            self.inner.options.ping_timeout,
        ));
        self.inner.handler.on_open(&session, handshake);
        session
    }

    /// Ends a session: later requests with its id get 400, its transports finish, the
    /// handler hears about it once.
    pub fn close(&self, session: &Arc<Session>, reason: CloseReason) {
        if let Some(linger) = session.mark_closed(reason) {
            // Ends the heartbeat task of this session (it also watches for overflow).
            session.overflowed.notify_one();
            if linger {
                // A poll sent together with the client's `close` may arrive just after it;
                // it gets its `6` (see route.rs), later requests get 400.
                let engine = self.clone();
                let session = session.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    engine.forget(&session);
                });
            } else {
                self.forget(session);
            }
            tracing::debug!(
                sid = session.id(),
                reason = reason.as_str(),
                "engine session closed"
            );
            self.inner.handler.on_close(session, reason);
        }
    }

    /// Drops a closed session from the table.
    pub(crate) fn forget(&self, session: &Arc<Session>) {
        let mut sessions = self.sessions();
        if sessions
            .get(session.id())
            .is_some_and(|s| Arc::ptr_eq(s, session))
        {
            sessions.remove(session.id());
        }
    }

    /// Closes every session (shutdown): pending polls get `1`, WebSockets are closed.
    pub fn close_all(&self) {
        let sessions: Vec<Arc<Session>> = self.sessions().values().cloned().collect();
        for session in sessions {
            self.close(&session, CloseReason::ServerClose);
        }
    }

    /// Handles one packet from the client (any transport, after the upgrade dance).
    pub(crate) fn on_packet(&self, session: &Arc<Session>, packet: Packet) {
        match packet {
            Packet::Pong(_) => {
                session.lock().pong_deadline = None;
                session.pong.notify_one();
            }
            Packet::Message(payload) => {
                if payload.len() > self.inner.options.max_payload {
                    self.close(session, CloseReason::TransportError);
                } else {
                    self.inner.handler.on_message(session, payload);
                }
            }
            Packet::Close => self.close(session, CloseReason::TransportClose),
            Packet::Noop | Packet::Ping(_) => {}
            Packet::Open(_) | Packet::Upgrade => self.close(session, CloseReason::TransportError),
        }
    }
}

/// Closes a session whose client let the send buffer fill up (nothing when it is closed
/// already: `close` also wakes the watch).
fn overflowed(engine: &Engine, session: &Arc<Session>) {
    if session.is_closed() {
        return;
    }
    tracing::warn!(
        sid = session.id(),
        "client too slow: send buffer full, closing"
    );
    engine.close(session, CloseReason::TransportError);
}

/// Pings `interval` after the open (then after each pong); closes the session when no pong
/// arrives within `timeout` of the scheduled ping, or when its send buffer overflows. Ends
/// when the session closes.
async fn heartbeat(engine: Engine, session: Arc<Session>, interval: Duration, timeout: Duration) {
    let mut next = tokio::time::Instant::now() + interval;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(next) => {}
            () = session.overflowed.notified() => {
                overflowed(&engine, &session);
                return;
            }
        }
        let deadline = next + timeout;
        session.lock().pong_deadline = Some(deadline);
        if !session.send(Packet::Ping(String::new())) {
            // Closed, or this ping found the buffer full.
            overflowed(&engine, &session);
            return;
        }
        tokio::select! {
            pong = tokio::time::timeout_at(deadline, session.pong.notified()) => {
                if pong.is_err() {
                    engine.close(&session, CloseReason::PingTimeout);
                    return;
                }
            }
            () = session.overflowed.notified() => {
                overflowed(&engine, &session);
                return;
            }
        }
        next = tokio::time::Instant::now() + interval;
    }
}
