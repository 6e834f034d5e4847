//! Interop with Node's BullMQ (npm `bullmq`, installed in `tests/node` by CI): a Node producer's
//! job is consumed by the Rust worker, and Node sees Rust-enqueued jobs with the right state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{path::PathBuf, process::Command, time::Duration};

use common::{consume, eventually};
use jobs::{JobContext, JobSpec, Registry};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

/// The email job as the monolith's `addEmailJob` puts it on `emailQueue`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct EmailJob {
    #[serde(rename = "type")]
    kind: String,
    to: String,
    data: Value,
}

impl JobSpec for EmailJob {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "send-email";
    const SECRET_FIELDS: &'static [&'static str] = &["data"];
}

fn node(app: &TestApp, script: &str, args: &[&str]) -> Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/bullmq").exists(),
        "npm packages missing: run `npm ci --prefix crates/jobs/tests/node` (scripts/test.sh does)"
    );
    let out = Command::new("node")
        .arg(dir.join(script))
        .arg(app.config.kernel.redis_url.expose_secret())
        .arg(&app.config.kernel.bullmq_prefix)
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("running node");
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed {:?}: {e}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[tokio::test]
async fn a_job_added_by_node_bullmq_is_processed_by_the_rust_worker() {
    let app = spawn_app().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(JobContext, EmailJob)>();
    let mut registry = Registry::new();
    registry.handle(move |ctx: JobContext, job: EmailJob| {
        let tx = tx.clone();
        async move {
            let _ = tx.send((ctx, job));
            Ok(())
        }
    });
    let (_jobs, bg) = consume(&app, registry).await;

    let data = json!({"type": "otp", "to": "asha@example.com", "data": {"code": "482913", "name": "Asha"}});
    let added = node(
        &app,
        "produce.mjs",
        &["emailQueue", "send-email", &data.to_string()],
    );
    let (ctx, job) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ctx.job_id, added["id"].as_str().unwrap());
    assert_eq!(
        ctx.platform, "mr-mentor",
        "a Node job without platform runs on the default platform"
    );
    assert_eq!(ctx.max_attempts, 3, "Node's job options are honoured");
    assert_eq!(
        job,
        EmailJob {
            kind: "otp".into(),
            to: "asha@example.com".into(),
            data: data["data"].clone()
        }
    );

    let id = added["id"].as_str().unwrap().to_owned();
    let completed = eventually(5, || {
        let view = node(&app, "counts.mjs", &["emailQueue", &id]);
        async move { view["job"]["state"] == "completed" }
    })
    .await;
    assert!(completed, "Node does not see the job completed");
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn node_bullmq_sees_rust_jobs_with_their_state() {
    let app = spawn_app().await;
    let job = EmailJob {
        kind: "generic".into(),
        to: "ravi@example.com".into(),
        data: json!({"subject": "Hi"}),
    };
    let id = app.jobs.enqueue("mr-hire", &job, None).await.unwrap();

    let view = node(&app, "counts.mjs", &["emailQueue", &id]);
    assert_eq!(view["counts"]["waiting"], 1, "{view}");
    assert_eq!(view["job"]["state"], "waiting", "{view}");
    assert_eq!(view["job"]["name"], "send-email");
    assert_eq!(view["job"]["data"]["platform"], "mr-hire");
    assert_eq!(view["job"]["data"]["to"], "ravi@example.com");

    let mut registry = Registry::new();
    registry.handle(|_ctx: JobContext, _job: EmailJob| async { Ok(()) });
    let (_jobs, bg) = consume(&app, registry).await;
    let done = eventually(10, || {
        let view = node(&app, "counts.mjs", &["emailQueue", &id]);
        async move {
            view["counts"]["completed"] == 1
                && view["counts"]["waiting"] == 0
                && view["job"]["state"] == "completed"
        }
    })
    .await;
    assert!(done, "{}", node(&app, "counts.mjs", &["emailQueue", &id]));
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn bull_board_shows_the_same_queues_and_jobs() {
    let app = spawn_app().await;
    app.jobs
        .enqueue(
            "mr-hire",
            &EmailJob {
                kind: "generic".into(),
                to: "ravi@example.com".into(),
                data: json!({}),
            },
            None,
        )
        .await
        .unwrap();
    // a job that fails for good: in notificationQueue's failed set and its dead-letter queue
    let (registry, _rx) = common::ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    let failed = jobs
        .enqueue(
            "mr-mentor",
            &common::Ping {
                n: 9,
                fail_times: 0,
                permanent: true,
            },
            None,
        )
        .await
        .unwrap();
    let queue = jobs.queue("notificationQueue").await.unwrap();
    assert!(
        eventually(10, || async {
            queue.get_job_counts().await.unwrap().failed == 1
        })
        .await
    );
    bg.close(Duration::from_secs(5)).await;

    let mut args = vec!["notificationQueue", "failed"];
    args.extend(jobs::queues::QUEUES.iter().map(|q| q.name));
    args.push("notificationQueue.dlq");
    let board = node(&app, "bullboard.mjs", &args);
    let queues = board["body"]["queues"].as_array().unwrap();
    let by_name = |name: &str| {
        queues
            .iter()
            .find(|q| q["name"] == name)
            .unwrap_or_else(|| panic!("Bull Board does not list {name}: {board}"))
    };
    assert_eq!(queues.len(), jobs::queues::QUEUES.len() + 1);
    assert_eq!(by_name("emailQueue")["counts"]["waiting"], 1, "{board}");
    let notifications = by_name("notificationQueue");
    assert_eq!(notifications["counts"]["failed"], 1);
    let shown = &notifications["jobs"][0];
    assert_eq!(shown["id"], failed.as_str());
    assert_eq!(shown["name"], "ping");
    assert_eq!(shown["data"]["n"], 9);
    assert!(
        shown["failedReason"]
            .as_str()
            .unwrap()
            .contains("ping 9 is malformed"),
        "{shown}"
    );
    assert_eq!(by_name("notificationQueue.dlq")["counts"]["waiting"], 1);
}
