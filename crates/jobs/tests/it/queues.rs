//! Typed jobs through real BullMQ on the machine's Redis: tenant, retries with backoff,
//! dead letters and replay, domain events, metrics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Instant;

use common::{Ping, consume, eventually, next, nothing, ping_registry};
use jobs::{JobContext, JobError, Registry, dlq};
use serde::{Deserialize, Serialize};
use testkit::spawn_app;

#[tokio::test]
async fn a_typed_job_runs_with_its_tenant() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    let id = jobs
        .enqueue(
            "mr-hire",
            &Ping {
                n: 7,
                fail_times: 0,
                permanent: false,
            },
            None,
        )
        .await
        .unwrap();
    let seen = next(&mut rx, 10).await;
    assert_eq!(seen.ping.n, 7);
    assert_eq!(seen.ctx.platform, "mr-hire");
    assert_eq!(seen.ctx.job_id, id);
    assert_eq!((seen.ctx.attempt, seen.ctx.max_attempts), (1, 3));
    let queue = jobs.queue("notificationQueue").await.unwrap();
    assert!(
        eventually(5, || async {
            queue.get_job_counts().await.unwrap().completed == 1
        })
        .await
    );
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_job_without_platform_runs_on_the_default_platform() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.add_raw(
        "notificationQueue",
        "ping",
        serde_json::json!({"n": 1}),
        None,
        0,
    )
    .await
    .unwrap();
    assert_eq!(next(&mut rx, 10).await.ctx.platform, "mr-mentor");
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn failures_retry_with_exponential_backoff_then_succeed() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.enqueue(
        "mr-mentor",
        &Ping {
            n: 2,
            fail_times: 2,
            permanent: false,
        },
        None,
    )
    .await
    .unwrap();
    let t0 = Instant::now();
    assert_eq!(next(&mut rx, 10).await.ctx.attempt, 1);
    assert_eq!(next(&mut rx, 10).await.ctx.attempt, 2);
    let t2 = t0.elapsed();
    assert_eq!(next(&mut rx, 10).await.ctx.attempt, 3);
    let t3 = t0.elapsed();
    // 1 s before the 2nd attempt, 2 s before the 3rd
    assert!(t2.as_millis() >= 900, "second attempt after {t2:?}");
    assert!(
        (t3 - t2).as_millis() >= 1800,
        "third attempt {:?} after the second",
        t3 - t2
    );
    let queue = jobs.queue("notificationQueue").await.unwrap();
    assert!(
        eventually(5, || async {
            queue.get_job_counts().await.unwrap().completed == 1
        })
        .await
    );
    assert_eq!(dlq::count(&jobs, "notificationQueue").await.unwrap(), 0);
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn exhausted_jobs_are_dead_lettered_and_can_be_replayed() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    let id = jobs
        .enqueue(
            "mr-mentor",
            &Ping {
                n: 3,
                fail_times: 3,
                permanent: false,
            },
            None,
        )
        .await
        .unwrap();
    for attempt in 1..=3 {
        assert_eq!(next(&mut rx, 10).await.ctx.attempt, attempt);
    }
    assert!(
        eventually(5, || async {
            dlq::count(&jobs, "notificationQueue").await.unwrap() == 1
        })
        .await
    );
    let letters = dlq::list(&jobs, "notificationQueue", 0, 10).await.unwrap();
    assert_eq!(letters[0].job_id, id);
    assert_eq!(letters[0].attempts_made, 3);
    assert!(
        letters[0].failed_reason.contains("failed on attempt 3"),
        "{:?}",
        letters[0]
    );
    assert_eq!(letters[0].data["platform"], "mr-mentor");
    let queue = jobs.queue("notificationQueue").await.unwrap();
    assert_eq!(queue.get_job_counts().await.unwrap().failed, 1);

    // replay: the job runs again as a new job with fresh attempts
    let replayed = dlq::replay(&jobs, "notificationQueue", &id)
        .await
        .unwrap()
        .unwrap();
    let seen = next(&mut rx, 10).await;
    assert_eq!(seen.ctx.job_id, replayed);
    assert_eq!(seen.ctx.attempt, 1);
    assert_eq!(seen.ping.n, 3);
    assert_eq!(
        dlq::count(&jobs, "notificationQueue").await.unwrap(),
        0,
        "replay removes the dead letter"
    );
    assert!(
        dlq::replay(&jobs, "notificationQueue", &id)
            .await
            .unwrap()
            .is_none()
    );
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn permanent_failures_skip_the_retries() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.enqueue(
        "mr-mentor",
        &Ping {
            n: 4,
            fail_times: 0,
            permanent: true,
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(next(&mut rx, 10).await.ctx.attempt, 1);
    nothing(&mut rx, 2_500).await;
    assert_eq!(dlq::count(&jobs, "notificationQueue").await.unwrap(), 1);
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_malformed_payload_is_dead_lettered_not_retried() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.add_raw(
        "notificationQueue",
        "ping",
        serde_json::json!({"n": "seven"}),
        Some("bad-1"),
        0,
    )
    .await
    .unwrap();
    assert!(
        eventually(5, || async {
            dlq::count(&jobs, "notificationQueue").await.unwrap() == 1
        })
        .await
    );
    let letter = &dlq::list(&jobs, "notificationQueue", 0, 0).await.unwrap()[0];
    assert!(
        letter.failed_reason.contains("invalid payload"),
        "{letter:?}"
    );
    nothing(&mut rx, 200).await;
    bg.close(std::time::Duration::from_secs(5)).await;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PaymentCaptured {
    payment_id: String,
}

impl jobs::EventSpec for PaymentCaptured {
    const NAME: &'static str = "payment.captured";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

#[tokio::test]
async fn events_reach_every_subscriber() {
    let app = spawn_app().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, String, String)>();
    let mut registry = Registry::new();
    for who in ["finance", "workflows"] {
        let tx = tx.clone();
        registry.subscribe(who, move |ctx: JobContext, e: PaymentCaptured| {
            let tx = tx.clone();
            async move {
                tx.send((who.to_owned(), e.payment_id, ctx.platform))
                    .map_err(|e| JobError::Retry(e.into()))?;
                Ok(())
            }
        });
    }
    let (_jobs, bg) = common::consume(&app, registry).await;
    let tenant = kernel::Tenant {
        id: platform_id(&app, "mr-mentor").await,
        slug: "mr-mentor".into(),
        name: "Mr. Mentor".into(),
        modules: vec![],
    };
    jobs::outbox::publish_in(
        &app.db,
        &tenant,
        &PaymentCaptured {
            payment_id: "pay_1".into(),
        },
    )
    .await
    .unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(
            tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    got.sort();
    assert_eq!(
        got,
        vec![
            ("finance".into(), "pay_1".into(), "mr-mentor".into()),
            ("workflows".into(), "pay_1".into(), "mr-mentor".into())
        ]
    );
    bg.close(std::time::Duration::from_secs(5)).await;
}

async fn platform_id(app: &testkit::TestApp, slug: &str) -> uuid::Uuid {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    kernel::tenant::entity::Entity::find()
        .filter(kernel::tenant::entity::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn processed_jobs_and_queue_counts_are_exported() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.enqueue(
        "mr-mentor",
        &Ping {
            n: 9,
            fail_times: 0,
            permanent: false,
        },
        None,
    )
    .await
    .unwrap();
    next(&mut rx, 10).await;
    jobs::metrics::sample(&jobs).await.unwrap();
    let text = app.get("/metrics").await.text;
    assert!(
        text.contains(
            r#"mas_jobs_processed_total{outcome="completed",queue="notificationQueue"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"mas_queue_jobs{queue="emailQueue",state="waiting"} 0"#),
        "{text}"
    );
    assert!(text.contains("mas_job_duration_seconds_bucket"), "{text}");
    bg.close(std::time::Duration::from_secs(5)).await;
}
