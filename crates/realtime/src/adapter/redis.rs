//! Fan-out across nodes through Redis pub/sub, and presence kept in Redis.
//!
//! - Every node publishes its broadcasts on one channel (`<prefix>bus`) and delivers what the
//!   other nodes publish to its own sockets. The subscription uses a dedicated connection
//!   (`Client::get_async_pubsub`); commands go through the pool.
//! - Presence: one hash per room (`<prefix>presence:<nsp>:<room>`, socket id -> `{node,
//!   data}`) and one key per node (`<prefix>node:<id>`) refreshed every heartbeat with a TTL.
//!   A query drops the entries of nodes whose key has expired, so a crashed node's sockets
//!   disappear within one TTL.
//! - Writes (publishes, presence changes) go through one ordered queue per node, so the
//!   order of emits is kept.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use anyhow::Context;
use futures::StreamExt;
use secrecy::ExposeSecret;
use serde_json::Value;
use tokio::{
    sync::{mpsc, oneshot},
    task::JoinHandle,
};

use super::{BusMessage, BusSink};

/// Settings of the Redis adapter.
#[derive(Debug, Clone)]
pub struct RedisAdapterOptions {
    /// Redis URL (pub/sub connection).
    pub url: String,
    /// Prefix of every key and channel (e.g. `AppContext::redis_key("realtime:")`).
    pub key_prefix: String,
    /// This node's id (default: a random UUID).
    pub node_id: String,
    /// How often this node refreshes its heartbeat key (default 2 s).
    pub heartbeat_interval: Duration,
    /// Lifetime of the heartbeat key (default 6 s): presence of a dead node ends after it.
    pub node_ttl: Duration,
}

impl RedisAdapterOptions {
    /// Defaults for `url` and `key_prefix`.
    pub fn new(url: impl Into<String>, key_prefix: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            key_prefix: key_prefix.into(),
            node_id: uuid::Uuid::new_v4().simple().to_string(),
            heartbeat_interval: Duration::from_secs(2),
            node_ttl: Duration::from_secs(6),
        }
    }

    /// `REDIS_URL` and the process key prefix + `realtime:`, the node heartbeat and TTL of
    /// `config`.
    pub fn from_context(ctx: &kernel::AppContext, config: &crate::RealtimeConfig) -> Self {
        Self {
            heartbeat_interval: config.node_heartbeat,
            node_ttl: config.node_ttl,
            ..Self::new(
                ctx.config.redis_url.expose_secret(),
                ctx.redis_key("realtime:"),
            )
        }
    }
}

enum Command {
    Publish(String),
    Join {
        key: String,
        sid: String,
        value: String,
        /// This node's set of joined rooms, for the reaping of a dead node.
        node_rooms: String,
        room: String,
    },
    Leave {
        key: String,
        sid: String,
    },
    Flush(oneshot::Sender<()>),
}

struct Inner {
    opts: RedisAdapterOptions,
    pool: deadpool_redis::Pool,
    client: redis::Client,
    tx: mpsc::UnboundedSender<Command>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Command>>>,
    pubsub: Mutex<Option<redis::aio::PubSub>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    heartbeat: Mutex<Option<JoinHandle<()>>>,
}

/// The Redis side of the adapter. Cheap to clone.
#[derive(Clone)]
pub struct RedisAdapter {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl RedisAdapter {
    /// Subscribes to the bus and writes this node's heartbeat key; background tasks start
    /// when the adapter is handed to [`crate::Realtime`].
    pub async fn connect(
        opts: RedisAdapterOptions,
        pool: deadpool_redis::Pool,
    ) -> anyhow::Result<Self> {
        let client = redis::Client::open(opts.url.as_str()).context("parsing the Redis URL")?;
        let mut pubsub = client
            .get_async_pubsub()
            .await
            .context("opening the Redis pub/sub connection")?;
        let channel = format!("{}bus", opts.key_prefix);
        pubsub.subscribe(&channel).await.context("SUBSCRIBE")?;
        let (tx, rx) = mpsc::unbounded_channel();
        let adapter = Self {
            inner: Arc::new(Inner {
                opts,
                pool,
                client,
                tx,
                rx: Mutex::new(Some(rx)),
                pubsub: Mutex::new(Some(pubsub)),
                tasks: Mutex::new(Vec::new()),
                heartbeat: Mutex::new(None),
            }),
        };
        adapter.beat().await.context("writing the node heartbeat")?;
        Ok(adapter)
    }

