//! Prometheus metrics per queue: jobs by state (sampled every few seconds from Redis, so
//! every replica reports the cluster-wide counts), processed jobs by outcome, processing time.

use std::time::Duration;

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use tokio::task::JoinHandle;

use crate::{Jobs, dlq, queues::QUEUES};

/// How often queue counts are sampled.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// The job collectors.
#[derive(Clone)]
pub struct JobMetrics {
    processed: IntCounterVec,
    duration: HistogramVec,
    jobs: IntGaugeVec,
}

impl JobMetrics {
    /// Creates the collectors and registers them.
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let processed = IntCounterVec::new(
            Opts::new(
                "jobs_processed_total",
                "Jobs processed by this process, by queue and outcome",
            ),
            &["queue", "outcome"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("job_duration_seconds", "Handler time per job")
                .buckets(vec![0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0]),
            &["queue"],
        )?;
        let jobs = IntGaugeVec::new(
            Opts::new("queue_jobs", "Jobs in each queue by state"),
            &["queue", "state"],
        )?;
        let metrics = Self {
            processed,
            duration,
            jobs,
        };
        for collector in metrics.collectors() {
            match registry.register(collector) {
                // A second handle in the same process (tests) counts without exporting.
                Ok(()) | Err(prometheus::Error::AlreadyReg) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(metrics)
    }

    fn collectors(&self) -> Vec<Box<dyn prometheus::core::Collector>> {
        vec![
            Box::new(self.processed.clone()),
            Box::new(self.duration.clone()),
            Box::new(self.jobs.clone()),
        ]
    }

    /// Records one processed job.
    pub fn observe(&self, queue: &str, outcome: &str, took: Duration) {
        self.processed.with_label_values(&[queue, outcome]).inc();
        self.duration
            .with_label_values(&[queue])
            .observe(took.as_secs_f64());
    }

    fn set(&self, queue: &str, state: &str, value: u64) {
        self.jobs
            .with_label_values(&[queue, state])
            .set(i64::try_from(value).unwrap_or(i64::MAX));
    }
}

/// Samples every queue's counts into the gauges.
pub async fn sample(jobs: &Jobs) -> anyhow::Result<()> {
    for spec in QUEUES {
        let queue = jobs.queue(spec.name).await?;
        let c = queue
            .get_job_counts()
            .await
            .map_err(|e| anyhow::anyhow!("counting {}: {e}", spec.name))?;
        let m = jobs.metrics();
        m.set(spec.name, "waiting", c.waiting + c.prioritized);
        m.set(spec.name, "active", c.active);
        m.set(spec.name, "delayed", c.delayed);
        m.set(spec.name, "completed", c.completed);
        m.set(spec.name, "failed", c.failed);
        m.set(spec.name, "dead_letter", dlq::count(jobs, spec.name).await?);
    }
    Ok(())
}

/// Keeps the gauges fresh.
pub fn spawn_sampler(jobs: Jobs) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = sample(&jobs).await {
                tracing::debug!(error = %format!("{err:#}"), "sampling queue counts failed");
            }
            tokio::time::sleep(SAMPLE_EVERY).await;
        }
    })
}
