//! The terminal relay through the real gateway: tokens from `POST /api/terminal-session`,
//! one producer and several viewers on `/ws/terminal/{session_id}`, frames in order, a
//! second producer refused, bad tokens refused, who may view, the frame size limit and the
//! idle timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, spawn_app_with};
use tokio_tungstenite::tungstenite::{self, Message, protocol::frame::coding::CloseCode};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn app() -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("TERMINAL_MAX_FRAME_BYTES", "1024")
            .env("TERMINAL_IDLE_TIMEOUT_SECS", "1"),
    )
    .await
}

async fn session(app: &TestApp, token: &str, platform: &str, body: Value) -> (u16, Value) {
    let res = app
        .req(Method::POST, "/api/terminal-session")
        .platform(platform)
        .bearer(token)
        .json(&body)
        .send()
        .await;
    (
        res.status,
        serde_json::from_str(&res.text).unwrap_or(Value::Null),
    )
}

fn url(app: &TestApp, tokens: &Value, token: &str) -> String {
    format!(
        "{}{}?token={token}",
        app.address.replace("http://", "ws://"),
        tokens["path"].as_str().unwrap()
    )
}

async fn open(url: &str) -> Result<Ws, u16> {
    match tokio_tungstenite::connect_async(url).await {
        Ok((ws, _)) => Ok(ws),
        Err(tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("connecting {url}: {e}"),
    }
}

async fn next(ws: &mut Ws) -> Message {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no frame within 5 s")
            .expect("stream ended")
            .unwrap();
        if !matches!(msg, Message::Ping(_) | Message::Pong(_)) {
            return msg;
        }
    }
}

#[tokio::test]
async fn a_producer_is_mirrored_in_order_to_every_viewer() {
    let app = app().await;
    let owner = app.user_token();
    let (status, tokens) = session(&app, &owner, "mr-mentor", json!({})).await;
    assert_eq!(status, 201, "{tokens}");
    let producer_url = url(&app, &tokens, tokens["producer_token"].as_str().unwrap());
    let viewer_url = url(&app, &tokens, tokens["viewer_token"].as_str().unwrap());

    let mut viewers = vec![
        open(&viewer_url).await.unwrap(),
        open(&viewer_url).await.unwrap(),
    ];
    let mut producer = open(&producer_url).await.unwrap();
    // one producer at a time
    assert_eq!(open(&producer_url).await.err(), Some(409));

    for i in 0..50 {
        producer
            .send(Message::Text(format!("line {i}\r\n").into()))
            .await
            .unwrap();
    }
    producer
        .send(Message::Binary(vec![0x1b, b'[', b'2', b'J'].into()))
        .await
        .unwrap();
    for viewer in &mut viewers {
        for i in 0..50 {
            assert_eq!(
                next(viewer).await,
                Message::Text(format!("line {i}\r\n").into())
            );
        }
        assert_eq!(
            next(viewer).await,
            Message::Binary(vec![0x1b, b'[', b'2', b'J'].into())
        );
    }
    // viewers are read-only: what they send reaches nobody
    viewers[0]
        .send(Message::Text("rm -rf /".into()))
        .await
        .unwrap();
    producer.send(Message::Text("after".into())).await.unwrap();
    assert_eq!(next(&mut viewers[1]).await, Message::Text("after".into()));

    // the producer slot frees when the producer leaves
    producer.close(None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = open(&producer_url).await;
    assert!(again.is_ok(), "{:?}", again.err());
}

#[tokio::test]
async fn tokens_and_viewers_are_checked() {
    let app = app().await;
    let owner = app.user_token();
    let (_, tokens) = session(&app, &owner, "mr-mentor", json!({})).await;
    let id = tokens["session_id"].as_str().unwrap();

    // no token, a forged one, one of another session: 401 before the upgrade
    let base = format!(
        "{}/ws/terminal/{id}",
        app.address.replace("http://", "ws://")
    );
    assert_eq!(open(&base).await.err(), Some(401));
    let forged = tokens["viewer_token"]
        .as_str()
        .unwrap()
        .replace("viewer", "producer");
    assert_eq!(
        open(&format!("{base}?token={forged}")).await.err(),
        Some(401)
    );
    let (_, other) = session(&app, &owner, "mr-mentor", json!({})).await;
    let foreign = other["producer_token"].as_str().unwrap();
    assert_eq!(
        open(&format!("{base}?token={foreign}")).await.err(),
        Some(401)
    );

    // the owner gets both ends again; mentors and admins may view; other users may not
    let (status, again) = session(&app, &owner, "mr-mentor", json!({"session_id": id})).await;
    assert_eq!(status, 201);
    assert!(again["producer_token"].is_string());
    let mentor = app.token(Role::Expert, &[], "mr-mentor");
    let (status, view) = session(&app, &mentor, "mr-mentor", json!({"session_id": id})).await;
    assert_eq!(status, 201, "{view}");
    assert!(view["producer_token"].is_null(), "{view}");
    assert!(
        open(&url(&app, &view, view["viewer_token"].as_str().unwrap()))
            .await
            .is_ok()
    );
    let stranger = app.user_token();
    let (status, body) = session(&app, &stranger, "mr-mentor", json!({"session_id": id})).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    // an admin of another platform does not find it
    let foreign_admin = app.token(Role::Admin, &[], "mr-hire");
    let (status, body) = session(&app, &foreign_admin, "mr-hire", json!({"session_id": id})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    // anonymous callers and malformed bodies
    let res = app
        .req(Method::POST, "/api/terminal-session")
        .json(&json!({}))
        .send()
        .await;
    res.assert_problem(401, "unauthorized");
    let (status, body) = session(
        &app,
        &owner,
        "mr-mentor",
        json!({"session_id": "not-a-uuid"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "session_id", "{body}");
}

async fn closed_with(ws: &mut Ws) -> CloseCode {
    loop {
        match next(ws).await {
            Message::Close(Some(frame)) => return frame.code,
            Message::Close(None) => panic!("closed without a code"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn oversized_frames_and_idle_connections_are_closed() {
    let app = app().await;
    let owner = app.user_token();
    let (_, tokens) = session(&app, &owner, "mr-mentor", json!({})).await;
    let producer_url = url(&app, &tokens, tokens["producer_token"].as_str().unwrap());
    let viewer_url = url(&app, &tokens, tokens["viewer_token"].as_str().unwrap());

    let mut producer = open(&producer_url).await.unwrap();
    producer
        .send(Message::Text("x".repeat(2048).into()))
        .await
        .unwrap();
    assert_eq!(closed_with(&mut producer).await, CloseCode::Size);

    // TERMINAL_IDLE_TIMEOUT_SECS=1: a silent viewer is closed normally
    let mut viewer = open(&viewer_url).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(closed_with(&mut viewer).await, CloseCode::Normal);
    assert!(started.elapsed() >= Duration::from_millis(900));
}
