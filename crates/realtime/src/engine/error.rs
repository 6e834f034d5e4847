//! The Engine.IO error answers (`{code, message}` JSON, as the Node server sends them) and the
//! CORS headers of every polling response.

use actix_web::{
    HttpRequest, HttpResponse, HttpResponseBuilder,
    http::{StatusCode, header},
};

use crate::options::CorsPolicy;

/// A request the server refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// `transport` missing or not `polling`/`websocket` (code 0).
    #[error("Transport unknown")]
    UnknownTransport,
    /// `sid` not known, or the session has ended (code 1).
    #[error("Session ID unknown")]
    UnknownSid,
    /// A handshake with a method other than GET (code 2).
    #[error("Bad handshake method")]
    BadHandshakeMethod,
    /// Anything else malformed: bad packet, overlapping requests, wrong transport (code 3).
    #[error("Bad request")]
    BadRequest,
    /// The origin is not allowed (code 4).
    #[error("Forbidden")]
    Forbidden,
    /// `EIO` missing or not `4` (code 5).
    #[error("Unsupported protocol version")]
    UnsupportedProtocolVersion,
    /// A body larger than `maxPayload` (HTTP 413, code 3 as in Node).
    #[error("Payload too large")]
    PayloadTooLarge,
}

impl EngineError {
    /// The numeric code of the Node server.
    pub fn code(self) -> u8 {
        match self {
            EngineError::UnknownTransport => 0,
            EngineError::UnknownSid => 1,
            EngineError::BadHandshakeMethod => 2,
            EngineError::BadRequest | EngineError::PayloadTooLarge => 3,
            EngineError::Forbidden => 4,
            EngineError::UnsupportedProtocolVersion => 5,
        }
    }

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            EngineError::Forbidden => StatusCode::FORBIDDEN,
            EngineError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON answer, with CORS headers. Marked deliberate so the gateway's problem+json
    /// middleware leaves the Engine.IO shape alone.
    pub fn response(self, req: &HttpRequest, cors: &CorsPolicy) -> HttpResponse {
        let body = serde_json::json!({"code": self.code(), "message": self.to_string()});
        let mut builder = HttpResponse::build(self.status());
        with_cors(&mut builder, req, cors);
        kernel::http::deliberate(builder.json(body))
    }
}

/// Adds the CORS headers for an allowed `Origin` (none without one).
pub fn with_cors(builder: &mut HttpResponseBuilder, req: &HttpRequest, cors: &CorsPolicy) {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return;
    };
    let allowed = origin.to_str().map(|o| cors.allows(o)).unwrap_or(false);
    if allowed {
        builder
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone()))
            .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
            .insert_header((header::VARY, "Origin"));
    }
}

/// Whether a browser request from this origin may proceed.
pub fn origin_allowed(req: &HttpRequest, cors: &CorsPolicy) -> bool {
    match req.headers().get(header::ORIGIN) {
        None => true,
        Some(origin) => origin.to_str().map(|o| cors.allows(o)).unwrap_or(false),
    }
}

/// The answer to a CORS preflight.
pub fn preflight(req: &HttpRequest, cors: &CorsPolicy) -> HttpResponse {
    if !origin_allowed(req, cors) {
        return EngineError::Forbidden.response(req, cors);
    }
    let mut builder = HttpResponse::NoContent();
    with_cors(&mut builder, req, cors);
    builder
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"))
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            req.headers()
                .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .cloned()
                .unwrap_or_else(|| header::HeaderValue::from_static("content-type")),
        ))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
        .finish()
}
