//! Socket.IO v5 on top of Engine.IO: packets, arguments (binary attachments included),
//! namespaces, sockets and broadcasts. The server ([`crate::server`], the per-connection
//! packet loop, rooms, the adapter) sits on top and is reached through the traits [`socket::Hub`] and
//! [`broadcast::Bus`] it implements, so this layer never depends on it.

pub mod args;
pub(crate) mod assembler;
pub mod broadcast;
pub(crate) mod namespace;
pub mod packet;
pub mod socket;