    /// This node's id.
    pub fn node_id(&self) -> &str {
        &self.inner.opts.node_id
    }

    fn channel(&self) -> String {
        format!("{}bus", self.inner.opts.key_prefix)
    }

    fn node_key(&self, node: &str) -> String {
        format!("{}node:{node}", self.inner.opts.key_prefix)
    }

    fn nodes_key(&self) -> String {
        format!("{}nodes", self.inner.opts.key_prefix)
    }

    fn node_rooms_key(&self, node: &str) -> String {
        format!("{}node:{node}:rooms", self.inner.opts.key_prefix)
    }

    fn presence_key(&self, nsp: &str, room: &str) -> String {
        format!("{}presence:{nsp}:{room}", self.inner.opts.key_prefix)
    }

    async fn beat(&self) -> anyhow::Result<()> {
        let mut conn = self.inner.pool.get().await?;
        let ttl = self.inner.opts.node_ttl.as_millis() as u64;
        let _: () = redis::cmd("SET")
            .arg(self.node_key(self.node_id()))
            .arg(1)
            .arg("PX")
            .arg(ttl)
            .query_async(&mut conn)
            .await?;
        let _: () = redis::cmd("SADD")
            .arg(self.nodes_key())
            .arg(self.node_id())
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    /// Finds nodes whose heartbeat expired and claims each one (exactly one live node wins a
    /// dead node, by `SREM`); returns the `(namespace, room)` pairs its sockets had joined,
    /// after pruning them from those rooms' presence.
    pub(crate) async fn reap_dead_nodes(&self) -> anyhow::Result<Vec<(String, String)>> {
        let mut conn = self.inner.pool.get().await?;
        let nodes: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.nodes_key())
            .query_async(&mut conn)
            .await?;
        let mut rooms = Vec::new();
        for node in nodes.iter().filter(|n| *n != self.node_id()) {
            let alive: bool = redis::cmd("EXISTS")
                .arg(self.node_key(node))
                .query_async(&mut conn)
                .await?;
            if alive {
                continue;
            }
            let claimed: i64 = redis::cmd("SREM")
                .arg(self.nodes_key())
                .arg(node)
                .query_async(&mut conn)
                .await?;
            if claimed == 0 {
                continue;
            }
            let key = self.node_rooms_key(node);
            let joined: Vec<String> = redis::cmd("SMEMBERS")
                .arg(&key)
                .query_async(&mut conn)
                .await?;
            let _: () = redis::cmd("DEL").arg(&key).query_async(&mut conn).await?;
            tracing::warn!(node = %node, rooms = joined.len(), "realtime node died; pruning its presence");
            rooms.extend(
                joined
                    .iter()
                    .filter_map(|r| r.split_once('\u{1f}'))
                    .map(|(nsp, room)| (nsp.to_owned(), room.to_owned())),
            );
        }
        drop(conn);
        for (nsp, room) in &rooms {
            // prunes the dead node's entries as a side effect
            self.presence(nsp, room).await?;
        }
        Ok(rooms)
    }

