//! The CONNECT check the application supplies: it sees the CONNECT auth payload and the
//! handshake, and returns the user data kept on the socket (and shown by presence).

use std::collections::HashMap;

use actix_web::http::header::HeaderMap;
use futures::future::BoxFuture;
use serde_json::Value;

/// What a client sent to join a namespace.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    /// The namespace (`/` or a registered one).
    pub namespace: String,
    /// The CONNECT payload (`io(url, { auth })`), `{}` when absent.
    pub auth: Value,
    /// Query parameters of the Engine.IO handshake.
    pub query: HashMap<String, String>,
    /// Headers of the Engine.IO handshake.
    pub headers: HeaderMap,
}

/// A refused CONNECT: sent to the client as CONNECT_ERROR `{message, data?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRefusal {
    /// The `message` field.
    pub message: String,
    /// An optional `data` field.
    pub data: Option<Value>,
}

impl ConnectRefusal {
    /// `{message: "unauthorized"}`.
    pub fn unauthorized() -> Self {
        Self {
            message: "unauthorized".to_owned(),
            data: None,
        }
    }

    /// The CONNECT_ERROR payload.
    pub(crate) fn to_json(&self) -> Value {
        let mut body = serde_json::json!({ "message": self.message });
        if let (Some(data), Some(map)) = (&self.data, body.as_object_mut()) {
            map.insert("data".to_owned(), data.clone());
        }
        body
    }
}

/// Decides whether a CONNECT is accepted; `Ok` carries the socket's user data.
pub trait Authenticator: Send + Sync + 'static {
    /// Checks one CONNECT.
    fn authenticate(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Value, ConnectRefusal>>;
}

/// Accepts everyone; the user data is `null`. For tests and the conformance server.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl Authenticator for AllowAll {
    fn authenticate(&self, _: ConnectRequest) -> BoxFuture<'static, Result<Value, ConnectRefusal>> {
        Box::pin(async { Ok(Value::Null) })
    }
}

impl<F, Fut> Authenticator for F
where
    F: Fn(ConnectRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, ConnectRefusal>> + Send + 'static,
{
    fn authenticate(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Value, ConnectRefusal>> {
        Box::pin(self(request))
    }
}
