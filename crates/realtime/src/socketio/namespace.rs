//! The handlers registered for one namespace.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use futures::future::BoxFuture;

use super::{
    args::Args,
    socket::{AckSender, DisconnectReason, Socket},
};

/// Handles one event: the socket, the event's arguments, and the ack responder when the
/// client asked for one.
pub(crate) type EventHandler =
    Arc<dyn Fn(Socket, Args, Option<AckSender>) -> BoxFuture<'static, ()> + Send + Sync>;
/// Runs when a socket joins the namespace.
pub(crate) type ConnectHandler = Arc<dyn Fn(Socket) -> BoxFuture<'static, ()> + Send + Sync>;
/// Runs when a socket leaves the namespace.
pub(crate) type DisconnectHandler =
    Arc<dyn Fn(Socket, DisconnectReason) -> BoxFuture<'static, ()> + Send + Sync>;

/// Handlers of one namespace; registration may happen while clients are connected.
#[derive(Default)]
pub(crate) struct Namespace {
    events: RwLock<HashMap<String, EventHandler>>,
    on_connect: RwLock<Vec<ConnectHandler>>,
    on_disconnect: RwLock<Vec<DisconnectHandler>>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

impl Namespace {
    pub fn set_event(&self, event: &str, handler: EventHandler) {
        write(&self.events).insert(event.to_owned(), handler);
    }

    pub fn event(&self, event: &str) -> Option<EventHandler> {
        read(&self.events).get(event).cloned()
    }

    pub fn add_connect(&self, handler: ConnectHandler) {
        write(&self.on_connect).push(handler);
    }

    pub fn connect_handlers(&self) -> Vec<ConnectHandler> {
        read(&self.on_connect).clone()
    }

    pub fn add_disconnect(&self, handler: DisconnectHandler) {
        write(&self.on_disconnect).push(handler);
    }

    pub fn disconnect_handlers(&self) -> Vec<DisconnectHandler> {
        read(&self.on_disconnect).clone()
    }
}
