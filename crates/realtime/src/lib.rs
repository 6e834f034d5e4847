//! Real time: a Socket.IO server (Engine.IO v4 + Socket.IO v5) on actix-ws, mounted on the
//! same actix server as the HTTP API.
//!
//! - [`engine`]: sessions over HTTP long-polling and WebSocket, the polling -> WebSocket
//!   upgrade, heartbeats, `maxPayload`, CORS on polling, `{code, message}` errors.
//! - Socket.IO: namespaces, CONNECT with an auth payload checked by an [`Authenticator`],
//!   events and acks both ways, rooms (each socket is in the room named by its id).
//!   BINARY_EVENT / BINARY_ACK both ways: handlers get [`Args`] (JSON values with
//!   placeholders, plus the attachments), bounded by
//!   [`RealtimeOptions::max_attachments`], `max_payload` and
//!   [`RealtimeOptions::attachment_timeout`] (ADR 0018).
//! - [`adapter`]: local delivery, plus Redis pub/sub fan-out and presence across nodes.
//!
//! [`RealtimeConfig`] is the crate's environment section; the gateway builds the options of
//! the server, the Redis adapter and the terminal relay from it.
//!
//! The crate runs without PostgreSQL: the conformance example uses the local adapter only.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use realtime::{Realtime, RealtimeOptions, adapter::Adapter};
//! let rt = Realtime::builder(RealtimeOptions::default()).build()?;
//! rt.on("/", "ping", |socket, args, ack| async move {
//!     if let Some(ack) = ack { ack.send(args) }
//!     socket.join("lobby");
//! });
//! rt.to("lobby").emit("hello", serde_json::json!({"ok": true}));
//! actix_web::HttpServer::new({ let rt = rt.clone(); move || {
//!     actix_web::App::new().configure(|cfg| realtime::configure(cfg, &rt))
//! }});
//! # Ok(()) }
//! ```

pub mod adapter;
pub mod auth;
pub mod config;
pub mod docs;
pub mod engine;
pub mod error;
pub mod meetings;
pub mod metrics;
pub mod options;
mod server;
pub mod socketio;
pub mod terminal;

use std::{future::Future, sync::Arc};

use actix_web::web;
use serde_json::Value;

pub use adapter::{Adapter, RedisAdapter, RedisAdapterOptions};
pub use auth::{AllowAll, Authenticator, ConnectRefusal, ConnectRequest};
pub use config::RealtimeConfig;
pub use error::codes;
pub use metrics::RealtimeMetrics;
pub use options::{CorsPolicy, RealtimeOptions};
pub use socketio::broadcast::BroadcastOperator;
pub use socketio::{
    args::Args,
    socket::{AckError, AckSender, DisconnectReason, Socket},
};

/// One Socket.IO server. Cheap to clone; register handlers at any time.
#[derive(Clone)]
pub struct Realtime {
    inner: Arc<server::Inner>,
}

/// Builds a [`Realtime`].
pub struct RealtimeBuilder {
    options: RealtimeOptions,
    adapter: Adapter,
    authenticator: Arc<dyn Authenticator>,
    registry: Option<prometheus::Registry>,
}

impl RealtimeBuilder {
    /// The fan-out beyond this node (default: local only).
    pub fn adapter(mut self, adapter: Adapter) -> Self {
        self.adapter = adapter;
        self
    }

    /// The CONNECT check (default: [`AllowAll`]).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Arc::new(authenticator);
        self
    }

    /// Registers the metrics on this registry (e.g. `ctx.metrics.registry`).
    pub fn metrics(mut self, registry: &prometheus::Registry) -> Self {
        self.registry = Some(registry.clone());
        self
    }

    /// Starts the server's background tasks (call inside a Tokio runtime).
    pub fn build(self) -> anyhow::Result<Realtime> {
        let metrics = match &self.registry {
            Some(registry) => RealtimeMetrics::register(registry)?,
            None => RealtimeMetrics::new()?,
        };
        Ok(Realtime {
            inner: server::Inner::new(self.options, self.adapter, self.authenticator, metrics),
        })
    }
}

impl Realtime {
    /// A builder with these options, the local adapter and [`AllowAll`].
    pub fn builder(options: RealtimeOptions) -> RealtimeBuilder {
        RealtimeBuilder {
            options,
            adapter: Adapter::Local,
            authenticator: Arc::new(AllowAll),
            registry: None,
        }
    }

