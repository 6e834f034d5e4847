//! The relay of the real-time benchmark (`bench/realtime.sh`), with exactly the logic of
//! `bench/realtime/server.mjs` (the Node `socket.io` server it is compared with): `join
//! {room}` joins and acks; `relay {room, ...}` sends the payload to the others in the room.
//! In-process adapter, no PostgreSQL, no Redis, like the Node server's default adapter;
//! with `REDIS_URL` set, the crate's Redis adapter (keys and channel under `BENCH_PREFIX`,
//! default `bench:realtime:`), so several processes sharing that Redis relay to each other
//! as the gateway's replicas do (the Node side: `server.mjs` with `@socket.io/redis-adapter`).
//!
//! Run: `cargo run --release -p realtime --example bench_server` (PORT, default 3100).

use actix_web::{App, HttpServer};
use realtime::{Adapter, CorsPolicy, Realtime, RealtimeOptions, RedisAdapter, RedisAdapterOptions};
use serde_json::Value;

/// The gateway binary's allocator and options (ADR 0087), so the memory figures are those
/// of what ships.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3100);
    let adapter = match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let prefix =
                std::env::var("BENCH_PREFIX").unwrap_or_else(|_| "bench:realtime:".to_owned());
            let pool = deadpool_redis::Config::from_url(&url)
                .create_pool(Some(deadpool_redis::Runtime::Tokio1))?;
            Adapter::Redis(
                RedisAdapter::connect(RedisAdapterOptions::new(url, prefix), pool).await?,
            )
        }
        _ => Adapter::Local,
    };
    let rt = Realtime::builder(RealtimeOptions {
        cors: CorsPolicy::AllowAll,
        ..RealtimeOptions::default()
    })
    .adapter(adapter)
    .build()?;
    rt.on("/", "join", |socket, args, ack| async move {
        if let Some(room) = args.first().and_then(|a| a["room"].as_str()) {
            socket.join(room);
        }
        if let Some(ack) = ack {
            ack.reply(serde_json::json!({"ok": true}));
        }
    });
    rt.on("/", "relay", |socket, args, _| async move {
        let Some(msg) = args.into_values().into_iter().next() else {
            return;
        };
        if let Some(room) = msg["room"].as_str().map(str::to_owned) {
            socket.to(&room).emit("relay", Value::clone(&msg));
        }
    });
    println!(
        "bench relay on http://127.0.0.1:{port}/socket.io/ (pid {})",
        std::process::id()
    );
    HttpServer::new(move || {
        let rt = rt.clone();
        App::new().configure(move |cfg| realtime::configure(cfg, &rt))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
