//! One Engine.IO connection seen from Socket.IO: the namespaces it joined, and the loop
//! that handles its packets in order (binary ones once their attachments are in; CONNECT
//! awaits the authenticator; event handlers are spawned, so a handler waiting for an ack
//! cannot stall the loop).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use actix_web::web::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

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
}

impl Client {
    pub fn new(session: Arc<Session>, handshake: HandshakeInfo) -> Self {
        Self {
            session,
            handshake,
            sockets: Mutex::new(HashMap::new()),
            connected_once: AtomicBool::new(false),
        }
    }

    pub fn lock_sockets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Socket>> {
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn socket(&self, nsp: &str) -> Option<Socket> {
        self.lock_sockets().get(nsp).cloned()
    }
}

/// Handles the connection's packets until it closes.
pub(crate) async fn run(
    rt: Arc<Inner>,
    client: Arc<Client>,
    mut rx: mpsc::UnboundedReceiver<Payload>,
) {
    let mut assembler = Assembler::new(&rt.options);
    loop {
        let next = match assembler.deadline() {
            None => rx.recv().await,
            Some(deadline) => match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(next) => next,
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
        headers: client.handshake.headers.clone(),
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
