//! One Engine.IO connection seen from Socket.IO: the namespaces it joined, and the loop
//! that handles its packets in order (binary ones once their attachments are in; CONNECT
//! awaits the authenticator; event handlers are spawned, so a handler waiting for an ack
//! cannot stall the loop).

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use actix_web::web::Bytes;
use serde_json::{Value, json};
use tokio::{sync::Notify, time::Instant};

use super::Inner;
use crate::{
    auth::ConnectRequest,
    engine::{CloseReason, HandshakeInfo, Payload, Session},
    socketio::{
        args::Args,
        assembler::{Assembler, AssemblyError},
        packet::{Kind, Packet, encode},
        socket::{AckSender, DisconnectReason, Socket, SocketInner},
    },
};

/// One connection and its sockets (one per namespace).
pub(crate) struct Client {
    pub session: Arc<Session>,
    pub handshake: HandshakeInfo,
    pub sockets: Mutex<HashMap<String, Socket>>,
    pub connected_once: AtomicBool,
    /// The messages waiting for [`run`].
    pub inbox: Inbox,
}

impl Client {
    pub fn new(session: Arc<Session>, handshake: HandshakeInfo) -> Self {
        Self {
            session,
            handshake,
            sockets: Mutex::new(HashMap::new()),
            connected_once: AtomicBool::new(false),
            inbox: Inbox::default(),
        }
    }

    pub fn lock_sockets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Socket>> {
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn socket(&self, nsp: &str) -> Option<Socket> {
        self.lock_sockets().get(nsp).cloned()
    }
}

/// The messages of one connection waiting for its loop, in order, with one consumer
/// ([`run`]). A queue under a lock rather than a channel: an idle connection holds an
/// empty `VecDeque` instead of a channel's preallocated block (ADR 0084).
#[derive(Default)]
pub(crate) struct Inbox {
    state: Mutex<InboxState>,
    ready: Notify,
}

#[derive(Default)]
struct InboxState {
    queue: VecDeque<Payload>,
    closed: bool,
}

impl Inbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, InboxState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a message; `false` once closed.
    pub fn push(&self, payload: Payload) -> bool {
        {
            let mut state = self.lock();
            if state.closed {
                return false;
            }
            state.queue.push_back(payload);
        }
        // One consumer: a permit is stored when it is not waiting, so no wake-up is lost.
        self.ready.notify_one();
        true
    }

    /// No more messages: `recv` returns `None` once the queue is empty.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_one();
    }

    /// The next message, `None` when closed and drained.
    pub async fn recv(&self) -> Option<Payload> {
        loop {
            {
                let mut state = self.lock();
                if let Some(payload) = state.queue.pop_front() {
                    // Give back what a burst grew.
                    if state.queue.is_empty() && state.queue.capacity() > 64 {
                        state.queue = VecDeque::new();
                    }
                    return Some(payload);
                }
                if state.closed {
                    return None;
                }
            }
            self.ready.notified().await;
        }
    }
}

/// Handles the connection's packets until it closes. A connection that has not connected a
/// namespace within `connect_timeout` of its opening is closed (this loop watches it, so
/// no timer task is kept per connection).
pub(crate) async fn run(rt: Arc<Inner>, client: Arc<Client>) {
    let mut assembler = Assembler::new(&rt.options);
    let connect_deadline = Instant::now() + rt.options.connect_timeout;
    let connect_timed_out = |rt: &Inner, client: &Client| {
        if !client.connected_once.load(Ordering::SeqCst) {
            rt.engine.close(&client.session, CloseReason::ServerClose);
        }
    };
    loop {
        let connecting = !client.connected_once.load(Ordering::SeqCst);
        let deadline = match (assembler.deadline(), connecting) {
            (Some(d), true) => Some(d.min(connect_deadline)),
            (Some(d), false) => Some(d),
            (None, true) => Some(connect_deadline),
            (None, false) => None,
        };
        let next = match deadline {
            None => client.inbox.recv().await,
            Some(deadline) => match tokio::time::timeout_at(deadline, client.inbox.recv()).await {
                Ok(next) => next,
                Err(_) if connecting && Instant::now() >= connect_deadline => {
                    connect_timed_out(&rt, &client);
                    return;
                }
                Err(_) => {
                    refuse(&rt, &client, &assembler.timed_out());
                    return;
                }
            },
        };
        let Some(payload) = next else {
            return;
        };
        let ok = match assembler.push(payload) {
            Ok(None) => true,
            Ok(Some((packet, attachments))) if connecting => {
                // CONNECT awaits the authenticator: it too must finish within the timeout.
                let handled = handle(&rt, &client, packet, attachments);
                match tokio::time::timeout_at(connect_deadline, handled).await {
                    Ok(ok) => ok,
                    Err(_) => {
                        connect_timed_out(&rt, &client);
                        return;
                    }
                }
            }
            Ok(Some((packet, attachments))) => handle(&rt, &client, packet, attachments).await,
            Err(err) => {
                refuse(&rt, &client, &err);
                return;
            }
        };
        if !ok {
            tracing::debug!(sid = client.session.id(), "packet out of place; closing");
            rt.engine
                .close(&client.session, CloseReason::TransportError);
            return;
        }
    }
}

