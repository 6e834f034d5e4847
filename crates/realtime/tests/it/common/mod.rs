//! Helpers of the realtime tests: a server on port 0, a polling client (reqwest) and a
//! WebSocket client (tokio-tungstenite).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use actix_web::{App, HttpServer, web::ServiceConfig};
use futures::{SinkExt, StreamExt};
use realtime::{
    CorsPolicy, Realtime, RealtimeOptions,
    engine::{self, CloseReason, Engine, EngineHandler, HandshakeInfo, Packet, Payload, Session},
};
use tokio_tungstenite::tungstenite::Message;

/// Runs `tests/node/<script>` with `args` (the official `socket.io-client`, installed by
/// `npm ci --prefix crates/realtime/tests/node`); it must exit 0 and print one JSON object.
pub async fn run_node(script: &str, args: &[&str]) -> serde_json::Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/socket.io-client").exists(),
        "npm packages missing: run `npm ci --prefix crates/realtime/tests/node` (scripts/test.sh does)"
    );
    let out = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .output()
        .await
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed {stdout:?}: {e}"))
}

/// Short timers so heartbeat tests run in well under a second.
pub fn fast_options() -> RealtimeOptions {
    RealtimeOptions {
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(200),
        connect_timeout: Duration::from_secs(2),
        cors: CorsPolicy::AllowList(vec!["http://allowed.test".into()]),
        ..RealtimeOptions::default()
    }
}

/// Serves `configure` on 127.0.0.1 with a free port.
pub fn serve(configure: impl Fn(&mut ServiceConfig) + Clone + Send + 'static) -> SocketAddr {
    let server = HttpServer::new(move || App::new().configure(configure.clone()))
        .workers(2)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    addr
}

/// Serves a Socket.IO server.
pub fn serve_realtime(rt: &Realtime) -> SocketAddr {
    let rt = rt.clone();
    serve(move |cfg| realtime::configure(cfg, &rt))
}

/// Echoes every Engine.IO message.
pub struct Echo;

impl EngineHandler for Echo {
    fn on_open(&self, _: &Arc<Session>, _: HandshakeInfo) {}
    fn on_message(&self, session: &Arc<Session>, payload: Payload) {
        session.send(Packet::Message(payload));
    }
    fn on_close(&self, _: &Arc<Session>, _: CloseReason) {}
}

/// Serves an Engine.IO echo server at `/engine.io/`.
pub fn serve_echo(options: RealtimeOptions) -> SocketAddr {
    let engine = Engine::new(options, Arc::new(Echo));
    serve(move |cfg| engine::mount(cfg, "/engine.io/", &engine))
}

/// A long-polling client.
pub struct Polling {
    pub http: reqwest::Client,
    pub base: String,
}

impl Polling {
    pub fn new(addr: SocketAddr, path: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: format!("http://{addr}{path}?EIO=4&transport=polling"),
        }
    }

    /// Opens a session; returns the sid and the handshake JSON.
    pub async fn open(&self) -> (String, serde_json::Value) {
        let body = self
            .http
            .get(&self.base)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(body.starts_with('0'), "{body}");
        let json: serde_json::Value = serde_json::from_str(&body[1..]).unwrap();
        (json["sid"].as_str().unwrap().to_owned(), json)
    }

    pub fn url(&self, sid: &str) -> String {
        format!("{}&sid={sid}", self.base)
    }

    pub async fn get(&self, sid: &str) -> (u16, String) {
        let res = self.http.get(self.url(sid)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    pub async fn post(&self, sid: &str, body: impl Into<String>) -> (u16, String) {
        let res = self
            .http
            .post(self.url(sid))
            .body(body.into())
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket client speaking raw Engine.IO frames.
pub struct Ws {
    stream: Stream,
}

/// What the next frame was.
#[derive(Debug, PartialEq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
    Closed,
}

impl Ws {
    pub async fn connect(addr: SocketAddr, path: &str, sid: Option<&str>) -> Self {
        let mut url = format!("ws://{addr}{path}?EIO=4&transport=websocket");
        if let Some(sid) = sid {
            url.push_str(&format!("&sid={sid}"));
        }
        let (stream, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self { stream }
    }

    pub async fn send(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.unwrap();
    }

    pub async fn send_binary(&mut self, data: Vec<u8>) {
        self.stream.send(Message::binary(data)).await.unwrap();
    }

    /// The next data frame (5 s at most).
    pub async fn frame(&mut self) -> Frame {
        loop {
            let next = tokio::time::timeout(Duration::from_secs(5), self.stream.next())
                .await
                .expect("no frame within 5 s");
            match next {
                Some(Ok(Message::Text(t))) => return Frame::Text(t.to_string()),
                Some(Ok(Message::Binary(b))) => return Frame::Binary(b.to_vec()),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Frame::Closed,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next text frame, answering pings on the way.
    pub async fn text(&mut self) -> String {
        loop {
            match self.frame().await {
                Frame::Text(t) if t == "2" => self.send("3").await,
                Frame::Text(t) => return t,
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// Waits until the server closes the connection.
    pub async fn closed(&mut self) {
        loop {
            if self.frame().await == Frame::Closed {
                return;
            }
        }
    }

    /// Opens a WebSocket session and joins namespace `nsp` with `auth`; returns the socket id.
    pub async fn socketio(addr: SocketAddr, nsp: &str, auth: &str) -> (Self, String) {
        let mut ws = Self::connect(addr, "/socket.io/", None).await;
        assert!(ws.text().await.starts_with('0'));
        let sid = ws.join(nsp, auth).await;
        (ws, sid)
    }

    /// Joins another namespace on this connection; returns the socket id.
    pub async fn join(&mut self, nsp: &str, auth: &str) -> String {
        let prefix = if nsp == "/" {
            String::new()
        } else {
            format!("{nsp},")
        };
        self.send(&format!("40{prefix}{auth}")).await;
        let reply = self.text().await;
        let body = reply
            .strip_prefix(&format!("40{prefix}"))
            .unwrap_or_else(|| panic!("CONNECT refused: {reply}"));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        json["sid"].as_str().unwrap().to_owned()
    }
}
