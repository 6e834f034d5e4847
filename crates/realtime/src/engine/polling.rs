//! HTTP long-polling: `GET` waits for queued packets (one pending `GET` per session), `POST`
//! delivers the client's packets (one pending `POST` per session). Overlapping requests
//! break the protocol: the session is closed and the newcomer gets 400.

use std::{sync::Arc, time::Duration};

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures::StreamExt;
use tokio::time::Instant;

use super::{
    CloseReason, Engine, EngineError, Packet, Session, Transport, error::with_cors, packet,
};

const TEXT_PLAIN: &str = "text/plain; charset=UTF-8";

/// How long a poll pending during an upgrade waits for the client's `5`.
const UPGRADE_GRACE: Duration = Duration::from_millis(25);

/// Resets a pending flag when the request ends, even when the client went away mid-wait.
struct Pending {
    session: Arc<Session>,
    post: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut state = self.session.lock();
        if self.post {
            state.post_pending = false;
        } else {
            state.poll_pending = false;
        }
    }
}

fn text(req: &HttpRequest, engine: &Engine, body: String) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    with_cors(&mut builder, req, &engine.options().cors);
    builder
        .insert_header((header::CONTENT_TYPE, TEXT_PLAIN))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// Answers a poll that raced the client's own `close`.
pub fn noop(engine: &Engine, req: &HttpRequest) -> HttpResponse {
    text(req, engine, "6".to_owned())
}

/// Answers a `GET`: queued packets, or waits until there are some, the session closes
/// (`1`, or `6` after the client's own `close`), or an upgrade begins (`6`).
pub async fn poll(engine: &Engine, req: &HttpRequest, session: Arc<Session>) -> HttpResponse {
    {
        let mut state = session.lock();
        if state.poll_pending {
            drop(state);
            engine.close(&session, CloseReason::TransportError);
            return EngineError::BadRequest.response(req, &engine.options().cors);
        }
        state.poll_pending = true;
    }
    let _pending = Pending {
        session: session.clone(),
        post: false,
    };
    let max = engine.options().max_payload;
    let mut upgrade_grace: Option<Instant> = None;
    let packets = loop {
        let notified = session.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut state = session.lock();
            if let Some(reason) = state.closed {
                state.owes_noop = false;
                let mut packets = Session::drain(&mut state, usize::MAX);
                packets.push(if reason == CloseReason::TransportClose {
                    Packet::Noop
                } else {
                    Packet::Close
                });
                break packets;
            }
            match state.transport {
                // The upgrade is complete: polling is over for this session.
                Transport::WebSocket => {
                    drop(state);
                    return EngineError::BadRequest.response(req, &engine.options().cors);
                }
                // A probe arrived. The client's `5` usually follows at once; wait a moment
                // for it so a poll racing the upgrade (on another worker thread) is refused
                // as after the upgrade, else end the poll with a noop (the client sends
                // `5` only after it).
                Transport::Upgrading => {
                    let deadline =
                        *upgrade_grace.get_or_insert_with(|| Instant::now() + UPGRADE_GRACE);
                    if Instant::now() >= deadline {
                        break vec![Packet::Noop];
                    }
                }
                Transport::Polling => {
                    if !state.queue.is_empty() {
                        break Session::drain(&mut state, max);
                    }
                }
            }
        }
        match upgrade_grace {
            Some(deadline) => {
                let _ = tokio::time::timeout_at(deadline, notified).await;
            }
            None => notified.await,
        }
    };
    text(req, engine, packet::encode_payload(&packets))
}

/// Answers a `POST`: decodes the body (at most `maxPayload` bytes) and hands each packet on.
pub async fn push(
    engine: &Engine,
    req: &HttpRequest,
    mut body: web::Payload,
    session: Arc<Session>,
) -> HttpResponse {
    let cors = &engine.options().cors;
    {
        let mut state = session.lock();
        if state.post_pending {
            drop(state);
            engine.close(&session, CloseReason::TransportError);
            return EngineError::BadRequest.response(req, cors);
        }
        state.post_pending = true;
    }
    let _pending = Pending {
        session: session.clone(),
        post: true,
    };
    let max = engine.options().max_payload;
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            engine.close(&session, CloseReason::TransportError);
            return EngineError::BadRequest.response(req, cors);
        };
        if buf.len() + chunk.len() > max {
            engine.close(&session, CloseReason::TransportError);
            return EngineError::PayloadTooLarge.response(req, cors);
        }
        buf.extend_from_slice(&chunk);
    }
    let packets = std::str::from_utf8(&buf)
        .ok()
        .and_then(|body| Packet::decode_payload(body).ok());
    let Some(packets) = packets else {
        engine.close(&session, CloseReason::TransportError);
        return EngineError::BadRequest.response(req, cors);
    };
    for packet in packets {
        engine.on_packet(&session, packet);
    }
    text(req, engine, "ok".to_owned())
}
