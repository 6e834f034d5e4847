//! Tracing setup: pretty logs in development, JSON lines in production; the filter comes from
//! `RUST_LOG`/`LOG_LEVEL`. Every request runs inside the root span of
//! [`crate::http::request_context`], so its `request_id` is on every line it logs.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::Config;

/// Installs the global subscriber (a second call is a no-op, so tests may call it freely).
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if config.log_json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        registry.with(fmt::layer().compact()).try_init()
    };
    if result.is_err() {
        tracing::debug!("tracing subscriber already installed");
    }
}
