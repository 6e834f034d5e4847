//! Two server instances sharing one Redis (`TEST_REDIS_URL`, default 127.0.0.1:6379) (a unique key prefix per test):
//! broadcasts and targeted emits cross nodes, presence spans nodes, and the sockets of a
//! node whose heartbeat stops disappear from presence within the TTL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{net::SocketAddr, time::Duration};

use common::{Ws, fast_options, serve_realtime};
use realtime::{
    Adapter, ConnectRefusal, ConnectRequest, Realtime, RealtimeOptions, RedisAdapter,
    RedisAdapterOptions,
};
use serde_json::{Value, json};

/// `TEST_REDIS_URL` (as testkit reads it), default the local Redis.
fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

async fn user(req: ConnectRequest) -> Result<Value, ConnectRefusal> {
    Ok(json!({"user": req.auth["user"].clone()}))
}

pub(crate) async fn node(prefix: &str) -> (Realtime, SocketAddr, RedisAdapter) {
    let url = redis_url();
    let pool = deadpool_redis::Config::from_url(&url)
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .unwrap();
    let mut opts = RedisAdapterOptions::new(url, prefix);
    opts.heartbeat_interval = Duration::from_millis(200);
    opts.node_ttl = Duration::from_millis(600);
    let adapter = RedisAdapter::connect(opts, pool).await.unwrap();
    // Long heartbeats: the clients of these tests do not read (and pong) while they wait.
    let options = RealtimeOptions {
        ping_interval: Duration::from_secs(10),
        ping_timeout: Duration::from_secs(10),
        ..fast_options()
    };
    let rt = Realtime::builder(options)
        .adapter(Adapter::Redis(adapter.clone()))
        .authenticator(user)
        .build()
        .unwrap();
    rt.on("/", "join", |socket, args, ack| async move {
        socket.join(args[0].as_str().unwrap());
        if let Some(ack) = ack {
            ack.send(vec![]);
        }
    });
    let addr = serve_realtime(&rt);
    (rt, addr, adapter)
}

pub(crate) fn prefix() -> String {
    format!("test:rt:{}:", uuid::Uuid::new_v4().simple())
}

async fn joined(addr: SocketAddr, user: &str, room: &str) -> (Ws, String) {
    let (mut ws, sid) = Ws::socketio(addr, "/", &format!(r#"{{"user":"{user}"}}"#)).await;
    ws.send(&format!(r#"421["join","{room}"]"#)).await;
    assert_eq!(ws.text().await, "431[]");
    (ws, sid)
}

#[actix_web::test]
async fn broadcasts_and_targeted_emits_cross_nodes() {
    let prefix = prefix();
    let (rt1, addr1, _a1) = node(&prefix).await;
    let (rt2, addr2, _a2) = node(&prefix).await;
    let (mut alice, alice_id) = joined(addr1, "alice", "room").await;
    let (mut bob, bob_id) = joined(addr2, "bob", "room").await;

    rt1.to("room").emit("hello", json!({"from": 1}));
    assert_eq!(alice.text().await, r#"42["hello",{"from":1}]"#);
    assert_eq!(bob.text().await, r#"42["hello",{"from":1}]"#);

    rt2.to(&alice_id)
        .emit("direct", json!("to alice via node 2"));
    assert_eq!(alice.text().await, r#"42["direct","to alice via node 2"]"#);

    rt1.to("room").except(&alice_id).emit("not-alice", json!(1));
    rt2.to("room").except(&bob_id).emit("not-bob", json!(2));
    assert_eq!(bob.text().await, r#"42["not-alice",1]"#);
    assert_eq!(alice.text().await, r#"42["not-bob",2]"#);

    assert!(rt2.metrics().relay_latency.get_sample_count() > 0);
}

#[actix_web::test]
async fn presence_spans_nodes_and_forgets_a_dead_node() {
    let prefix = prefix();
    let (rt1, addr1, _a1) = node(&prefix).await;
    let (_rt2, addr2, a2) = node(&prefix).await;
    let (_alice, alice_id) = joined(addr1, "alice", "meeting").await;
    let (_bob, bob_id) = joined(addr2, "bob", "meeting").await;
    a2.flush().await;

    let mut present = rt1.presence("meeting").await.unwrap();
    present.sort_by(|a, b| a.1["user"].as_str().cmp(&b.1["user"].as_str()));
    assert_eq!(
        present,
        vec![
            (alice_id.clone(), json!({"user": "alice"})),
            (bob_id, json!({"user": "bob"}))
        ]
    );

    a2.kill();
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        rt1.presence("meeting").await.unwrap(),
        vec![(alice_id, json!({"user": "alice"}))],
        "node 2 stopped its heartbeat: its sockets are gone within the TTL"
    );
}

/// A node shut down gracefully leaves the cluster at once: its sockets leave presence, its
/// keys go and its heartbeat stops, so no live node later takes it for dead.
#[actix_web::test]
async fn a_node_shut_down_leaves_the_cluster_instead_of_dying() {
    let prefix = prefix();
    let (rt1, addr1, a1) = node(&prefix).await;
    let (rt2, addr2, a2) = node(&prefix).await;
    let (_alice, alice_id) = joined(addr1, "alice", "meeting").await;
    let (_bob, _) = joined(addr2, "bob", "meeting").await;
    a2.flush().await;
    let mut conn = redis::Client::open(redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let nodes = |conn: &mut redis::aio::MultiplexedConnection| {
        let mut conn = conn.clone();
        let key = format!("{prefix}nodes");
        async move {
            let mut n: Vec<String> = redis::cmd("SMEMBERS")
                .arg(key)
                .query_async(&mut conn)
                .await
                .unwrap();
            n.sort();
            n
        }
    };
    let mut both = vec![a1.node_id().to_owned(), a2.node_id().to_owned()];
    both.sort();
    assert_eq!(nodes(&mut conn).await, both);

    rt2.shutdown().await;
    assert_eq!(nodes(&mut conn).await, vec![a1.node_id().to_owned()]);
    let left: i64 = redis::cmd("EXISTS")
        .arg(format!("{prefix}node:{}", a2.node_id()))
        .arg(format!("{prefix}node:{}:rooms", a2.node_id()))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0, "the node's keys are gone");
    assert_eq!(
        rt1.presence("meeting").await.unwrap(),
        vec![(alice_id, json!({"user": "alice"}))],
        "bob's socket left with its node"
    );
    // three heartbeats later the node is still out (its heartbeat stopped)
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(nodes(&mut conn).await, vec![a1.node_id().to_owned()]);
}

#[actix_web::test]
async fn leaving_and_disconnecting_update_presence() {
    let prefix = prefix();
    let (rt1, addr1, _a1) = node(&prefix).await;
    let (mut alice, _) = joined(addr1, "alice", "lobby").await;
    assert_eq!(rt1.presence("lobby").await.unwrap().len(), 1);
    alice.send("41").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(rt1.presence("lobby").await.unwrap().is_empty());
}
