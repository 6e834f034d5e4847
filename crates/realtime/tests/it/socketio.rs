//! Socket.IO v5 behaviour: namespaces, CONNECT auth, events, acks both ways, rooms and
//! broadcasts with `except` (binary packets: `binary.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{Ws, fast_options, serve_realtime};
use realtime::{AckError, ConnectRefusal, ConnectRequest, DisconnectReason, Realtime};
use serde_json::{Value, json};

/// Accepts CONNECTs whose auth carries `token: "good"`; the user data is `{user}`.
async fn token_check(req: ConnectRequest) -> Result<Value, ConnectRefusal> {
    match req.auth["token"].as_str() {
        Some("good") => Ok(json!({"user": req.auth["user"].clone()})),
        _ => Err(ConnectRefusal::unauthorized()),
    }
}

fn server() -> Realtime {
    let rt = Realtime::builder(fast_options())
        .authenticator(token_check)
        .build()
        .unwrap();
    rt.namespace("/admin");
    rt.on("/", "echo", |socket, args, ack| async move {
        match ack {
            Some(ack) => ack.send(args),
            None => {
                socket.emit_args("echo-back", args);
            }
        }
    });
    rt.on("/", "join", |socket, args, ack| async move {
        socket.join(args[0].as_str().unwrap());
        if let Some(ack) = ack {
            ack.reply(json!({"ok": true}));
        }
    });
    rt.on("/", "whoami", |socket, _, ack| async move {
        if let Some(ack) = ack {
            ack.reply(socket.data().clone());
        }
    });
    rt.on("/", "ask", |socket, _, _| async move {
        let answer = socket
            .emit_with_ack("question", vec![json!(41)], Duration::from_secs(2))
            .await;
        let reply = match answer {
            Ok(args) => json!({"answer": args.values()}),
            Err(AckError::Timeout) => json!({"answer": "timeout"}),
            Err(AckError::Disconnected) => json!({"answer": "gone"}),
        };
        socket.emit("answered", reply);
    });
    rt
}

const GOOD: &str = r#"{"token":"good","user":"u1"}"#;

