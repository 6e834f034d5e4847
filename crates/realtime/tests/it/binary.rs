//! Binary Socket.IO packets (BINARY_EVENT / BINARY_ACK): the wire form over WebSocket
//! (binary frames) and polling (`b` + base64 records), acks with binary both ways, the
//! official client relaying a file to another (polling, WebSocket, and across two nodes
//! through Redis), and the refusal of packets over the limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{common, redis_adapter};

use std::time::{Duration, Instant};

use common::{Frame, Polling, Ws, fast_options, serve_realtime};
use realtime::{Args, DisconnectReason, Realtime, RealtimeOptions};
use serde_json::json;
use tokio::sync::mpsc;

/// The bytes the Node script sends: every value 0..255 once there are 256 or more.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 31 + 7) & 0xff) as u8).collect()
}

/// `join` (acked), `file` relayed to the room `files`, `echo` acked with its arguments or
/// sent back as `bounce`, `ask` (a `need-bytes` question the client acks with bytes, then
/// `got {len, intact}`).
fn handlers(rt: &Realtime) {
    rt.on("/", "join", |socket, args, ack| async move {
        socket.join(args[0].as_str().unwrap());
        if let Some(ack) = ack {
            ack.send(vec![]);
        }
    });
    rt.on("/", "file", |socket, args, _| async move {
        socket.to("files").emit_args("file", args);
    });
    rt.on("/", "echo", |socket, args, ack| async move {
        match ack {
            Some(ack) => ack.send(args),
            None => {
                socket.emit_args("bounce", args);
            }
        }
    });
    rt.on("/", "ask", |socket, args, _| async move {
        let n = args[0].as_u64().unwrap() as usize;
        let answer = socket
            .emit_with_ack("need-bytes", vec![json!(n)], Duration::from_secs(5))
            .await;
        let got = match answer {
            Ok(args) => {
                let bytes = args.first().and_then(|v| args.binary(v));
                json!({
                    "len": bytes.map(|b| b.len()),
                    "intact": bytes.is_some_and(|b| b.as_ref() == pattern(n).as_slice()),
                })
            }
            Err(err) => json!({"error": err.to_string()}),
        };
        socket.emit("got", got);
    });
}

/// Small limits for the raw tests (2 attachments, 10 kB, 300 ms) and heartbeats long
/// enough not to interfere.
fn limited() -> RealtimeOptions {
    RealtimeOptions {
        ping_interval: Duration::from_secs(10),
        ping_timeout: Duration::from_secs(10),
        max_payload: 10_000,
        max_attachments: 2,
        attachment_timeout: Duration::from_millis(300),
        ..fast_options()
    }
}

/// A server with [`handlers`] that reports each disconnect reason.
fn server(options: RealtimeOptions) -> (Realtime, mpsc::UnboundedReceiver<DisconnectReason>) {
    let rt = Realtime::builder(options).build().unwrap();
    handlers(&rt);
    let (tx, rx) = mpsc::unbounded_channel();
    rt.on_disconnect("/", move |_, reason| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(reason);
        }
    });
    (rt, rx)
}

const TWO: &str = r#"{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}"#;

