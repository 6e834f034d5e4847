//! Socket.IO v5 on top of Engine.IO: packets, arguments (binary attachments included),
//! namespaces, sockets and the per-connection packet loop.

pub mod args;
pub(crate) mod assembler;
pub(crate) mod client;
pub(crate) mod namespace;
pub mod packet;
pub mod socket;
