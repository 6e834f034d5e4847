//! The server: namespaces and their handlers, the connections ([`client`]) and sockets of
//! this node, rooms, and the glue between Engine.IO sessions, the adapter and the metrics.
//! Sockets and broadcasts reach it through [`Hub`] and [`Bus`] (it depends on `socketio`,
//! not back).

pub(crate) mod client;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock, Weak, atomic::Ordering},
};

use actix_web::web::Bytes;

use self::client::Client;
use crate::{
    adapter::{Adapter, BusMessage, BusOp, BusSink, local::LocalRooms, now_us},
    auth::Authenticator,
    engine::{CloseReason, Engine, EngineHandler, HandshakeInfo, Payload, Session},
    metrics::RealtimeMetrics,
    options::RealtimeOptions,
    socketio::{
        args::Args,
        broadcast::Bus,
        namespace::Namespace,
        packet::{Encoded, Packet},
        socket::{DisconnectReason, Hub, Socket},
    },
};

struct ClientEntry {
    client: Arc<Client>,
}

/// Shared state of one server.
pub(crate) struct Inner {
    pub options: RealtimeOptions,
    pub engine: Engine,
    pub authenticator: Arc<dyn Authenticator>,
    pub adapter: Adapter,
    pub metrics: RealtimeMetrics,
    namespaces: RwLock<HashMap<String, Arc<Namespace>>>,
    clients: Mutex<HashMap<String, ClientEntry>>,
    sockets: RwLock<HashMap<String, Socket>>,
    rooms: Mutex<LocalRooms>,
    /// Called with `(namespace, room)` when a dead node's sockets left the room's presence.
    pub lost: RwLock<Vec<LostHandler>>,
}

/// A handler of rooms a dead node's sockets were pruned from.
pub(crate) type LostHandler =
    Arc<dyn Fn(String, String) -> futures::future::BoxFuture<'static, ()> + Send + Sync>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

impl Inner {
    pub fn new(
        options: RealtimeOptions,
        adapter: Adapter,
        authenticator: Arc<dyn Authenticator>,
        metrics: RealtimeMetrics,
    ) -> Arc<Self> {
        let inner = Arc::new_cyclic(|weak: &Weak<Inner>| {
            let handler: Arc<dyn EngineHandler> = Arc::new(Handler(weak.clone()));
            let mut namespaces = HashMap::new();
            namespaces.insert("/".to_owned(), Arc::new(Namespace::default()));
            Inner {
                engine: Engine::new(options.clone(), handler),
                options,
                authenticator,
                adapter,
                metrics,
                namespaces: RwLock::new(namespaces),
                clients: Mutex::new(HashMap::new()),
                sockets: RwLock::new(HashMap::new()),
                rooms: Mutex::new(LocalRooms::default()),
                lost: RwLock::new(Vec::new()),
            }
        });
        if let Some(redis) = inner.adapter.redis() {
            let sink: Weak<dyn BusSink> = Arc::downgrade(&inner) as Weak<dyn BusSink>;
            redis.start(sink);
        }
        inner
    }

    pub fn namespace(&self, nsp: &str) -> Option<Arc<Namespace>> {
        read(&self.namespaces).get(nsp).cloned()
    }

    pub fn namespace_or_create(&self, nsp: &str) -> Arc<Namespace> {
        write(&self.namespaces)
            .entry(nsp.to_owned())
            .or_default()
            .clone()
    }

    /// Counts delivered events (names come from server code, so the label set is bounded).
    pub fn count_out(&self, event: &str, n: u64) {
        self.metrics
            .messages_out
            .with_label_values(&[event])
            .inc_by(n);
    }

    fn refresh_room_gauge(&self, rooms: &LocalRooms) {
        self.metrics.rooms.set(rooms.shared_room_count() as i64);
    }

    /// Registers a new socket: the socket table, its own room, the gauge.
    pub fn attach(&self, socket: &Socket) {
        write(&self.sockets).insert(socket.id().to_owned(), socket.clone());
        let mut rooms = lock(&self.rooms);
        rooms.join(socket.namespace(), socket.id(), socket.id());
        self.metrics.sockets.inc();
    }

    /// Removes a socket everywhere (once), fails its acks, runs the disconnect handlers.
    pub fn detach(&self, socket: &Socket, reason: DisconnectReason) {
        if !socket.0.connected.swap(false, Ordering::SeqCst) {
            return;
        }
        let client = lock(&self.clients)
            .get(socket.0.session.id())
            .map(|entry| entry.client.clone());
        if let Some(client) = client {
            client.lock_sockets().remove(socket.namespace());
        }
        write(&self.sockets).remove(socket.id());
        let left = {
            let mut rooms = lock(&self.rooms);
            let left = rooms.remove_socket(socket.namespace(), socket.id());
            self.refresh_room_gauge(&rooms);
            left
        };
        if let Some(redis) = self.adapter.redis() {
            for room in left.iter().filter(|r| *r != socket.id()) {
                redis.presence_leave(socket.namespace(), room, socket.id());
            }
        }
        socket.fail_acks();
        self.metrics.sockets.dec();
        if let Some(ns) = self.namespace(socket.namespace()) {
            for handler in ns.disconnect_handlers() {
                tokio::spawn(handler(socket.clone(), reason));
            }
        }
    }

    pub fn join(&self, socket: &Socket, room: &str) {
        let added = {
            let mut rooms = lock(&self.rooms);
            let added = rooms.join(socket.namespace(), socket.id(), room);
            self.refresh_room_gauge(&rooms);
            added
        };
        if let Some(redis) = self.adapter.redis()
            && added
            && room != socket.id()
        {
            redis.presence_join(socket.namespace(), room, socket.id(), socket.data());
        }
    }

