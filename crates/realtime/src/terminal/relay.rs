//! The relay: per session one producer (a second one is refused while the first is
//! connected) and any number of read-only viewers. The producer's frames reach every viewer
//! in order through one broadcast channel; a viewer too slow to keep up is closed rather
//! than shown a gap. Frames over the size limit close the sender (1009); a connection that
//! is idle for the idle timeout is closed (1000).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use actix_web::{HttpRequest, HttpResponse, ResponseError, web, web::Bytes};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use futures::StreamExt;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::token::TerminalRole;

/// Relay settings.
#[derive(Debug, Clone)]
pub struct RelayOptions {
    /// Largest frame accepted, in bytes (default 64 KiB).
    pub max_frame: usize,
    /// A connection with no traffic for this long is closed (default 5 minutes).
    pub idle_timeout: Duration,
    /// Frames a viewer may fall behind before it is closed (default 1024).
    pub viewer_buffer: usize,
}

impl RelayOptions {
    /// `TERMINAL_MAX_FRAME_BYTES` and `TERMINAL_IDLE_TIMEOUT_SECS`.
    pub fn from_config(config: &crate::RealtimeConfig) -> Self {
        Self {
            max_frame: config.terminal_max_frame,
            idle_timeout: config.terminal_idle_timeout,
            ..Self::default()
        }
    }
}

impl Default for RelayOptions {
    fn default() -> Self {
        Self {
            max_frame: 64 * 1024,
            idle_timeout: Duration::from_secs(300),
            viewer_buffer: 1024,
        }
    }
}

/// One relayed frame, stamped for the latency histogram.
#[derive(Clone)]
enum Frame {
    Text(String, Instant),
    Binary(Bytes, Instant),
}

struct Channel {
    tx: broadcast::Sender<Frame>,
    producer: bool,
}

/// The sessions of this node.
#[derive(Clone)]
pub struct Relay {
    options: RelayOptions,
    sessions: Arc<Mutex<HashMap<Uuid, Channel>>>,
    latency: prometheus::Histogram,
}

impl Relay {
    /// A relay; `latency` observes producer-to-viewer delivery in seconds.
    pub fn new(options: RelayOptions, latency: prometheus::Histogram) -> Self {
        Self {
            options,
            sessions: Arc::default(),
            latency,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Uuid, Channel>) -> T) -> T {
        f(&mut self.sessions.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The channel of `session`, claiming the producer slot when `producer`; `None` when a
    /// producer is already connected.
    fn attach(&self, session: Uuid, producer: bool) -> Option<broadcast::Sender<Frame>> {
        let buffer = self.options.viewer_buffer;
        self.with(|sessions| {
            let channel = sessions.entry(session).or_insert_with(|| Channel {
                tx: broadcast::channel(buffer).0,
                producer: false,
            });
            if producer {
                if channel.producer {
                    return None;
                }
                channel.producer = true;
            }
            Some(channel.tx.clone())
        })
    }

    /// Releases the producer slot, and forgets the session once nobody is attached.
    fn detach(&self, session: Uuid, producer: bool) {
        self.with(|sessions| {
            if let Some(channel) = sessions.get_mut(&session) {
                if producer {
                    channel.producer = false;
                }
                // the detaching side's own sender or receiver is still counted here
                if !channel.producer && channel.tx.receiver_count() <= usize::from(!producer) {
                    sessions.remove(&session);
                }
            }
        });
    }

    /// Number of sessions with someone attached.
    pub fn session_count(&self) -> usize {
        self.with(|s| s.len())
    }

    /// Upgrades `req` to a WebSocket for `role` of `session`.
    pub fn serve(
        &self,
        req: &HttpRequest,
        body: web::Payload,
        session: Uuid,
        role: TerminalRole,
    ) -> HttpResponse {
        let producer = role == TerminalRole::Producer;
        let Some(tx) = self.attach(session, producer) else {
            return kernel::AppError::new(
                &crate::codes::PRODUCER_CONNECTED,
                "this terminal session already has a producer",
            )
            .error_response();
        };
        let (response, ws, stream) = match actix_ws::handle(req, body) {
            Ok(parts) => parts,
            Err(err) => {
                self.detach(session, producer);
                return err.error_response();
            }
        };
        let stream = stream
            .max_frame_size(self.options.max_frame)
            .aggregate_continuations()
            .max_continuation_size(self.options.max_frame);
        let relay = self.clone();
        actix_web::rt::spawn(async move {
            let reason = if producer {
                relay.produce(ws.clone(), stream, tx).await
            } else {
                relay.view(ws.clone(), stream, tx.subscribe()).await
            };
            relay.detach(session, producer);
            let _ = ws.close(reason).await;
        });
        response
    }

    async fn produce(
        &self,
        mut ws: actix_ws::Session,
        mut stream: actix_ws::AggregatedMessageStream,
        tx: broadcast::Sender<Frame>,
    ) -> Option<CloseReason> {
        loop {
            let next = tokio::time::timeout(self.options.idle_timeout, stream.next()).await;
            let frame = match next {
                Err(_) => return Some(idle()),
                Ok(None) => return None,
                Ok(Some(Err(_))) => return Some(too_big()),
                Ok(Some(Ok(msg))) => match msg {
                    AggregatedMessage::Text(text) => Frame::Text(text.to_string(), Instant::now()),
                    AggregatedMessage::Binary(bin) => Frame::Binary(bin, Instant::now()),
                    AggregatedMessage::Ping(p) => {
                        let _ = ws.pong(&p).await;
                        continue;
                    }
                    AggregatedMessage::Pong(_) => continue,
                    AggregatedMessage::Close(reason) => return reason,
                },
            };
            // no viewer yet is fine: frames are live, not stored
            let _ = tx.send(frame);
        }
    }

    async fn view(
        &self,
        mut ws: actix_ws::Session,
        mut stream: actix_ws::AggregatedMessageStream,
        mut rx: broadcast::Receiver<Frame>,
    ) -> Option<CloseReason> {
        let mut last = Instant::now();
        loop {
            let idle_left = self.options.idle_timeout.saturating_sub(last.elapsed());
            tokio::select! {
                frame = rx.recv() => {
                    let sent = match frame {
                        Ok(Frame::Text(text, at)) => {
                            self.latency.observe(at.elapsed().as_secs_f64());
                            ws.text(text).await
                        }
                        Ok(Frame::Binary(bin, at)) => {
                            self.latency.observe(at.elapsed().as_secs_f64());
                            ws.binary(bin).await
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            return Some(CloseReason {
                                code: CloseCode::Policy,
                                description: Some("viewer too slow: frames were lost".into()),
                            });
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    };
                    if sent.is_err() {
                        return None;
                    }
                    last = Instant::now();
                }
                msg = stream.next() => match msg {
                    None => return None,
                    Some(Err(_)) => return Some(too_big()),
                    Some(Ok(AggregatedMessage::Ping(p))) => {
                        let _ = ws.pong(&p).await;
                        last = Instant::now();
                    }
                    Some(Ok(AggregatedMessage::Close(reason))) => return reason,
                    // viewers are read-only: their frames only count as activity
                    Some(Ok(_)) => last = Instant::now(),
                },
                () = tokio::time::sleep(idle_left) => return Some(idle()),
            }
        }
    }
}

fn idle() -> CloseReason {
    CloseReason {
        code: CloseCode::Normal,
        description: Some("idle timeout".into()),
    }
}

fn too_big() -> CloseReason {
    CloseReason {
        code: CloseCode::Size,
        description: Some("frame too large or malformed".into()),
    }
}
