//! A standalone server on port 3000 configured the way the official test suites expect:
//!
//! - Engine.IO suite (`socketio/engine.io-protocol` `test-suite/`): path `/engine.io/`, an
//!   echo of every message, pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6.
//! - Socket.IO suite (`socketio/socket.io-protocol` `test-suite/`): path `/socket.io/`, the
//!   same heartbeat, connectTimeout 1 s, namespaces `/` and `/custom` emitting `auth` with the
//!   CONNECT payload, `message` echoed as `message-back`, `message-with-ack` acked with its
//!   arguments (binary attachments included: they go back as BINARY_EVENT / BINARY_ACK).
//!
//! No PostgreSQL, no Redis. Run: `cargo run -p realtime --example conformance`.

use std::{sync::Arc, time::Duration};

use actix_web::{App, HttpServer};
use realtime::{
    CorsPolicy, Realtime, RealtimeOptions,
    engine::{self, CloseReason, Engine, EngineHandler, HandshakeInfo, Packet, Payload, Session},
};

/// Sends every message back as it came.
struct Echo;

impl EngineHandler for Echo {
    fn on_open(&self, _: &Arc<Session>, _: HandshakeInfo) {}

    fn on_message(&self, session: &Arc<Session>, payload: Payload) {
        session.send(Packet::Message(payload));
    }

    fn on_close(&self, _: &Arc<Session>, _: CloseReason) {}
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let options = RealtimeOptions {
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(200),
        max_payload: 1_000_000,
        connect_timeout: Duration::from_secs(1),
        cors: CorsPolicy::AllowAll,
        ..RealtimeOptions::default()
    };
    let echo = Engine::new(
        RealtimeOptions {
            path: "/engine.io/".to_owned(),
            ..options.clone()
        },
        Arc::new(Echo),
    );
    let rt = Realtime::builder(options).build()?;
    for nsp in ["/", "/custom"] {
        rt.on_connect(nsp, |socket| async move {
            let auth = socket.auth().clone();
            socket.emit("auth", auth);
        });
    }
    rt.on("/", "message", |socket, args, _| async move {
        socket.emit_args("message-back", args);
    });
    rt.on("/", "message-with-ack", |_, args, ack| async move {
        if let Some(ack) = ack {
            ack.send(args);
        }
    });
    println!("conformance server on http://127.0.0.1:{port} (/engine.io/ and /socket.io/)");
    HttpServer::new(move || {
        let echo = echo.clone();
        let rt = rt.clone();
        App::new().configure(move |cfg| {
            engine::mount(cfg, "/engine.io/", &echo);
            realtime::configure(cfg, &rt);
        })
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