    /// The options.
    pub fn options(&self) -> &RealtimeOptions {
        &self.inner.options
    }

    /// The metrics.
    pub fn metrics(&self) -> &RealtimeMetrics {
        &self.inner.metrics
    }

    /// Declares a namespace (clients connecting to an undeclared one get "Invalid
    /// namespace"). `/` always exists; [`Realtime::on`] declares as a side effect.
    pub fn namespace(&self, nsp: &str) -> &Self {
        self.inner.namespace_or_create(nsp);
        self
    }

    /// Handles event `event` in namespace `nsp`: the socket, the arguments (binary ones as
    /// placeholders, see [`Args`]), and the ack responder when the client passed a callback.
    /// Replaces an earlier handler.
    pub fn on<F, Fut>(&self, nsp: &str, event: &str, handler: F) -> &Self
    where
        F: Fn(Socket, Args, Option<AckSender>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(move |s, a, k| Box::pin(handler(s, a, k)) as _);
        self.inner
            .namespace_or_create(nsp)
            .set_event(event, handler);
        self
    }

    /// Runs `handler` for each socket joining `nsp` (after its CONNECT was answered).
    pub fn on_connect<F, Fut>(&self, nsp: &str, handler: F) -> &Self
    where
        F: Fn(Socket) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(move |s| Box::pin(handler(s)) as _);
        self.inner.namespace_or_create(nsp).add_connect(handler);
        self
    }

    /// Runs `handler` for each socket leaving `nsp`, with the reason.
    pub fn on_disconnect<F, Fut>(&self, nsp: &str, handler: F) -> &Self
    where
        F: Fn(Socket, DisconnectReason) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(move |s, r| Box::pin(handler(s, r)) as _);
        self.inner.namespace_or_create(nsp).add_disconnect(handler);
        self
    }

    /// Runs `handler(namespace, room)` on the one node that found another node dead (its
    /// heartbeat expired), for each room that node's sockets had joined, after they were
    /// pruned from the room's presence: the place to tell the room who is left.
    pub fn on_presence_lost<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(String, String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: server::LostHandler = Arc::new(move |n, r| Box::pin(handler(n, r)));
        self.inner
            .lost
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(handler);
        self
    }

    /// A broadcast to every socket of `nsp` (narrow it with `.to(room)`).
    pub fn of(&self, nsp: &str) -> BroadcastOperator {
        BroadcastOperator::new(self.inner.clone(), nsp)
    }

    /// A broadcast to `room` of namespace `/` (a socket id targets that socket).
    pub fn to(&self, room: &str) -> BroadcastOperator {
        self.of("/").to(room)
    }

    /// The sockets in `room` of namespace `/` on every live node, with their user data.
    pub async fn presence(&self, room: &str) -> anyhow::Result<Vec<(String, Value)>> {
        self.presence_in("/", room).await
    }

    /// The sockets in `room` of `nsp` on every live node, with their user data. With the
    /// local adapter: this node's sockets.
    pub async fn presence_in(&self, nsp: &str, room: &str) -> anyhow::Result<Vec<(String, Value)>> {
        match self.inner.adapter.redis() {
            Some(redis) => redis.presence(nsp, room).await,
            None => Ok(self
                .inner
                .local_targets(nsp, &[room.to_owned()], &[])
                .into_iter()
                .map(|s| (s.id().to_owned(), s.data().clone()))
                .collect()),
        }
    }

    /// Closes every connection of this node (on SIGTERM): sockets leave their rooms and
    /// presence, disconnect handlers run; with Redis, waits until those writes are done, then
    /// leaves the cluster ([`RedisAdapter::leave`]: no other node takes it for dead).
    pub async fn shutdown(&self) {
        self.inner.engine.close_all();
        if let Some(redis) = self.inner.adapter.redis() {
            redis.flush().await;
            redis.leave().await;
        }
    }

    /// Number of open Engine.IO connections on this node.
    pub fn connection_count(&self) -> usize {
        self.inner.engine.session_count()
    }
}

/// Mounts the server at its path (`/socket.io/`, with and without the trailing slash).
pub fn configure(cfg: &mut web::ServiceConfig, realtime: &Realtime) {
    engine::mount(
        cfg,
        &realtime.inner.options.normalized_path(),
        &realtime.inner.engine,
    );
}
