//! The official `socket.io-client` (npm, installed in `tests/node` by scripts/test.sh and CI)
//! against the Rust server: default options (polling, then the upgrade) and polling only;
//! CONNECT auth, server events, acks both ways, unknown namespace, refused auth.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::serve_realtime;
use realtime::{ConnectRefusal, ConnectRequest, Realtime, RealtimeOptions};
use serde_json::{Value, json};

async fn token_check(req: ConnectRequest) -> Result<Value, ConnectRefusal> {
    match req.auth["token"].as_str() {
        Some("good") => Ok(json!({"user": req.auth["user"].clone()})),
        _ => Err(ConnectRefusal::unauthorized()),
    }
}

fn server() -> Realtime {
    // The client's defaults are the Node server's; keep the server's defaults too.
    let rt = Realtime::builder(RealtimeOptions::default())
        .authenticator(token_check)
        .build()
        .unwrap();
    rt.on_connect("/", |socket| async move {
        let data = socket.data().clone();
        socket.emit("welcome", data);
    });
    rt.on("/", "echo", |_, args, ack| async move {
        if let Some(ack) = ack {
            ack.send(args);
        }
    });
    rt.on("/", "ask", |socket, _, _| async move {
        let answer = socket
            .emit_with_ack("question", vec![json!(41)], Duration::from_secs(3))
            .await
            .map(realtime::Args::into_values);
        socket.emit("answered", json!({"answer": answer.ok()}));
    });
    rt
}

async fn run_client(url: &str, mode: &str) -> Value {
    common::run_node("client.mjs", &[url, mode]).await
}

fn expected(transport: &str) -> Value {
    json!({
        "welcome": {"user": "u1"},
        "echo": {"a": 1},
        "answered": {"answer": [42]},
        "transport": transport,
        "nowhere": "Invalid namespace",
        "unauthorized": "unauthorized",
    })
}

#[actix_web::test]
async fn the_official_client_with_default_options_upgrades_and_round_trips() {
    let addr = serve_realtime(&server());
    let seen = run_client(&format!("http://{addr}"), "default").await;
    assert_eq!(seen, expected("websocket"));
}

#[actix_web::test]
async fn the_official_client_works_over_polling_only() {
    let addr = serve_realtime(&server());
    let seen = run_client(&format!("http://{addr}"), "polling").await;
    assert_eq!(seen, expected("polling"));
}
