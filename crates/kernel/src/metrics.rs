//! Prometheus metrics: HTTP requests by route pattern, method and status, latencies, and
//! database pool gauges. One registry per process, passed in (no global).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sea_orm::DatabaseConnection;

/// The process's metrics.
pub struct Metrics {
    /// The registry other crates add their collectors to.
    pub registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    db_connections: IntGaugeVec,
    db_max: IntGauge,
}

impl Metrics {
    /// Creates and registers the HTTP and pool collectors.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("mas".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route", "status"],
        )?;
        let db_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        let db_max = IntGauge::new("db_pool_max_connections", "Database pool size limit")?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(db_connections.clone()))?;
        registry.register(Box::new(db_max.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            db_connections,
            db_max,
        })
    }

    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.http_requests
            .with_label_values(&[method, route, &status])
            .inc();
        self.http_duration
            .with_label_values(&[method, route, &status])
            .observe(seconds);
    }

    /// Renders the text exposition format, refreshing the pool gauges first.
    pub fn render(&self, db: &DatabaseConnection, pool_max: u32) -> String {
        let (open, idle) = crate::db::pool_stats(db);
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        self.db_connections
            .with_label_values(&["open"])
            .set(i64::from(open));
        self.db_connections.with_label_values(&["idle"]).set(idle);
        self.db_connections
            .with_label_values(&["in_use"])
            .set(i64::from(open) - idle);
        self.db_max.set(i64::from(pool_max));
        let mut buf = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %err, "encoding metrics failed");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}
