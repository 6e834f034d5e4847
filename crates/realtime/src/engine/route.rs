//! The one HTTP entry point: validates `EIO`, `transport` and `sid`, then hands the request to
//! the handshake, a poll, a push, or the WebSocket transport.

use std::collections::HashMap;

use actix_web::{
    HttpRequest, HttpResponse,
    http::{Method, header},
    web,
};

use super::{Engine, EngineError, HandshakeInfo, Headers, Transport, error, polling, websocket};

fn is_websocket_upgrade(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Serves one request to the Engine.IO path.
pub async fn handle(req: HttpRequest, body: web::Payload, engine: Engine) -> HttpResponse {
    let cors = &engine.options().cors;
    if req.method() == Method::OPTIONS {
        return error::preflight(&req, cors);
    }
    if !error::origin_allowed(&req, cors) {
        return EngineError::Forbidden.response(&req, cors);
    }
    let query: HashMap<String, String> =
        match web::Query::<HashMap<String, String>>::from_query(req.query_string()) {
            Ok(q) => q.into_inner(),
            Err(_) => return EngineError::BadRequest.response(&req, cors),
        };
    if query.get("EIO").map(String::as_str) != Some("4") {
        return EngineError::UnsupportedProtocolVersion.response(&req, cors);
    }
    let websocket = match query.get("transport").map(String::as_str) {
        Some("polling") => false,
        Some("websocket") => true,
        _ => return EngineError::UnknownTransport.response(&req, cors),
    };
    let session = match query.get("sid") {
        None => None,
        Some(sid) => match engine.session(sid) {
            Some(s) if s.pong_overdue() => {
                engine.close(&s, super::CloseReason::PingTimeout);
                return EngineError::UnknownSid.response(&req, cors);
            }
            Some(s) if !s.is_closed() => Some(s),
            Some(s) => {
                engine.forget(&s);
                if !websocket && req.method() == Method::GET && s.take_owed_noop() {
                    return polling::noop(&engine, &req);
                }
                return EngineError::UnknownSid.response(&req, cors);
            }
            None => return EngineError::UnknownSid.response(&req, cors),
        },
    };
    let handshake = || HandshakeInfo {
        query: query.clone(),
        headers: Headers::of(req.headers()),
    };
    if websocket {
        if req.method() != Method::GET || !is_websocket_upgrade(&req) {
            return EngineError::BadRequest.response(&req, cors);
        }
        return websocket::serve(&engine, &req, body, session, handshake);
    }
    match (session, req.method()) {
        (None, &Method::GET) => {
            let session = engine.open(Transport::Polling, handshake());
            polling::poll(&engine, &req, session).await
        }
        (None, _) => EngineError::BadHandshakeMethod.response(&req, cors),
        (Some(session), method) => {
            if session.transport() == Transport::WebSocket {
                return EngineError::BadRequest.response(&req, cors);
            }
            match *method {
                Method::GET => polling::poll(&engine, &req, session).await,
                Method::POST => polling::push(&engine, &req, body, session).await,
                _ => EngineError::BadRequest.response(&req, cors),
            }
        }
    }
}

/// Mounts `engine` at `path` (given with a trailing slash), with and without the slash.
pub fn mount(cfg: &mut web::ServiceConfig, path: &str, engine: &Engine) {
    let bare = path.trim_end_matches('/');
    for p in [path, bare] {
        if p.is_empty() {
            continue;
        }
        let engine = engine.clone();
        cfg.route(
            p,
            web::route()
                .to(move |req: HttpRequest, body: web::Payload| handle(req, body, engine.clone())),
        );
    }
}