#[actix_web::test]
async fn connect_answers_with_a_socket_id_and_keeps_the_user_data() {
    let addr = serve_realtime(&server());
    let (mut ws, sid) = Ws::socketio(addr, "/", GOOD).await;
    assert!(!sid.is_empty());
    ws.send(r#"421["whoami"]"#).await;
    assert_eq!(ws.text().await, r#"431[{"user":"u1"}]"#);
}

#[actix_web::test]
async fn bad_auth_gets_connect_error_unauthorized() {
    let addr = serve_realtime(&server());
    let mut ws = Ws::connect(addr, "/socket.io/", None).await;
    assert!(ws.text().await.starts_with('0'));
    ws.send(r#"40{"token":"bad"}"#).await;
    assert_eq!(ws.text().await, r#"44{"message":"unauthorized"}"#);
    ws.send("40").await;
    assert_eq!(ws.text().await, r#"44{"message":"unauthorized"}"#);
}

#[actix_web::test]
async fn namespaces_are_joined_on_one_connection_and_unknown_ones_refused() {
    let addr = serve_realtime(&server());
    let (mut ws, main) = Ws::socketio(addr, "/", GOOD).await;
    let admin = ws.join("/admin", GOOD).await;
    assert_ne!(main, admin);
    ws.send("40/nowhere,").await;
    assert_eq!(
        ws.text().await,
        r#"44/nowhere,{"message":"Invalid namespace"}"#
    );
    ws.send("41/admin,").await;
    ws.send(r#"42["echo","still here"]"#).await;
    assert_eq!(ws.text().await, r#"42["echo-back","still here"]"#);
}

#[actix_web::test]
async fn client_acks_and_server_acks_round_trip() {
    let addr = serve_realtime(&server());
    let (mut ws, _) = Ws::socketio(addr, "/", GOOD).await;
    ws.send(r#"427["echo",1,"two",{"3":[true]}]"#).await;
    assert_eq!(ws.text().await, r#"437[1,"two",{"3":[true]}]"#);

    ws.send(r#"42["ask"]"#).await;
    let question = ws.text().await;
    let id = question
        .strip_prefix("42")
        .and_then(|r| r.strip_suffix(r#"["question",41]"#))
        .unwrap_or_else(|| panic!("unexpected {question}"));
    ws.send(&format!("43{id}[42]")).await;
    assert_eq!(ws.text().await, r#"42["answered",{"answer":[42]}]"#);
}

#[actix_web::test]
async fn server_ack_times_out() {
    let rt = server();
    rt.on("/", "ask-fast", |socket, _, _| async move {
        let answer = socket
            .emit_with_ack("question", vec![], Duration::from_millis(100))
            .await;
        socket.emit("answered", answer.err().map(|e| e.to_string()));
    });
    let addr = serve_realtime(&rt);
    let (mut ws, _) = Ws::socketio(addr, "/", GOOD).await;
    ws.send(r#"42["ask-fast"]"#).await;
    assert!(ws.text().await.ends_with(r#"["question"]"#));
    assert_eq!(ws.text().await, r#"42["answered","ack timed out"]"#);
}

#[actix_web::test]
async fn rooms_broadcast_with_except_and_socket_id_rooms() {
    let rt = server();
    let addr = serve_realtime(&rt);
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (mut ws, sid) = Ws::socketio(addr, "/", GOOD).await;
        ws.send(r#"421["join","r1"]"#).await;
        assert_eq!(ws.text().await, r#"431[{"ok":true}]"#);
        clients.push((ws, sid));
    }
    let skipped = clients[1].1.clone();
    rt.to("r1").except(&skipped).emit("news", json!({"n": 1}));
    rt.to(&skipped).emit("direct", json!("only you"));
    assert_eq!(clients[0].0.text().await, r#"42["news",{"n":1}]"#);
    assert_eq!(clients[2].0.text().await, r#"42["news",{"n":1}]"#);
    assert_eq!(clients[1].0.text().await, r#"42["direct","only you"]"#);

    let mut present: Vec<String> = rt
        .presence("r1")
        .await
        .unwrap()
        .into_iter()
        .map(|(sid, data)| {
            assert_eq!(data, json!({"user": "u1"}));
            sid
        })
        .collect();
    present.sort();
    let mut expected: Vec<String> = clients.iter().map(|(_, s)| s.clone()).collect();
    expected.sort();
    assert_eq!(present, expected);

    assert_eq!(rt.metrics().sockets.get(), 3);
    assert_eq!(
        rt.metrics().rooms.get(),
        1,
        "r1; the sockets' own rooms do not count"
    );
    assert_eq!(
        rt.metrics().messages_in.with_label_values(&["join"]).get(),
        3
    );
    assert_eq!(
        rt.metrics().messages_out.with_label_values(&["news"]).get(),
        2
    );
}

#[actix_web::test]
async fn shutdown_closes_every_connection_and_runs_disconnect_handlers() {
    let rt = server();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.on_disconnect("/", move |socket, reason| {
        let tx = tx.clone();
        async move {
            let _ = tx.send((socket.id().to_owned(), reason));
        }
    });
    let addr = serve_realtime(&rt);
    let (mut ws, sid) = Ws::socketio(addr, "/", GOOD).await;
    rt.shutdown().await;
    ws.closed().await;
    let (gone, reason) = rx.recv().await.unwrap();
    assert_eq!((gone, reason), (sid, DisconnectReason::ForcedClose));
    assert_eq!(rt.connection_count(), 0);
    assert_eq!(rt.metrics().sockets.get(), 0);
}

#[actix_web::test]
async fn malformed_packets_close_the_connection() {
    let addr = serve_realtime(&server());
    for bad in ["4abc", "42{}", r#"42abc["echo"]"#] {
        let (mut ws, _) = Ws::socketio(addr, "/", GOOD).await;
        ws.send(bad).await;
        ws.closed().await;
    }
}

#[actix_web::test]
async fn socket_io_works_over_polling() {
    let addr = serve_realtime(&server());
    let client = common::Polling::new(addr, "/socket.io/");
    let (sid, _) = client.open().await;
    client.post(&sid, format!("40{GOOD}")).await;
    let (_, connect) = client.get(&sid).await;
    assert!(connect.starts_with("40{\"sid\":"), "{connect}");
    client.post(&sid, r#"42["echo","a"]"#).await;
    assert_eq!(client.get(&sid).await.1, r#"42["echo-back","a"]"#);
}
