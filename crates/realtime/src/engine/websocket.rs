//! The WebSocket transport (actix-ws): a direct WebSocket session, or the upgrade of a
//! polling session (`2probe` -> `3probe`, a `6` to the pending poll, then `5`). One task per
//! connection reads frames and flushes the session queue.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream};
use tokio::time::Instant;

use super::{CloseReason, Engine, EngineError, HandshakeInfo, Packet, Payload, Session, Transport};

/// Accepts the WebSocket and starts its task. A second WebSocket for a session that already
/// has one is accepted and closed right away, as the Node server does.
pub fn serve(
    engine: &Engine,
    req: &HttpRequest,
    body: web::Payload,
    session: Option<Arc<Session>>,
    handshake: impl FnOnce() -> HandshakeInfo,
) -> HttpResponse {
    let Ok((response, ws, stream)) = actix_ws::handle(req, body) else {
        return EngineError::BadRequest.response(req, &engine.options().cors);
    };
    let max = engine.options().max_payload;
    let stream = stream
        .max_frame_size(max)
        .aggregate_continuations()
        .max_continuation_size(max);
    match session {
        None => {
            let session = engine.open(Transport::WebSocket, handshake());
            actix_web::rt::spawn(run(engine.clone(), session, ws, stream, true));
        }
        Some(session) => {
            let claimed = {
                let mut state = session.lock();
                let free = state.transport == Transport::Polling && !state.ws_attached;
                if free {
                    state.ws_attached = true;
                }
                free
            };
            if claimed {
                actix_web::rt::spawn(run(engine.clone(), session, ws, stream, false));
            } else {
                actix_web::rt::spawn(async move {
                    let _ = ws.close(None).await;
                });
            }
        }
    }
    response
}

async fn send(ws: &mut actix_ws::Session, packet: Packet) -> Result<(), actix_ws::Closed> {
    match packet {
        Packet::Message(Payload::Binary(bytes)) => ws.binary(bytes).await,
        other => ws.text(other.encode_text().unwrap_or_default()).await,
    }
}

/// Gives the session back to polling after a failed upgrade.
fn abort_upgrade(session: &Session) {
    let mut state = session.lock();
    state.ws_attached = false;
    if state.transport == Transport::Upgrading {
        state.transport = Transport::Polling;
    }
}

enum Step {
    Continue,
    Upgraded,
    Abort,
}

/// Handles one text or binary frame before the upgrade completed.
async fn probe_step(ws: &mut actix_ws::Session, session: &Session, packet: Packet) -> Step {
    match packet {
        Packet::Ping(data) if data == "probe" => {
            if ws.text("3probe").await.is_err() {
                return Step::Abort;
            }
            session.set_transport(Transport::Upgrading);
            Step::Continue
        }
        Packet::Upgrade if session.transport() == Transport::Upgrading => {
            session.set_transport(Transport::WebSocket);
            Step::Upgraded
        }
        _ => Step::Abort,
    }
}

async fn run(
    engine: Engine,
    session: Arc<Session>,
    mut ws: actix_ws::Session,
    mut stream: AggregatedMessageStream,
    mut upgraded: bool,
) {
    let deadline = Instant::now() + engine.options().upgrade_timeout;
    loop {
        let notified = session.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if upgraded {
            let (packets, closed) = {
                let mut state = session.lock();
                (Session::drain(&mut state, usize::MAX), state.closed)
            };
            for packet in packets {
                if send(&mut ws, packet).await.is_err() {
                    engine.close(&session, CloseReason::TransportClose);
                    return;
                }
                // Let the connection write this frame on its own, as the Node server does
                // (clients that handle frames synchronously per read depend on it).
                tokio::task::yield_now().await;
            }
            if closed.is_some() {
                let _ = ws.close(None).await;
                return;
            }
        } else if session.is_closed() {
            let _ = ws.close(None).await;
            return;
        }
        let frame = tokio::select! {
            _ = &mut notified => continue,
            _ = tokio::time::sleep_until(deadline), if !upgraded => None,
            frame = stream.recv() => Some(frame),
        };
        let packet = match frame {
            Some(Some(Ok(AggregatedMessage::Text(text)))) => Packet::decode_text(&text).ok(),
            Some(Some(Ok(AggregatedMessage::Binary(bytes)))) => {
                Some(Packet::Message(Payload::Binary(bytes)))
            }
            Some(Some(Ok(AggregatedMessage::Ping(bytes)))) => {
                let _ = ws.pong(&bytes).await;
                continue;
            }
            Some(Some(Ok(AggregatedMessage::Pong(_)))) => continue,
            Some(Some(Ok(AggregatedMessage::Close(_)))) | Some(None) => {
                if upgraded {
                    engine.close(&session, CloseReason::TransportClose);
                } else {
                    abort_upgrade(&session);
                }
                let _ = ws.close(None).await;
                return;
            }
            // An oversize or malformed frame, or the upgrade timed out.
            Some(Some(Err(_))) | None => None,
        };
        let Some(packet) = packet else {
            if upgraded {
                engine.close(&session, CloseReason::TransportError);
            } else {
                abort_upgrade(&session);
            }
            let _ = ws.close(None).await;
            return;
        };
        if upgraded {
            engine.on_packet(&session, packet);
            continue;
        }
        match probe_step(&mut ws, &session, packet).await {
            Step::Continue => {}
            Step::Upgraded => upgraded = true,
            Step::Abort => {
                abort_upgrade(&session);
                let _ = ws.close(None).await;
                return;
            }
        }
    }
}
