//! Kill -9 a worker process holding 1,000 queued jobs mid-processing; after a restart every
//! job has completed exactly once from the application's point of view (the idempotent
//! handler's effect table), and BullMQ's stalled-job recovery returned the killed worker's
//! active jobs. `bash bench/jobs-crash.sh` runs this test and prints the counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use common::eventually;
use sea_orm::{ConnectionTrait, Statement};
use secrecy::ExposeSecret;
use testkit::{TestApp, spawn_app};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

const JOBS: i64 = 1_000;

fn probe(app: &TestApp, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jobs_probe"));
    cmd.args(args)
        .env(
            "DATABASE_URL",
            app.config.kernel.database_url.expose_secret(),
        )
        .env("REDIS_URL", app.config.kernel.redis_url.expose_secret())
        .env("BULLMQ_PREFIX", &app.config.kernel.bullmq_prefix)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    cmd
}

async fn start_worker(app: &TestApp) -> Child {
    let mut child = probe(
        app,
        &[
            "work",
            "--concurrency",
            "20",
            "--lock-ms",
            "2000",
            "--effect-ms",
            "20",
        ],
    )
    .stdout(Stdio::piped())
    .spawn()
    .expect("starting jobs_probe");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("worker not ready in 30 s")
        .unwrap()
        .unwrap_or_default();
    assert!(ready.contains("\"ready\":true"), "worker said {ready:?}");
    child
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn table_count(app: &TestApp, sql: &str) -> i64 {
    // the worker creates the tables; before that there is nothing
    let exists = count(
        app,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'probe_effects'",
    )
    .await;
    if exists == 0 {
        0
    } else {
        count(app, sql).await
    }
}

#[tokio::test]
async fn every_job_completes_exactly_once_after_the_worker_is_killed() {
    let app = spawn_app().await;
    let out = probe(&app, &["produce", "--count", &JOBS.to_string()])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut first = start_worker(&app).await;
    let midway = eventually(60, || async {
        table_count(&app, "SELECT count(*) FROM probe_effects").await >= 200
    })
    .await;
    assert!(midway, "the first worker made no progress");
    first.start_kill().unwrap(); // SIGKILL
    first.wait().await.unwrap();
    let killed_at = Instant::now();

    let queue = app.jobs.queue("databaseQueue").await.unwrap();
    let at_kill = queue.get_job_counts().await.unwrap();
    let effects_at_kill = count(&app, "SELECT count(*) FROM probe_effects").await;
    let runs_at_kill = count(&app, "SELECT count(*) FROM probe_runs").await;
    assert!(
        effects_at_kill < JOBS,
        "the worker finished before it was killed"
    );
    assert!(
        at_kill.active > 0,
        "no job was mid-processing when killed: {at_kill:?}"
    );

    let second = start_worker(&app).await;
    let finished = eventually(120, || async {
        let c = queue.get_job_counts().await.unwrap();
        c.waiting + c.active + c.delayed + c.paused == 0
            && count(&app, "SELECT count(*) FROM probe_effects").await == JOBS
    })
    .await;
    let recovered_in = killed_at.elapsed();
    drop(second);

    let after = queue.get_job_counts().await.unwrap();
    let effects = count(&app, "SELECT count(*) FROM probe_effects").await;
    let distinct = count(&app, "SELECT count(DISTINCT key) FROM probe_effects").await;
    let runs = count(&app, "SELECT count(*) FROM probe_runs").await;
    let rerun = count(
        &app,
        "SELECT count(*) FROM (SELECT key FROM probe_runs GROUP BY key HAVING count(*) > 1) r",
    )
    .await;
    let in_range = count(
        &app,
        "SELECT count(*) FROM probe_effects WHERE key >= 0 AND key < 1000",
    )
    .await;
    eprintln!(
        "jobs={JOBS} killed_with: active={} waiting={} effects={effects_at_kill} runs={runs_at_kill}; \
         after_restart: effects={effects} distinct={distinct} runs={runs} keys_run_twice={rerun} \
         completed={} failed={} recovered_in={:.1}s",
        at_kill.active,
        at_kill.waiting,
        after.completed,
        after.failed,
        recovered_in.as_secs_f64()
    );
    assert!(
        finished,
        "not every job completed after the restart: {after:?}, effects {effects}"
    );
    assert_eq!(effects, JOBS, "one effect per job");
    assert_eq!(distinct, JOBS);
    assert_eq!(in_range, JOBS);
    assert_eq!(after.failed, 0);
    assert_eq!(after.completed, JOBS as u64);
    assert!(runs >= JOBS);
    // the killed worker's active jobs had started (a run row) without finishing: they ran again
    assert!(
        rerun > 0,
        "no job was run twice, so nothing was recovered from the kill"
    );
}

/// Runs `jobs_probe outbox-then-hang`, waits for its commit (or rollback), then kills it -9.
async fn outbox_then_kill(app: &TestApp, key: u32, rollback: bool) {
    let key = key.to_string();
    let mut args = vec!["outbox-then-hang", "--key", key.as_str()];
    if rollback {
        args.push("--rollback");
    }
    let mut child = probe(app, &args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting jobs_probe");
    let stdout = child.stdout.take().unwrap();
    let line = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("no answer in 30 s")
    .unwrap()
    .unwrap_or_default();
    assert!(
        line.contains(&format!("\"committed\":{}", !rollback)),
        "probe said {line:?}"
    );
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn an_outbox_row_committed_by_a_process_killed_right_after_is_delivered() {
    let app = spawn_app().await;
    outbox_then_kill(&app, 7, false).await;
    outbox_then_kill(&app, 8, true).await;
    // the killed process relayed nothing; the app's relay (another process's, in production)
    // sweeps the committed row to the queue, and a worker runs it
    let _worker = start_worker(&app).await;
    let delivered = eventually(20, || async {
        table_count(&app, "SELECT count(*) FROM probe_effects WHERE key = 7").await == 1
    })
    .await;
    assert!(delivered, "the committed row was never delivered");
    // two more sweeps: the rolled-back row never existed, so nothing else arrives
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(count(&app, "SELECT count(*) FROM probe_effects").await, 1);
    assert_eq!(
        count(&app, "SELECT count(*) FROM probe_runs WHERE key = 8").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE relayed_at IS NULL").await,
        0
    );
}

#[tokio::test]
async fn sigterm_drains_the_worker_active_jobs_finish_and_the_rest_wait() {
    let app = spawn_app().await;
    let out = probe(&app, &["produce", "--count", "60"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut worker = probe(
        &app,
        &[
            "work",
            "--concurrency",
            "5",
            "--lock-ms",
            "30000",
            "--effect-ms",
            "800",
        ],
    )
    .stdout(Stdio::piped())
    .spawn()
    .expect("starting jobs_probe");
    let mut lines = BufReader::new(worker.stdout.take().unwrap()).lines();
    let ready = lines.next_line().await.unwrap().unwrap_or_default();
    assert!(ready.contains("\"ready\":true"), "{ready}");
    // wait until jobs are mid-processing (runs recorded, effects not yet)
    let busy = eventually(20, || async {
        table_count(&app, "SELECT count(*) FROM probe_runs").await >= 5
    })
    .await;
    assert!(busy);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &worker.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let drained = tokio::time::timeout(Duration::from_secs(15), lines.next_line())
        .await
        .expect("the worker did not drain within 15 s")
        .unwrap()
        .unwrap_or_default();
    assert!(drained.contains("\"drained\":true"), "{drained}");
    assert!(worker.wait().await.unwrap().success());

    // every job that started finished (its effect is there); nothing is left active or lost
    let runs = count(&app, "SELECT count(DISTINCT key) FROM probe_runs").await;
    let effects = count(&app, "SELECT count(*) FROM probe_effects").await;
    assert_eq!(runs, effects, "a started job was abandoned");
    let queue = app.jobs.queue("databaseQueue").await.unwrap();
    let c = queue.get_job_counts().await.unwrap();
    assert_eq!(c.active, 0, "{c:?}");
    assert_eq!(c.failed, 0, "{c:?}");
    assert_eq!(c.completed as i64, effects);
    assert_eq!((c.waiting + c.paused) as i64, 60 - effects, "{c:?}");
    assert!(
        effects < 60,
        "the worker finished everything before the signal"
    );
}
