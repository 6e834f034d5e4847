//! `jobs_probe`: a worker process for the crash test and the benchmark of the jobs crate (an
//! operations tool; the product runs jobs in `gateway worker`).
//!
//! ```text
//! jobs_probe produce --count 1000              # enqueue probe jobs
//! jobs_probe work [--lock-ms 2000] [--effect-ms 20] [--concurrency 20]
//!                                              # run an idempotent worker until SIGTERM/SIGKILL
//! jobs_probe outbox-then-hang --key 7 [--rollback]
//!                                              # commit (or roll back) an outbox row, then hang
//! jobs_probe bench --count 20000 --concurrency 50
//!                                              # enqueue N no-op jobs, process them, print JSON
//! ```
//! Configuration comes from the environment like the gateway's (`DATABASE_URL`, `REDIS_URL`,
//! `BULLMQ_PREFIX`). The idempotent handler records each run in `probe_runs` and its effect in
//! `probe_effects` (primary key: the job's `key`), so a job run twice has one effect.
#![allow(clippy::print_stdout)]

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::{Parser, Subcommand};
use jobs::{
    JobContext, JobSpec, Jobs, Registry, WorkerTuning,
    runner::{Background, Mode},
};
use kernel::{AppContext, Config};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A probe job: `key` identifies its effect.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Probe {
    key: u32,
}

impl JobSpec for Probe {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "probe";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// A no-op job for the throughput benchmark.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Noop {
    n: u32,
}

impl JobSpec for Noop {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "noop";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Enqueue `count` probe jobs.
    Produce {
        #[arg(long, default_value_t = 1000)]
        count: u32,
    },
    /// Process probe jobs idempotently until killed.
    Work {
        #[arg(long, default_value_t = 20)]
        concurrency: usize,
        /// Lock duration: a killed worker's jobs come back after about this long.
        #[arg(long, default_value_t = 2_000)]
        lock_ms: u64,
        /// Time each job takes between recording its run and its effect.
        #[arg(long, default_value_t = 20)]
        effect_ms: u64,
    },
    /// Write a probe job to the outbox in a transaction, commit it (or roll it back), print
    /// `{"committed": ..}` and hang without relaying, waiting to be killed.
    OutboxThenHang {
        #[arg(long)]
        key: u32,
        #[arg(long)]
        rollback: bool,
    },
    /// Enqueue and process `count` no-op jobs; print the rates as JSON.
    Bench {
        #[arg(long, default_value_t = 20_000)]
        count: u32,
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    let db = kernel::db::connect(&config).await?;
    let redis = kernel::redis::pool(&config)?;
    let ctx = AppContext::new(config, db.clone(), redis)?;
    let jobs = Jobs::new(&ctx).await?;
    match cli.command {
        Command::Produce { count } => {
            let payloads: Vec<Probe> = (0..count).map(|key| Probe { key }).collect();
            let ids = jobs.enqueue_bulk("mr-mentor", &payloads).await?;
            println!("{}", json!({"enqueued": ids.len()}));
        }
        Command::Work {
            concurrency,
            lock_ms,
            effect_ms,
        } => work(&jobs, &db, concurrency, lock_ms, effect_ms).await?,
        Command::OutboxThenHang { key, rollback } => {
            let tenant = ctx.tenants.resolve(&db, None).await?;
            let txn = db.begin().await?;
            let row = jobs::outbox::enqueue_in(&txn, &tenant, &Probe { key }).await?;
            if rollback {
                txn.rollback().await?;
            } else {
                txn.commit().await?;
            }
            println!("{}", json!({"committed": !rollback, "row": row}));
            // no notify, no relay: the process dies here with the row unrelayed
            std::future::pending::<()>().await;
        }
        Command::Bench { count, concurrency } => bench(&jobs, count, concurrency).await?,
    }
    jobs.close().await;
    Ok(())
}

async fn work(
    jobs: &Jobs,
    db: &DatabaseConnection,
    concurrency: usize,
    lock_ms: u64,
    effect_ms: u64,
) -> anyhow::Result<()> {
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS probe_runs (id bigserial PRIMARY KEY, key int NOT NULL, pid int NOT NULL);
         CREATE TABLE IF NOT EXISTS probe_effects (key int PRIMARY KEY, job_id text NOT NULL, pid int NOT NULL)",
    )
    .await?;
    let mut registry = Registry::new();
    let db = db.clone();
    let pid = i32::try_from(std::process::id()).unwrap_or_default();
    registry
        .tune(
            Probe::QUEUE,
            WorkerTuning {
                concurrency: Some(concurrency),
                lock_duration_ms: lock_ms,
                stalled_interval_ms: lock_ms,
                max_stalled_count: 3,
            },
        )
        .handle(move |ctx: JobContext, probe: Probe| {
            let db = db.clone();
            async move {
                let backend = db.get_database_backend();
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO probe_runs (key, pid) VALUES ($1, $2)",
                    [i64::from(probe.key).into(), pid.into()],
                ))
                .await?;
                tokio::time::sleep(Duration::from_millis(effect_ms)).await;
                // the effect and its dedupe key commit together: a second run changes nothing
                let txn = db.begin().await?;
                txn.execute_raw(Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO probe_effects (key, job_id, pid) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                    [i64::from(probe.key).into(), ctx.job_id.into(), pid.into()],
                ))
                .await?;
                txn.commit().await?;
                Ok(())
            }
        });
    let background = Background::start(jobs, Arc::new(registry), Mode::Consume).await?;
    println!("{}", json!({"ready": true, "pid": pid}));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    // drain like `gateway worker`: stop taking jobs, let the active ones finish
    background.close(Duration::from_secs(10)).await;
    println!("{}", json!({"drained": true}));
    Ok(())
}