    /// Starts the subscriber, the writer and the heartbeat.
    pub(crate) fn start(&self, sink: Weak<dyn BusSink>) {
        let mut tasks = lock(&self.inner.tasks);
        if let Some(pubsub) = lock(&self.inner.pubsub).take() {
            tasks.push(tokio::spawn(subscribe(self.clone(), pubsub, sink.clone())));
        }
        if let Some(rx) = lock(&self.inner.rx).take() {
            tasks.push(tokio::spawn(write(self.clone(), rx)));
        }
        let this = self.clone();
        *lock(&self.inner.heartbeat) = Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(this.inner.opts.heartbeat_interval);
            loop {
                tick.tick().await;
                if let Err(err) = this.beat().await {
                    tracing::warn!(error = %err, "realtime heartbeat failed");
                }
                match this.reap_dead_nodes().await {
                    Ok(rooms) if !rooms.is_empty() => match sink.upgrade() {
                        Some(sink) => sink.rooms_lost(rooms),
                        None => return,
                    },
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "realtime dead-node check failed"),
                }
            }
        }));
    }

    /// Stops this node's background tasks without cleaning up after it, as a crash would.
    /// Meant for failure tests.
    pub fn kill(&self) {
        for task in lock(&self.inner.tasks).drain(..) {
            task.abort();
        }
        if let Some(beat) = lock(&self.inner.heartbeat).take() {
            beat.abort();
        }
    }

    /// Leaves the cluster on a graceful shutdown, after this node's sockets have left their
    /// rooms: the heartbeat stops and the node's keys go, so no live node takes it for dead
    /// (and prunes or re-announces on its behalf). Bus messages still go out (a worker may
    /// still notify a user on another node until the process ends).
    pub async fn leave(&self) {
        let beat = lock(&self.inner.heartbeat).take();
        if let Some(beat) = beat {
            beat.abort();
            // stopped: no beat in flight re-adds the node after the keys below go
            let _ = beat.await;
        }
        let result: anyhow::Result<()> = async {
            let mut conn = self.inner.pool.get().await?;
            let _: () = redis::pipe()
                .atomic()
                .cmd("SREM")
                .arg(self.nodes_key())
                .arg(self.node_id())
                .ignore()
                .cmd("DEL")
                .arg(self.node_key(self.node_id()))
                .arg(self.node_rooms_key(self.node_id()))
                .ignore()
                .query_async(&mut conn)
                .await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => tracing::info!(node = %self.node_id(), "realtime node left the cluster"),
            // its heartbeat key expires: a live node then reaps it as if it had died
            Err(err) => {
                tracing::warn!(node = %self.node_id(), error = %err, "leaving the realtime cluster failed")
            }
        }
    }

    fn queue(&self, command: Command) {
        if self.inner.tx.send(command).is_err() {
            tracing::warn!("realtime Redis writer is gone");
        }
    }

    pub(crate) fn publish(&self, message: &BusMessage) {
        match serde_json::to_string(message) {
            Ok(json) => self.queue(Command::Publish(json)),
            Err(err) => tracing::warn!(error = %err, "encoding a bus message failed"),
        }
    }

    pub(crate) fn presence_join(&self, nsp: &str, room: &str, sid: &str, data: &Value) {
        let value = serde_json::json!({"node": self.node_id(), "data": data}).to_string();
        self.queue(Command::Join {
            key: self.presence_key(nsp, room),
            sid: sid.to_owned(),
            value,
            node_rooms: self.node_rooms_key(self.node_id()),
            room: format!("{nsp}\u{1f}{room}"),
        });
    }

    pub(crate) fn presence_leave(&self, nsp: &str, room: &str, sid: &str) {
        self.queue(Command::Leave {
            key: self.presence_key(nsp, room),
            sid: sid.to_owned(),
        });
    }

    /// Waits until every write queued so far has reached Redis.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        self.queue(Command::Flush(tx));
        let _ = rx.await;
    }

    /// Sockets in `room` on every live node: `(socket id, user data)`.
    pub async fn presence(&self, nsp: &str, room: &str) -> anyhow::Result<Vec<(String, Value)>> {
        self.flush().await;
        let key = self.presence_key(nsp, room);
        let mut conn = self.inner.pool.get().await?;
        let raw: HashMap<String, String> = redis::cmd("HGETALL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .context("HGETALL presence")?;
        let entries: Vec<(String, String, Value)> = raw
            .into_iter()
            .filter_map(|(sid, v)| {
                let mut v: Value = serde_json::from_str(&v).ok()?;
                let node = v.get("node")?.as_str()?.to_owned();
                Some((
                    sid,
                    node,
                    v.get_mut("data").map(Value::take).unwrap_or(Value::Null),
                ))
            })
            .collect();
        let nodes: HashSet<&String> = entries.iter().map(|(_, n, _)| n).collect();
        let mut alive = HashSet::new();
        for node in nodes {
            let exists: bool = redis::cmd("EXISTS")
                .arg(self.node_key(node))
                .query_async(&mut conn)
                .await?;
            if exists {
                alive.insert(node.clone());
            }
        }
        let (live, dead): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|(_, n, _)| alive.contains(n));
        if !dead.is_empty() {
            let mut cmd = redis::cmd("HDEL");
            cmd.arg(&key);
            for (sid, _, _) in &dead {
                cmd.arg(sid);
            }
            let _: Result<(), _> = cmd.query_async(&mut conn).await;
        }
        Ok(live.into_iter().map(|(sid, _, data)| (sid, data)).collect())
    }
}

