//! The whole email path as the monolith's Node producers use it: Node BullMQ (npm `bullmq`)
//! adds `send-email` to `emailQueue` with the documented payload `{type, to, data}`, and the
//! gateway's own worker (`serve` role, the real registry with comms' email worker) delivers it
//! into the `.eml` outbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{path::PathBuf, time::Duration};

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use testkit::{Role, TestOptions, spawn_app_with};

#[tokio::test]
async fn a_node_producers_email_job_is_delivered_by_the_rust_worker() {
    let app = spawn_app_with(TestOptions {
        role: Some(Role::Serve),
        ..Default::default()
    })
    .await;
    let node_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/jobs/tests/node");
    assert!(
        node_dir.join("node_modules/bullmq").exists(),
        "npm packages missing: run `npm ci --prefix crates/jobs/tests/node` (scripts/test.sh does)"
    );
    let payload = json!({
        "type": "otp",
        "to": "meera@example.com",
        "data": {"code": "604218", "name": "Meera"},
        "platform": "my-analytics-school"
    });
    let out = tokio::process::Command::new("node")
        .arg(node_dir.join("produce.mjs"))
        .arg(app.config.kernel.redis_url.expose_secret())
        .arg(&app.config.kernel.bullmq_prefix)
        .args(["emailQueue", "send-email", &payload.to_string()])
        .current_dir(&node_dir)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = added["id"].as_str().unwrap().to_owned();

    let outbox = app.config.comms.email.outbox_dir.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mail = loop {
        let found = std::fs::read_dir(&outbox).ok().and_then(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .find(|m| m.contains("meera@example.com"))
        });
        if let Some(mail) = found {
            break mail;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no email for the Node job {id} in {}",
            outbox.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(mail.contains("To: meera@example.com"), "{mail}");
    assert!(mail.contains("604218"), "{mail}");
    assert!(mail.contains("Hi Meera,"), "{mail}");

    // and BullMQ records the job as completed
    let queue = app.jobs.queue("emailQueue").await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while queue.get_job_state(&id).await.unwrap().as_str() != "completed" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {id} not completed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