    pub fn leave(&self, socket: &Socket, room: &str) {
        let removed = {
            let mut rooms = lock(&self.rooms);
            let removed = rooms.leave(socket.namespace(), socket.id(), room);
            self.refresh_room_gauge(&rooms);
            removed
        };
        if let Some(redis) = self.adapter.redis()
            && removed
            && room != socket.id()
        {
            redis.presence_leave(socket.namespace(), room, socket.id());
        }
    }

    pub fn rooms_of(&self, socket: &Socket) -> Vec<String> {
        lock(&self.rooms).rooms_of(socket.namespace(), socket.id())
    }

    /// Local sockets targeted by a broadcast.
    pub fn local_targets(&self, nsp: &str, rooms: &[String], except: &[String]) -> Vec<Socket> {
        let ids = lock(&self.rooms).targets(nsp, rooms, except);
        let sockets = read(&self.sockets);
        ids.iter()
            .filter_map(|id| sockets.get(id).cloned())
            .collect()
    }

    /// Runs a broadcast on this node's sockets.
    pub fn apply(&self, message: &BusMessage) {
        let targets = self.local_targets(&message.nsp, &message.rooms, &message.except);
        match message.op {
            BusOp::Emit => {
                let Some(text) = &message.packet else {
                    return;
                };
                let packet = Encoded {
                    text: text.clone(),
                    attachments: message.attachments.clone(),
                };
                let mut sent = 0;
                for socket in &targets {
                    if socket.is_connected() && packet.send_to(&socket.0.session) {
                        sent += 1;
                    }
                }
                if sent > 0 {
                    self.count_out(message.event.as_deref().unwrap_or("other"), sent);
                }
            }
            BusOp::Disconnect => {
                for socket in &targets {
                    socket.disconnect();
                }
            }
        }
    }

    /// Hands a client event (with its attachments, placeholders checked) to its handler.
    pub fn dispatch(&self, socket: Socket, packet: Packet, attachments: Vec<Bytes>) {
        let Some((event, values)) = client::split_event(packet.data) else {
            return;
        };
        let args = Args::received(values, attachments);
        let handler = self
            .namespace(socket.namespace())
            .and_then(|ns| ns.event(&event));
        let label = if handler.is_some() {
            event.as_str()
        } else {
            "unhandled"
        };
        self.metrics.messages_in.with_label_values(&[label]).inc();
        if let Some(handler) = handler {
            let ack = client::ack_for(&socket, packet.id);
            tokio::spawn(handler(socket, args, ack));
        }
    }
}

impl Hub for Inner {
    fn join(&self, socket: &Socket, room: &str) {
        Inner::join(self, socket, room);
    }

    fn leave(&self, socket: &Socket, room: &str) {
        Inner::leave(self, socket, room);
    }

    fn rooms_of(&self, socket: &Socket) -> Vec<String> {
        Inner::rooms_of(self, socket)
    }

    fn detach(&self, socket: &Socket, reason: DisconnectReason) {
        Inner::detach(self, socket, reason);
    }

    fn count_out(&self, event: &str, n: u64) {
        Inner::count_out(self, event, n);
    }
}

impl Bus for Inner {
    fn node_id(&self) -> String {
        self.adapter
            .redis()
            .map(|r| r.node_id().to_owned())
            .unwrap_or_default()
    }

    fn broadcast(&self, message: BusMessage) {
        self.apply(&message);
        if let Some(redis) = self.adapter.redis() {
            redis.publish(&message);
        }
    }
}

impl BusSink for Inner {
    fn deliver(&self, message: BusMessage) {
        let latency = now_us().saturating_sub(message.sent_at_us) as f64 / 1e6;
        self.metrics.relay_latency.observe(latency);
        self.apply(&message);
    }

    fn rooms_lost(&self, rooms: Vec<(String, String)>) {
        let handlers = read(&self.lost).clone();
        for (nsp, room) in rooms {
            for handler in &handlers {
                tokio::spawn(handler(nsp.clone(), room.clone()));
            }
        }
    }
}

/// The Engine.IO callbacks of a Socket.IO server.
struct Handler(Weak<Inner>);

fn disconnect_reason(reason: CloseReason) -> DisconnectReason {
    match reason {
        CloseReason::TransportClose => DisconnectReason::TransportClose,
        CloseReason::PingTimeout => DisconnectReason::PingTimeout,
        CloseReason::TransportError => DisconnectReason::TransportError,
        CloseReason::ServerClose => DisconnectReason::ForcedClose,
    }
}

impl EngineHandler for Handler {
    fn on_open(&self, session: &Arc<Session>, handshake: HandshakeInfo) {
        let Some(rt) = self.0.upgrade() else {
            return;
        };
        let client = Arc::new(Client::new(session.clone(), handshake));
        lock(&rt.clients).insert(
            session.id().to_owned(),
            ClientEntry {
                client: client.clone(),
            },
        );
        // The loop also closes the connection if no namespace connects in time.
        tokio::spawn(client::run(rt, client));
    }

    fn on_message(&self, session: &Arc<Session>, payload: Payload) {
        let Some(rt) = self.0.upgrade() else {
            return;
        };
        let client = lock(&rt.clients)
            .get(session.id())
            .map(|entry| entry.client.clone());
        if let Some(client) = client {
            client.inbox.push(payload);
        }
    }

    fn on_close(&self, session: &Arc<Session>, reason: CloseReason) {
        let Some(rt) = self.0.upgrade() else {
            return;
        };
        let Some(entry) = lock(&rt.clients).remove(session.id()) else {
            return;
        };
        entry.client.inbox.close();
        let sockets: Vec<Socket> = entry.client.lock_sockets().values().cloned().collect();
        for socket in sockets {
            rt.detach(&socket, disconnect_reason(reason));
        }
    }
}