async fn bench(jobs: &Jobs, count: u32, concurrency: usize) -> anyhow::Result<()> {
    let done = Arc::new(AtomicU64::new(0));
    let all_done = Arc::new(tokio::sync::Notify::new());
    let mut registry = Registry::new();
    {
        let done = done.clone();
        let all_done = all_done.clone();
        registry
            .tune(
                Noop::QUEUE,
                WorkerTuning {
                    concurrency: Some(concurrency),
                    ..Default::default()
                },
            )
            .handle(move |_ctx: JobContext, _job: Noop| {
                let done = done.clone();
                let all_done = all_done.clone();
                async move {
                    if done.fetch_add(1, Ordering::Relaxed) + 1 == u64::from(count) {
                        all_done.notify_one();
                    }
                    Ok(())
                }
            });
    }
    let payloads: Vec<Noop> = (0..count).map(|n| Noop { n }).collect();
    let started = Instant::now();
    jobs.enqueue_bulk("mr-mentor", &payloads)
        .await
        .context("enqueueing")?;
    let enqueued = started.elapsed();
    let processing = Instant::now();
    let background = Background::start(jobs, Arc::new(registry), Mode::Consume).await?;
    tokio::time::timeout(Duration::from_secs(600), all_done.notified())
        .await
        .context("jobs did not all complete within 10 minutes")?;
    let processed = processing.elapsed();
    let total = started.elapsed();
    background.close(Duration::from_secs(5)).await;
    let rate = |d: Duration| f64::from(count) / d.as_secs_f64();
    println!(
        "{}",
        json!({
            "worker": "rust",
            "jobs": count,
            "concurrency": concurrency,
            "enqueue_secs": enqueued.as_secs_f64(),
            "process_secs": processed.as_secs_f64(),
            "total_secs": total.as_secs_f64(),
            "enqueue_per_sec": rate(enqueued),
            "process_per_sec": rate(processed),
            "end_to_end_per_sec": rate(total),
        })
    );
    Ok(())
}
