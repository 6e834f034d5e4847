//! Engine.IO v4 behaviour, from the protocol document: handshake, long-polling batching,
//! the one-pending-GET rule, the upgrade, heartbeats, maxPayload, errors and CORS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{Frame, Polling, Ws, fast_options, serve_echo};
use realtime::RealtimeOptions;

fn echo_options() -> RealtimeOptions {
    RealtimeOptions {
        path: "/engine.io/".into(),
        ..fast_options()
    }
}

#[actix_web::test]
async fn polling_handshake_announces_the_session_and_its_timers() {
    let addr = serve_echo(echo_options());
    let (sid, open) = Polling::new(addr, "/engine.io/").open().await;
    assert!(!sid.is_empty());
    assert_eq!(open["upgrades"], serde_json::json!(["websocket"]));
    assert_eq!(open["pingInterval"], 300);
    assert_eq!(open["pingTimeout"], 200);
    assert_eq!(open["maxPayload"], 1_000_000);
}

#[actix_web::test]
async fn websocket_handshake_offers_no_upgrade() {
    let addr = serve_echo(echo_options());
    let mut ws = Ws::connect(addr, "/engine.io/", None).await;
    let open = ws.text().await;
    let json: serde_json::Value = serde_json::from_str(&open[1..]).unwrap();
    assert_eq!(json["upgrades"], serde_json::json!([]));
    ws.send("4hello").await;
    assert_eq!(ws.text().await, "4hello");
    ws.send_binary(vec![1, 2, 3]).await;
    assert_eq!(ws.frame().await, Frame::Binary(vec![1, 2, 3]));
}

#[actix_web::test]
async fn bad_requests_get_400_with_the_engine_io_error_shape() {
    let addr = serve_echo(echo_options());
    let http = reqwest::Client::new();
    let base = format!("http://{addr}/engine.io/");
    for (query, code) in [
        ("?transport=polling", 5),
        ("?EIO=3&transport=polling", 5),
        ("?EIO=4", 0),
        ("?EIO=4&transport=carrier-pigeon", 0),
        ("?EIO=4&transport=polling&sid=nope", 1),
    ] {
        let res = http.get(format!("{base}{query}")).send().await.unwrap();
        assert_eq!(res.status(), 400, "{query}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], code, "{query}");
        assert!(body["message"].is_string());
    }
    let res = http
        .post(format!("{base}?EIO=4&transport=polling"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], 2);
}

#[actix_web::test]
async fn polling_batches_packets_with_the_record_separator() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    assert_eq!(
        client.post(&sid, "4one\x1e4two\x1ebAQIDBA==").await,
        (200, "ok".into())
    );
    assert_eq!(
        client.get(&sid).await,
        (200, "4one\x1e4two\x1ebAQIDBA==".into())
    );
}

#[actix_web::test]
async fn an_invalid_packet_closes_the_session() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    assert_eq!(client.post(&sid, "abc").await.0, 400);
    assert_eq!(client.get(&sid).await.0, 400);
}

#[actix_web::test]
async fn a_second_pending_get_is_refused_and_closes_the_session() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    let first = client.get(&sid);
    let second = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        client.get(&sid).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(
        first,
        (200, "1".into()),
        "the pending poll gets a close packet"
    );
    assert_eq!(second.0, 400);
    assert_eq!(client.get(&sid).await.0, 400, "the session is gone");
}

#[actix_web::test]
async fn polling_upgrades_to_websocket() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    let pending = client.get(&sid);
    let upgrade = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut ws = Ws::connect(addr, "/engine.io/", Some(&sid)).await;
        ws.send("2probe").await;
        assert_eq!(ws.frame().await, Frame::Text("3probe".into()));
        ws
    };
    let ((status, body), mut ws) = tokio::join!(pending, upgrade);
    assert_eq!(
        (status, body.as_str()),
        (200, "6"),
        "the pending poll gets a noop"
    );
    ws.send("5").await;
    ws.send("4over websocket").await;
    assert_eq!(ws.text().await, "4over websocket");
    assert_eq!(
        client.get(&sid).await.0,
        400,
        "polling is over for this sid"
    );
    let mut second = Ws::connect(addr, "/engine.io/", Some(&sid)).await;
    second.closed().await;
}

#[actix_web::test]
async fn heartbeat_pings_and_closes_without_pong() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    for _ in 0..2 {
        assert_eq!(client.get(&sid).await, (200, "2".into()));
        assert_eq!(client.post(&sid, "3").await.0, 200);
    }
    let (quiet, _) = client.open().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        client.get(&quiet).await.0,
        400,
        "no pong within pingTimeout"
    );

    let mut ws = Ws::connect(addr, "/engine.io/", None).await;
    assert!(ws.text().await.starts_with('0'));
    assert_eq!(ws.frame().await, Frame::Text("2".into()));
    ws.closed().await;
}

#[actix_web::test]
async fn max_payload_is_enforced_on_both_transports() {
    let addr = serve_echo(RealtimeOptions {
        max_payload: 100,
        ..echo_options()
    });
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    assert_eq!(
        client.post(&sid, format!("4{}", "x".repeat(200))).await.0,
        413
    );
    assert_eq!(client.get(&sid).await.0, 400);

    let mut ws = Ws::connect(addr, "/engine.io/", None).await;
    assert!(ws.text().await.starts_with('0'));
    ws.send(&format!("4{}", "x".repeat(50))).await;
    assert_eq!(ws.text().await.len(), 51);
    ws.send(&format!("4{}", "x".repeat(200))).await;
    ws.closed().await;
}

#[actix_web::test]
async fn close_packet_ends_the_session() {
    let addr = serve_echo(echo_options());
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    let (poll, post) = tokio::join!(client.get(&sid), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        client.post(&sid, "1").await
    });
    assert_eq!(poll, (200, "6".into()));
    assert_eq!(post.0, 200);
    assert_eq!(client.get(&sid).await.0, 400);
}

#[actix_web::test]
async fn polling_answers_cors_only_for_allowed_origins() {
    let addr = serve_echo(echo_options());
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/engine.io/?EIO=4&transport=polling");
    let res = http
        .get(&url)
        .header("Origin", "http://allowed.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "http://allowed.test"
    );
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
    let res = http
        .get(&url)
        .header("Origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let res = http
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "http://allowed.test")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

#[actix_web::test]
async fn a_client_that_does_not_read_is_cut_off_when_its_buffer_is_full() {
    let addr = serve_echo(RealtimeOptions {
        max_buffered_packets: 3,
        ..echo_options()
    });
    let client = Polling::new(addr, "/engine.io/");
    let (sid, _) = client.open().await;
    assert_eq!(client.post(&sid, "4a\x1e4b\x1e4c").await.0, 200);
    assert_eq!(client.get(&sid).await, (200, "4a\x1e4b\x1e4c".into()));
    assert_eq!(client.post(&sid, "4a\x1e4b\x1e4c\x1e4d").await.0, 200);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        client.get(&sid).await.0,
        400,
        "the fourth packet overflowed the buffer"
    );
}