async fn subscribe(adapter: RedisAdapter, mut pubsub: redis::aio::PubSub, sink: Weak<dyn BusSink>) {
    loop {
        {
            let mut stream = pubsub.on_message();
            while let Some(msg) = stream.next().await {
                let Ok(payload) = msg.get_payload::<String>() else {
                    continue;
                };
                let Ok(bus) = serde_json::from_str::<BusMessage>(&payload) else {
                    continue;
                };
                if bus.node == adapter.node_id() {
                    continue;
                }
                match sink.upgrade() {
                    Some(sink) => sink.deliver(bus),
                    None => return,
                }
            }
        }
        tracing::warn!("realtime Redis subscription lost; reconnecting");
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Ok(mut fresh) = adapter.inner.client.get_async_pubsub().await
                && fresh.subscribe(adapter.channel()).await.is_ok()
            {
                pubsub = fresh;
                break;
            }
        }
    }
}

/// Commands written per round trip at most.
const WRITE_BATCH: usize = 256;

/// Writes the queued commands in order, as many as are waiting (up to [`WRITE_BATCH`]) in
/// one pipeline per round trip: one command per round trip capped the fan-out near the
/// Redis latency's inverse (ADR 0084). A `Flush` is answered once everything queued before
/// it was written.
async fn write(adapter: RedisAdapter, mut rx: mpsc::UnboundedReceiver<Command>) {
    let channel = adapter.channel();
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    while rx.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let mut pipe = redis::pipe();
        let mut flushes = Vec::new();
        let mut commands = 0;
        for command in batch.drain(..) {
            match command {
                Command::Publish(json) => {
                    pipe.cmd("PUBLISH").arg(&channel).arg(json).ignore();
                    commands += 1;
                }
                Command::Join {
                    key,
                    sid,
                    value,
                    node_rooms,
                    room,
                } => {
                    pipe.cmd("HSET").arg(key).arg(sid).arg(value).ignore();
                    pipe.cmd("SADD").arg(node_rooms).arg(room).ignore();
                    commands += 2;
                }
                Command::Leave { key, sid } => {
                    pipe.cmd("HDEL").arg(key).arg(sid).ignore();
                    commands += 1;
                }
                Command::Flush(done) => flushes.push(done),
            }
        }
        if commands > 0 {
            let result: anyhow::Result<()> = async {
                let mut conn = adapter.inner.pool.get().await?;
                let _: () = pipe.query_async(&mut conn).await?;
                Ok(())
            }
            .await;
            if let Err(err) = result {
                tracing::warn!(error = %err, commands, "realtime Redis write failed");
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}
