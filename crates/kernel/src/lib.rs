//! Shared runtime for every crate of the gateway: configuration, the one error shape
//! (RFC 9457 problem+json), database and Redis handles, tenancy, auth claims and
//! extractors, ids, money, pagination, metrics and telemetry.
//!
//! `kernel` depends on no other workspace crate.

pub mod audit;
pub mod auth;
pub mod config;
pub mod context;
pub mod crypto;
pub mod db;
pub mod error;
pub mod extract;
pub mod http;
pub mod ids;
pub mod invalidation;
pub mod jwt;
pub mod local_cache;
pub mod metrics;
pub mod money;
pub mod pagination;
pub mod pdf;
pub mod ratelimit;
pub mod redis;
pub mod request_id;
pub mod roles;
pub mod routes;
pub mod system_config;
pub mod telemetry;
pub mod tenant;
pub mod text;
pub mod user_cache;

pub use config::Config;
pub use context::AppContext;
pub use error::{AppError, FieldError};
pub use tenant::Tenant;

/// The body limit of a signed-in user's JSON, urlencoded or raw body: 1 MiB. Uploads stream
/// with their own limit (`UPLOAD_MAX_BYTES`), Socket.IO with `SOCKET_MAX_PAYLOAD_BYTES`.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// The body limit of requests without a signed-in user (sign-in endpoints, public forms,
/// webhooks): 64 KiB. The seed accepted 20 MB from anyone.
pub const PUBLIC_BODY_LIMIT_BYTES: usize = 64 * 1024;
