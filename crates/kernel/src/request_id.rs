//! Request ids: every request gets one (the client's `X-Request-Id` when it sent a sane one,
//! otherwise a UUID v7), every response and every problem body carries it, and the tracing
//! span of the request records it.

use actix_web::{HttpMessage, dev::ServiceRequest, http::header::HeaderName};

/// The header that carries the id both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The id of one request, stored in the request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The client's id when it is 1-128 visible ASCII characters, otherwise a new UUID v7.
    pub fn from_request(req: &ServiceRequest) -> Self {
        let given = req
            .headers()
            .get(&HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()));
        Self(given.map_or_else(|| crate::ids::new_id().to_string(), str::to_owned))
    }
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(|id| id.0.clone()).ok()
}

/// Runs `fut` with `id` as the current request id.
pub async fn scope<F: Future>(id: RequestId, fut: F) -> F::Output {
    CURRENT.scope(id, fut).await
}

/// Reads the id stored in a request's extensions.
pub fn of(req: &impl HttpMessage) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}
