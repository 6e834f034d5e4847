//! The server behind the gateway's middleware stack (kernel's request context, security
//! headers, CORS, compression): Engine.IO errors keep their `{code, message}` shape, polling
//! and WebSocket still work.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use actix_web::{App, HttpServer, middleware::Compress, middleware::from_fn};
use common::{Polling, Ws, fast_options};
use kernel::{Config, http};
use realtime::{CorsPolicy, Realtime, RealtimeOptions};

#[actix_web::test]
async fn works_behind_the_kernel_middleware() {
    let config = Config::from_lookup(|_| None).unwrap();
    let rt = Realtime::builder(RealtimeOptions {
        cors: CorsPolicy::from_config(&config),
        ..fast_options()
    })
    .build()
    .unwrap();
    rt.on("/", "echo", |_, args, ack| async move {
        if let Some(ack) = ack {
            ack.send(args);
        }
    });
    let server = HttpServer::new({
        let rt = rt.clone();
        move || {
            let config = config.clone();
            App::new()
                .configure(|cfg| realtime::configure(cfg, &rt))
                .wrap(http::cors(&config))
                .wrap(Compress::default())
                .wrap(http::security_headers(&config))
                .wrap(from_fn(http::request_context))
        }
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());

    let res = reqwest::get(format!(
        "http://{addr}/socket.io/?EIO=4&transport=polling&sid=x"
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": 1, "message": "Session ID unknown"})
    );

    let polling = Polling::new(addr, "/socket.io/");
    let (sid, _) = polling.open().await;
    polling.post(&sid, "40").await;
    assert!(polling.get(&sid).await.1.starts_with("40{\"sid\""));

    let (mut ws, _) = Ws::socketio(addr, "/", "").await;
    ws.send(r#"421["echo","x"]"#).await;
    assert_eq!(ws.text().await, r#"431["x"]"#);
}