#[actix_web::test]
async fn binary_events_and_acks_travel_as_binary_websocket_frames() {
    let (rt, _) = server(limited());
    let addr = serve_realtime(&rt);
    let (mut ws, sid) = Ws::socketio(addr, "/", "{}").await;

    // As the official suite sends them.
    ws.send(&format!(r#"452-["echo",{TWO}]"#)).await;
    ws.send_binary(vec![1, 2, 3]).await;
    ws.send_binary(vec![4, 5, 6]).await;
    assert_eq!(ws.text().await, format!(r#"452-["bounce",{TWO}]"#));
    assert_eq!(ws.frame().await, Frame::Binary(vec![1, 2, 3]));
    assert_eq!(ws.frame().await, Frame::Binary(vec![4, 5, 6]));

    ws.send(&format!(r#"452-789["echo",{TWO}]"#)).await;
    ws.send_binary(vec![1, 2, 3]).await;
    ws.send_binary(vec![4, 5, 6]).await;
    assert_eq!(ws.text().await, format!("462-789[{TWO}]"));
    assert_eq!(ws.frame().await, Frame::Binary(vec![1, 2, 3]));
    assert_eq!(ws.frame().await, Frame::Binary(vec![4, 5, 6]));

    // No attachments announced: an ordinary event.
    ws.send(r#"450-["echo","plain"]"#).await;
    assert_eq!(ws.text().await, r#"42["bounce","plain"]"#);

    // Built on the server, placeholder nested in an object, through a broadcast.
    let mut args = Args::default();
    let data = args.attach(vec![0u8, 255]);
    args.push(json!({"name": "x.bin", "data": data}));
    rt.to(&sid).emit_args("made", args);
    assert_eq!(
        ws.text().await,
        r#"451-["made",{"data":{"_placeholder":true,"num":0},"name":"x.bin"}]"#
    );
    assert_eq!(ws.frame().await, Frame::Binary(vec![0, 255]));
}

#[actix_web::test]
async fn binary_packets_travel_as_base64_records_over_polling() {
    let (rt, _) = server(limited());
    let addr = serve_realtime(&rt);
    let client = Polling::new(addr, "/socket.io/");
    let (sid, _) = client.open().await;
    client.post(&sid, "40").await;
    assert!(client.get(&sid).await.1.starts_with("40"));

    let ph = r#"{"_placeholder":true,"num":0}"#;
    client
        .post(&sid, format!("451-[\"echo\",{ph}]\x1ebAQID"))
        .await;
    assert_eq!(
        client.get(&sid).await.1,
        format!("451-[\"bounce\",{ph}]\x1ebAQID")
    );

    // Attachments may come in a later POST than their packet.
    client
        .post(&sid, format!("452-[\"echo\",{TWO}]\x1ebAQ=="))
        .await;
    client.post(&sid, "bAg==").await;
    assert_eq!(
        client.get(&sid).await.1,
        format!("452-[\"bounce\",{TWO}]\x1ebAQ==\x1ebAg==")
    );
}

#[actix_web::test]
async fn a_binary_ack_from_the_client_reaches_emit_with_ack() {
    let (rt, _) = server(limited());
    let addr = serve_realtime(&rt);
    let (mut ws, _) = Ws::socketio(addr, "/", "{}").await;
    ws.send(r#"42["ask",300]"#).await;
    let question = ws.text().await;
    let id = question
        .strip_prefix("42")
        .and_then(|r| r.strip_suffix(r#"["need-bytes",300]"#))
        .unwrap_or_else(|| panic!("unexpected {question}"));
    ws.send(&format!(r#"461-{id}[{{"_placeholder":true,"num":0}}]"#))
        .await;
    ws.send_binary(pattern(300)).await;
    assert_eq!(ws.text().await, r#"42["got",{"intact":true,"len":300}]"#);
}

/// Sends `frames` after joining and expects the server to close the connection with no
/// event handled, the socket leaving with `TransportError`.
async fn refused(frames: Vec<Result<String, Vec<u8>>>) -> Duration {
    let (rt, mut reasons) = server(limited());
    let addr = serve_realtime(&rt);
    let (mut ws, _) = Ws::socketio(addr, "/", "{}").await;
    let start = Instant::now();
    for frame in frames {
        match frame {
            Ok(text) => ws.send(&text).await,
            Err(bytes) => ws.send_binary(bytes).await,
        }
    }
    assert_eq!(ws.frame().await, Frame::Closed, "nothing bounced");
    let elapsed = start.elapsed();
    assert_eq!(
        reasons.recv().await.unwrap(),
        DisconnectReason::TransportError
    );
    elapsed
}

#[actix_web::test]
async fn over_limit_or_broken_binary_packets_close_the_connection() {
    let text = |s: &str| Ok(s.to_owned());
    let one = r#"451-["echo",{"_placeholder":true,"num":0}]"#;
    // More attachments announced than allowed (2): refused before any is read.
    refused(vec![text(r#"453-["echo"]"#)]).await;
    refused(vec![text(r#"45999999-["echo"]"#)]).await;
    // Over max_payload (10 kB) together, though each is under it.
    refused(vec![
        text(&format!(r#"452-["echo",{TWO}]"#)),
        Err(vec![0; 6_000]),
        Err(vec![0; 6_000]),
    ])
    .await;
    // The attachment never comes: refused after attachment_timeout (300 ms).
    let waited = refused(vec![text(one)]).await;
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    // A binary message nobody announced; a text packet where an attachment belongs; a
    // placeholder naming no attachment.
    refused(vec![Err(vec![1])]).await;
    refused(vec![text(one), text(r#"42["echo","x"]"#)]).await;
    refused(vec![
        text(r#"451-["echo",{"_placeholder":true,"num":1}]"#),
        Err(vec![1]),
    ])
    .await;
}

#[actix_web::test]
async fn over_limit_attachments_spread_over_polls_close_the_session() {
    let (rt, mut reasons) = server(limited());
    let addr = serve_realtime(&rt);
    let client = Polling::new(addr, "/socket.io/");
    let (sid, _) = client.open().await;
    client.post(&sid, "40").await;
    client.get(&sid).await;
    let b64 = |n: usize| format!("b{}", "AAAA".repeat(n / 3));
    client
        .post(&sid, format!("452-[\"echo\",{TWO}]\x1e{}", b64(6_000)))
        .await;
    client.post(&sid, b64(6_000)).await;
    assert_eq!(
        reasons.recv().await.unwrap(),
        DisconnectReason::TransportError
    );
    let (status, body) = client.get(&sid).await;
    assert!(
        status == 400 || body.split('\x1e').next_back() == Some("1"),
        "{status} {body}"
    );
}

fn expected_from_node(transport: &str) -> serde_json::Value {
    json!({
        "relay": {
            "name": "a.bin",
            "length": 100_000,
            "intact": true,
            "small": [1, 2, 3],
            "transport": transport,
        },
        "echo": {"name": "ack", "intact": true},
        "ask": {"len": 3000, "intact": true},
        "receiverStillConnected": true,
    })
}

/// Runs `binary.mjs` and checks what it saw; the two refused connections get a disconnect
/// of the transport (the server closed it).
async fn official_clients(sender: &str, receiver: &str, transport: &str) {
    let mut seen = common::run_node("binary.mjs", &[sender, receiver, transport]).await;
    let seen = seen.as_object_mut().unwrap();
    for refused in ["tooMany", "tooLarge"] {
        let reason = seen.remove(refused).unwrap();
        assert!(
            reason == "transport close" || reason == "transport error",
            "{refused}: {reason}"
        );
    }
    assert_eq!(
        serde_json::Value::Object(seen.clone()),
        expected_from_node(transport)
    );
}

/// Default limits (1 MB, 10 attachments) as the official client meets them.
fn defaults() -> Realtime {
    let rt = Realtime::builder(RealtimeOptions::default())
        .build()
        .unwrap();
    handlers(&rt);
    rt
}

#[actix_web::test]
async fn the_official_client_relays_a_file_over_polling() {
    let url = format!("http://{}", serve_realtime(&defaults()));
    official_clients(&url, &url, "polling").await;
}

#[actix_web::test]
async fn the_official_client_relays_a_file_over_websocket() {
    let url = format!("http://{}", serve_realtime(&defaults()));
    official_clients(&url, &url, "websocket").await;
}

#[actix_web::test]
async fn a_file_crosses_nodes_through_redis_intact() {
    let prefix = redis_adapter::prefix();
    let (rt1, addr1, _a1) = redis_adapter::node(&prefix).await;
    let (rt2, addr2, _a2) = redis_adapter::node(&prefix).await;
    handlers(&rt1);
    handlers(&rt2);
    let (sender, receiver) = (format!("http://{addr1}"), format!("http://{addr2}"));
    official_clients(&sender, &receiver, "websocket").await;
    official_clients(&sender, &receiver, "polling").await;
}
