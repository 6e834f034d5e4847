//! Prometheus collectors of the real-time server, registered on the process registry
//! (`kernel::metrics::Metrics::registry`).

use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGauge, Opts, Registry};

/// Socket, room, message and relay metrics.
#[derive(Clone)]
pub struct RealtimeMetrics {
    /// Sockets connected to this node (one per namespace joined).
    pub sockets: IntGauge,
    /// Rooms with at least one socket on this node (each socket's own room not counted).
    pub rooms: IntGauge,
    /// Events received from clients, by event name.
    pub messages_in: IntCounterVec,
    /// Events delivered to clients on this node, by event name.
    pub messages_out: IntCounterVec,
    /// Time from a broadcast on one node to its delivery on another (Redis relay).
    pub relay_latency: Histogram,
}

impl RealtimeMetrics {
    /// Creates the collectors without registering them.
    pub fn new() -> prometheus::Result<Self> {
        Ok(Self {
            sockets: IntGauge::new("realtime_connected_sockets", "Connected Socket.IO sockets")?,
            rooms: IntGauge::new("realtime_rooms", "Rooms with local sockets")?,
            messages_in: IntCounterVec::new(
                Opts::new("realtime_messages_in_total", "Events received, by event"),
                &["event"],
            )?,
            messages_out: IntCounterVec::new(
                Opts::new("realtime_messages_out_total", "Events delivered, by event"),
                &["event"],
            )?,
            relay_latency: Histogram::with_opts(
                HistogramOpts::new(
                    "realtime_relay_latency_seconds",
                    "Latency of broadcasts relayed through Redis",
                )
                .buckets(vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
                ]),
            )?,
        })
    }

    /// Creates the collectors and registers them on `registry`.
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let metrics = Self::new()?;
        registry.register(Box::new(metrics.sockets.clone()))?;
        registry.register(Box::new(metrics.rooms.clone()))?;
        registry.register(Box::new(metrics.messages_in.clone()))?;
        registry.register(Box::new(metrics.messages_out.clone()))?;
        registry.register(Box::new(metrics.relay_latency.clone()))?;
        Ok(metrics)
    }
}
