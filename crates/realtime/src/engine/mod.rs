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

use actix_web::{
    http::header::{HeaderMap, HeaderName, HeaderValue},
    web::{Bytes, BytesMut},
};

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
    pub headers: Headers,
}

/// The handshake request's headers, kept for the session's lifetime (each CONNECT shows them
/// to the authenticator) in a compact form: a list, not a copy of the request's hash table
/// (6.7 KiB per connection at the request's capacity), and the values copied into one
/// buffer of their own, so they never pin the connection's read buffer.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    entries: Vec<(HeaderName, HeaderValue)>,
}

impl Headers {
    /// A compact copy of `map`.
    pub fn of(map: &HeaderMap) -> Self {
        let mut buf = BytesMut::with_capacity(map.iter().map(|(_, v)| v.len()).sum());
        for (_, value) in map.iter() {
            buf.extend_from_slice(value.as_bytes());
        }
        let buf: Bytes = buf.freeze();
        let mut at = 0;
        let mut entries = Vec::with_capacity(map.len());
        for (name, value) in map.iter() {
            let end = at + value.len();
            // the bytes of a valid value are valid; the fallback is never taken
            let copy = HeaderValue::from_maybe_shared(buf.slice(at..end))
                .unwrap_or_else(|_| value.clone());
            at = end;
            entries.push((name.clone(), copy));
        }
        Self { entries }
    }

    /// The headers as a [`HeaderMap`].
    pub fn to_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(self.entries.len());
        for (name, value) in &self.entries {
            map.append(name.clone(), value.clone());
        }
        map
    }
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

#[cfg(test)]
mod tests {
    use actix_web::http::header;

    use super::*;

    fn request_headers() -> HeaderMap {
        let mut map = HeaderMap::with_capacity(32);
        map.insert(header::HOST, HeaderValue::from_static("example.com"));
        map.insert(
            header::COOKIE,
            HeaderValue::from_maybe_shared(Bytes::from_static(b"a=1")).unwrap(),
        );
        map.append(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_static("10.0.0.1"),
        );
        map.append(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_static("10.0.0.2"),
        );
        map
    }

    #[test]
    fn handshake_headers_keep_every_line_and_give_the_same_map_back() {
        let map = request_headers();
        let back = Headers::of(&map).to_map();
        assert_eq!(back.len(), 4);
        assert_eq!(
            back.get(header::HOST),
            Some(&HeaderValue::from_static("example.com"))
        );
        for (name, value) in map.iter() {
            assert!(
                back.get_all(name).any(|v| v == value),
                "{name}: {value:?} lost"
            );
        }
        let forwarded: Vec<_> = back
            .get_all(HeaderName::from_static("x-forwarded-for"))
            .collect();
        assert_eq!(forwarded.len(), 2);
    }

    #[test]
    fn handshake_header_values_are_copies_not_views_of_the_request() {
        let map = request_headers();
        let kept = Headers::of(&map).to_map();
        for (name, original) in map.iter() {
            let copy = kept.get(name).unwrap_or_else(|| panic!("{name} kept"));
            if copy == original {
                assert_ne!(
                    copy.as_bytes().as_ptr(),
                    original.as_bytes().as_ptr(),
                    "{name}"
                );
            }
        }
    }
}
