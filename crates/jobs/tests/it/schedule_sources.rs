//! Schedules defined by PostgreSQL rows: a SystemConfig toggle turns a schedule on, changes its
//! interval and turns it off through `PUT /api/system-config/{key}`; a consuming process syncs
//! the rows at boot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{sync::Arc, time::Duration};

use common::eventually;
use jobs::{
    JobContext, JobSpec, Registry,
    runner::{Background, Mode},
    schedule_source::{IntervalUnit, SystemConfigSchedules, ToggleSchedule},
};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use testkit::{TestApp, spawn_app};
use tokio::sync::mpsc;

const ID: &str = "system-config:test-sync";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SyncTick {}

impl JobSpec for SyncTick {
    const QUEUE: &'static str = "notificationQueue";
    const NAME: &'static str = "sync-tick";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

fn registry(app: &TestApp) -> (Registry, mpsc::UnboundedReceiver<JobContext>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut registry = Registry::new();
    jobs::workers(&mut registry, &app.jobs);
    registry
        .handle(move |ctx: JobContext, _tick: SyncTick| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(ctx);
                Ok(())
            }
        })
        .schedule_source(Arc::new(SystemConfigSchedules::default().with(
            ToggleSchedule {
                id: "test-sync".into(),
                queue: SyncTick::QUEUE.into(),
                job_name: SyncTick::NAME.into(),
                enabled_key: "TEST_SYNC_ENABLED".into(),
                interval_key: "TEST_SYNC_INTERVAL_SECS".into(),
                unit: IntervalUnit::Seconds,
                default_interval: 60,
            },
        )));
    (registry, rx)
}

async fn put(app: &TestApp, key: &str, value: serde_json::Value) {
    let res = app
        .req(Method::PUT, &format!("/api/system-config/{key}"))
        // cron toggles are global keys: a superadmin's
        .bearer(&app.superadmin_token())
        .json(&json!({ "value": value }))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

async fn every_ms(app: &TestApp) -> Option<u64> {
    let queue = app.jobs.queue(SyncTick::QUEUE).await.unwrap();
    queue
        .get_job_scheduler(ID)
        .await
        .unwrap()
        .map(|s| s.every.unwrap_or(0))
}

#[tokio::test]
async fn a_system_config_toggle_drives_its_schedule() {
    let app = spawn_app().await;
    put(&app, "TEST_SYNC_ENABLED", json!(false)).await;
    put(&app, "TEST_SYNC_INTERVAL_SECS", json!(1)).await;
    let (registry, mut rx) = registry(&app);
    let bg = Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap();
    assert_eq!(every_ms(&app).await, None, "disabled: no scheduler");

    put(&app, "TEST_SYNC_ENABLED", json!(true)).await;
    assert!(
        eventually(10, || async { every_ms(&app).await == Some(1_000) }).await,
        "enabling the key did not create the scheduler"
    );
    let tick = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("the schedule did not fire")
        .unwrap();
    assert_eq!(tick.name, "sync-tick");

    put(&app, "TEST_SYNC_INTERVAL_SECS", json!(2)).await;
    assert!(
        eventually(10, || async { every_ms(&app).await == Some(2_000) }).await,
        "the new interval was not applied"
    );

    put(&app, "TEST_SYNC_ENABLED", json!(false)).await;
    assert!(
        eventually(10, || async { every_ms(&app).await.is_none() }).await,
        "disabling the key did not remove the scheduler"
    );
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn rows_are_synced_at_boot() {
    let app = spawn_app().await;
    // rows changed while no consumer ran (and the scheduler of an old definition is left over)
    put(&app, "TEST_SYNC_ENABLED", json!(true)).await;
    put(&app, "TEST_SYNC_INTERVAL_SECS", json!(30)).await;
    jobs::schedule::upsert(
        &app.jobs,
        &jobs::ScheduleSpec::every("system-config:retired", SyncTick::QUEUE, "sync-tick", 5_000),
    )
    .await
    .unwrap();
    assert_eq!(every_ms(&app).await, None);

    let (registry, _rx) = registry(&app);
    let bg = Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap();
    assert_eq!(every_ms(&app).await, Some(30_000), "synced at boot");
    let queue = app.jobs.queue(SyncTick::QUEUE).await.unwrap();
    assert!(
        queue
            .get_job_scheduler("system-config:retired")
            .await
            .unwrap()
            .is_none(),
        "a scheduler no row defines any more is removed"
    );
    bg.close(Duration::from_secs(5)).await;
}
