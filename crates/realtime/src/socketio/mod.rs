//! Socket.IO v5 on top of Engine.IO: packets, namespaces, sockets and the per-connection
//! packet loop.

pub(crate) mod client;
pub(crate) mod namespace;
pub mod packet;
pub mod socket;
