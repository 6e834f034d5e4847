//! Each enabled sync config is a BullMQ job scheduler rebuilt from its row: it survives a
//! flush of the app's Redis keys and a restart, follows changes of the row, and a disabled
//! config stops firing within one interval.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::sync_support::*;

async fn scheduler_every(t: &SyncApp, queue: &str, id: &str) -> Option<u64> {
    let queue = t.app.jobs.queue(queue).await.unwrap();
    queue
        .get_job_scheduler(id)
        .await
        .unwrap()
        .map(|s| s.every.unwrap_or(0))
}

async fn scheduled_runs(t: &SyncApp, kind: &str, id: Uuid) -> usize {
    t.runs(kind, id)
        .await
        .iter()
        .filter(|r| r["trigger"] == "schedule")
        .count()
}

#[tokio::test]
async fn schedules_survive_a_redis_flush_and_a_restart_and_stop_when_disabled() {
    let t = sync_app().await;
    graphy_with(&t.graphy, 1).await;
    serve(&t.ezexam, "/v1/exams", &[]).await;
    let learn = t
        .config(
            "graphy",
            json!({"name": "learn", "api_key": "graphy-key-123", "interval_seconds": 1}),
        )
        .await;
    let test = t
        .config(
            "ezexam",
            json!({"name": "test", "api_key": "ezexam-key-456", "interval_seconds": 2}),
        )
        .await;
    let learn_id = format!("mrlearn-sync:{learn}");
    let test_id = format!("mrtest-sync:{test}");

    // boot: the rows become schedulers, which fire
    let worker = t.app.start_worker().await;
    assert_eq!(
        scheduler_every(&t, "mrlearnSyncQueue", &learn_id).await,
        Some(1_000)
    );
    assert_eq!(
        scheduler_every(&t, "mrtestSyncQueue", &test_id).await,
        Some(2_000)
    );
    assert!(
        testkit::eventually(WAIT, || async {
            (scheduled_runs(&t, "graphy", learn).await >= 2).then_some(())
        })
        .await
        .is_some(),
        "the Graphy schedule did not fire"
    );
    worker.stop().await;

    // "FLUSHALL" of this app's keys: every scheduler is gone
    t.app.flush_queues().await;
    assert_eq!(
        scheduler_every(&t, "mrlearnSyncQueue", &learn_id).await,
        None
    );
    assert_eq!(scheduler_every(&t, "mrtestSyncQueue", &test_id).await, None);

    // restart: rebuilt from PostgreSQL, firing again
    let before = scheduled_runs(&t, "graphy", learn).await;
    let worker = t.app.start_worker().await;
    assert_eq!(
        scheduler_every(&t, "mrlearnSyncQueue", &learn_id).await,
        Some(1_000)
    );
    assert_eq!(
        scheduler_every(&t, "mrtestSyncQueue", &test_id).await,
        Some(2_000)
    );
    assert!(
        testkit::eventually(WAIT, || async {
            (scheduled_runs(&t, "graphy", learn).await > before).then_some(())
        })
        .await
        .is_some(),
        "the rebuilt schedule did not fire"
    );
    assert!(
        testkit::eventually(WAIT, || async {
            (scheduled_runs(&t, "ezexam", test).await >= 1).then_some(())
        })
        .await
        .is_some(),
        "the EzExam schedule did not fire"
    );

    // a changed interval follows the commit
    let res = t
        .send(
            Method::PATCH,
            &format!("/api/ezexam/sync-configs/{test}"),
            Some(json!({"interval_seconds": 5})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(
        testkit::eventually(10, || async {
            (scheduler_every(&t, "mrtestSyncQueue", &test_id).await == Some(5_000)).then_some(())
        })
        .await
        .is_some(),
        "the new interval was not applied"
    );

    // disabled: the scheduler goes, and nothing runs one interval later
    let res = t
        .send(
            Method::PATCH,
            &format!("/api/graphy/sync-configs/{learn}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["enabled"], false);
    let disabled_at = chrono::Utc::now();
    assert!(
        testkit::eventually(10, || async {
            scheduler_every(&t, "mrlearnSyncQueue", &learn_id)
                .await
                .is_none()
                .then_some(())
        })
        .await
        .is_some(),
        "disabling did not remove the scheduler"
    );
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let late: Vec<_> = t
        .runs("graphy", learn)
        .await
        .into_iter()
        .filter(|r| {
            let started: chrono::DateTime<chrono::Utc> =
                r["started_at"].as_str().unwrap().parse().unwrap();
            started > disabled_at + chrono::Duration::seconds(1)
        })
        .collect();
    assert!(
        late.is_empty(),
        "runs after the config was disabled: {late:?}"
    );

    // deleted: its scheduler goes too
    let res = t
        .send(
            Method::DELETE,
            &format!("/api/ezexam/sync-configs/{test}"),
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    assert!(
        testkit::eventually(10, || async {
            scheduler_every(&t, "mrtestSyncQueue", &test_id)
                .await
                .is_none()
                .then_some(())
        })
        .await
        .is_some(),
        "deleting did not remove the scheduler"
    );
    worker.stop().await;
}

#[tokio::test]
async fn the_new_student_sync_follows_its_system_config_keys() {
    let t = sync_app().await;
    let id = "system-config:mrlearn-new-student-sync";
    let queue = "mrlearnNewStudentSyncQueue";
    let superadmin = t.app.superadmin_token();
    let put = |key: &'static str, value: serde_json::Value| {
        t.app
            .req(Method::PUT, &format!("/api/system-config/{key}"))
            .bearer(&superadmin)
            .json(&json!({ "value": value }))
            .send()
    };
    let worker = t.app.start_worker().await;
    assert_eq!(scheduler_every(&t, queue, id).await, None, "off by default");
    assert_eq!(
        put("MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS", json!(2))
            .await
            .status,
        200
    );
    assert_eq!(
        put("MRLEARN_NEW_STUDENT_SYNC_ENABLED", json!(true))
            .await
            .status,
        200
    );
    assert!(
        testkit::eventually(10, || async {
            (scheduler_every(&t, queue, id).await == Some(2 * 3_600_000)).then_some(())
        })
        .await
        .is_some(),
        "enabling the key did not create the scheduler"
    );
    assert_eq!(
        put("MRLEARN_NEW_STUDENT_SYNC_ENABLED", json!(false))
            .await
            .status,
        200
    );
    assert!(
        testkit::eventually(10, || async {
            scheduler_every(&t, queue, id).await.is_none().then_some(())
        })
        .await
        .is_some(),
        "disabling the key did not remove the scheduler"
    );
    worker.stop().await;
}
