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
pub mod metrics;
pub mod money;
pub mod pagination;
pub mod ratelimit;
pub mod redis;
pub mod request_id;
pub mod system_config;
pub mod telemetry;
pub mod tenant;
pub mod text;

pub use config::Config;
pub use context::AppContext;
pub use error::{AppError, FieldError};
pub use tenant::Tenant;

/// The body limit of every request (JSON, urlencoded, raw), as in the seed: 20 MB.
pub const BODY_LIMIT_BYTES: usize = 20 * 1024 * 1024;
