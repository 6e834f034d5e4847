//! The official `socket.io-client` (npm, installed in `tests/node` by scripts/test.sh and CI)
//! against the Rust server: default options (polling, then the upgrade) and polling only;
//! CONNECT auth, server events, acks both ways, unknown namespace, refused auth.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{path::PathBuf, time::Duration};

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
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/socket.io-client").exists(),
        "npm packages missing: run `npm ci --prefix crates/realtime/tests/node` (scripts/test.sh does)"
    );
    let out = tokio::process::Command::new("node")
        .arg(dir.join("client.mjs"))
        .arg(url)
        .arg(mode)
        .current_dir(&dir)
        .output()
        .await
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client.mjs failed: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("client.mjs printed {stdout:?}: {e}"))
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