/// Closes a connection whose messages do not assemble into packets within the limits.
fn refuse(rt: &Inner, client: &Client, err: &AssemblyError) {
    match err {
        AssemblyError::Parse(_) => {
            tracing::debug!(sid = client.session.id(), error = %err, "closing")
        }
        _ => {
            tracing::info!(sid = client.session.id(), error = %err, "binary packet refused; closing")
        }
    }
    rt.engine
        .close(&client.session, CloseReason::TransportError);
}

/// `false` when the packet breaks the protocol (the connection is then closed).
async fn handle(
    rt: &Arc<Inner>,
    client: &Arc<Client>,
    packet: Packet,
    attachments: Vec<Bytes>,
) -> bool {
    let socket = client.socket(&packet.nsp);
    match (packet.kind, socket) {
        (Kind::Connect, None) => {
            connect(rt, client, packet).await;
            true
        }
        (Kind::Disconnect, Some(socket)) => {
            rt.detach(&socket, DisconnectReason::ClientNamespaceDisconnect);
            true
        }
        (Kind::Event | Kind::BinaryEvent, Some(socket)) => {
            rt.dispatch(socket, packet, attachments);
            true
        }
        (Kind::Ack | Kind::BinaryAck, Some(socket)) => {
            if let (Some(id), Some(Value::Array(args))) = (packet.id, packet.data) {
                socket.resolve_ack(id, Args::received(args, attachments));
            }
            true
        }
        _ => false,
    }
}

fn connect_error(client: &Client, nsp: &str, body: &Value) {
    client
        .session
        .send_text(encode(Kind::ConnectError, nsp, None, Some(body)));
}

async fn connect(rt: &Arc<Inner>, client: &Arc<Client>, packet: Packet) {
    let Some(namespace) = rt.namespace(&packet.nsp) else {
        connect_error(
            client,
            &packet.nsp,
            &json!({"message": "Invalid namespace"}),
        );
        return;
    };
    let auth = packet.data.unwrap_or_else(|| json!({}));
    let request = ConnectRequest {
        namespace: packet.nsp.clone(),
        auth: auth.clone(),
        query: client.handshake.query.clone(),
        headers: client.handshake.headers.to_map(),
    };
    let data = match rt.authenticator.authenticate(request).await {
        Ok(data) => data,
        Err(refusal) => {
            connect_error(client, &packet.nsp, &refusal.to_json());
            return;
        }
    };
    if client.session.is_closed() {
        return;
    }
    let socket = Socket(Arc::new(SocketInner {
        id: uuid::Uuid::new_v4().simple().to_string(),
        nsp: packet.nsp.clone(),
        data,
        auth,
        session: client.session.clone(),
        rt: rt.clone(),
        acks: Mutex::new(HashMap::new()),
        next_ack: AtomicU64::new(0),
        connected: AtomicBool::new(true),
    }));
    client
        .lock_sockets()
        .insert(packet.nsp.clone(), socket.clone());
    client.connected_once.store(true, Ordering::SeqCst);
    rt.attach(&socket);
    if client.session.is_closed() {
        // The connection closed while the socket was being set up: on_close has already
        // run and could not see it.
        rt.detach(&socket, DisconnectReason::TransportClose);
        return;
    }
    let body = json!({"sid": socket.id()});
    client
        .session
        .send_text(encode(Kind::Connect, &packet.nsp, None, Some(&body)));
    for handler in namespace.connect_handlers() {
        tokio::spawn(handler(socket.clone()));
    }
}

/// The event arguments without the event name.
pub(crate) fn split_event(data: Option<Value>) -> Option<(String, Vec<Value>)> {
    let Some(Value::Array(mut items)) = data else {
        return None;
    };
    if items.is_empty() {
        return None;
    }
    match items.remove(0) {
        Value::String(event) => Some((event, items)),
        _ => None,
    }
}

/// The responder of an event that asked for an ack.
pub(crate) fn ack_for(socket: &Socket, id: Option<u64>) -> Option<AckSender> {
    id.map(|id| AckSender::new(socket.clone(), id))
}
