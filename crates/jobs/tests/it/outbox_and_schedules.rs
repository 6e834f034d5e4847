//! The outbox delivers exactly what committed, and schedules fire once per tick however many
//! replicas run them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{collections::HashSet, sync::Arc, time::Duration};

use common::{Ping, consume, eventually, next, nothing, ping_registry};
use jobs::{
    JobContext, Jobs, Registry, ScheduleSpec, outbox,
    runner::{Background, Mode},
};
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};
use testkit::{TestApp, spawn_app};

async fn tenant(app: &TestApp) -> kernel::Tenant {
    tenant_of(app, "mr-mentor").await
}

async fn tenant_of(app: &TestApp, slug: &str) -> kernel::Tenant {
    app.ctx
        .tenants
        .resolve(&app.ctx.db, Some(slug))
        .await
        .unwrap()
        .as_ref()
        .clone()
}

#[tokio::test]
async fn a_rolled_back_outbox_row_is_never_delivered() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (_jobs, bg) = consume(&app, registry).await;
    let tenant = tenant(&app).await;
    let txn = app.db.begin().await.unwrap();
    outbox::enqueue_in(
        &txn,
        &tenant,
        &Ping {
            n: 1,
            fail_times: 0,
            permanent: false,
        },
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();
    app.jobs.notify_committed();
    nothing(&mut rx, (outbox::SWEEP_EVERY * 2).as_millis() as u64 + 500).await;
    assert_eq!(
        outbox::entity::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_committed_row_is_delivered_right_after_commit() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    let tenant = tenant(&app).await;
    let txn = app.db.begin().await.unwrap();
    let id = outbox::enqueue_in(
        &txn,
        &tenant,
        &Ping {
            n: 2,
            fail_times: 0,
            permanent: false,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    jobs.notify_committed();
    let seen = next(&mut rx, 5).await;
    assert_eq!(
        seen.ctx.job_id,
        id.to_string(),
        "the BullMQ job id is the outbox id"
    );
    assert_eq!(seen.ctx.platform, "mr-mentor");
    // the relay marks the row in its own transaction, which may commit after the job ran
    let relayed = eventually(5, || async {
        let row = outbox::entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        row.relayed_at.is_some()
    })
    .await;
    assert!(relayed, "the row was not marked relayed");
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_batch_is_one_row_whose_jobs_are_delivered_once_each() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    let tenant = tenant(&app).await;
    let ping = |n| Ping {
        n,
        fail_times: 0,
        permanent: false,
    };
    let mut batch = outbox::Batch::new();
    let mut ids = HashSet::new();
    for n in 10..13 {
        ids.insert(batch.enqueue(&tenant, &ping(n)).unwrap().to_string());
    }
    let delayed = batch
        .enqueue_delayed(&tenant, &ping(13), Duration::from_millis(300))
        .unwrap();
    ids.insert(delayed.to_string());
    assert_eq!(batch.len(), 4);
    let txn = app.db.begin().await.unwrap();
    batch.insert(&txn).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(
        outbox::entity::Entity::find().count(&app.db).await.unwrap(),
        1,
        "the batch is one row"
    );
    jobs.notify_committed();
    let mut seen = HashSet::new();
    let mut numbers = Vec::new();
    for _ in 0..4 {
        let s = next(&mut rx, 5).await;
        assert_eq!(s.ctx.platform, "mr-mentor");
        numbers.push(s.ping.n);
        seen.insert(s.ctx.job_id);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, vec![10, 11, 12, 13]);
    assert_eq!(seen, ids, "each job keeps the id the batch gave it");
    let marked = eventually(5, || async {
        let rows = outbox::entity::Entity::find().all(&app.db).await.unwrap();
        rows.len() == 1 && rows[0].relayed_at.is_some()
    })
    .await;
    assert!(marked, "the batch row was not marked relayed");
    // relayed again, as after a crash before the row was marked: no job runs twice
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "UPDATE outbox SET relayed_at = NULL")
        .await
        .unwrap();
    assert_eq!(outbox::relay_pending(&jobs).await.unwrap(), 1);
    nothing(&mut rx, 1_500).await;
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_batch_spanning_tenants_is_a_row_per_job_on_its_own_tenant() {
    let app = spawn_app().await;
    let mentor = tenant(&app).await;
    let hire = tenant_of(&app, "mr-hire").await;
    let ping = |n| Ping {
        n,
        fail_times: 0,
        permanent: false,
    };
    let mut batch = outbox::Batch::new();
    let first = batch.enqueue(&mentor, &ping(20)).unwrap();
    let second = batch.enqueue(&hire, &ping(21)).unwrap();
    let txn = app.db.begin().await.unwrap();
    batch.insert(&txn).await.unwrap();
    txn.commit().await.unwrap();
    for (id, platform) in [(first, mentor.id), (second, hire.id)] {
        let row = outbox::entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .expect("an ordinary row per job");
        assert_eq!(row.platform_id, Some(platform));
        assert_eq!(row.job_name, "ping");
    }
}

#[tokio::test]
async fn a_row_left_by_a_process_that_died_after_commit_is_swept() {
    let app = spawn_app().await;
    let (registry, mut rx) = ping_registry();
    let tenant = tenant(&app).await;
    // the "dying" process commits and never relays (no notify, no relay of its own)
    let txn = app.db.begin().await.unwrap();
    let id = outbox::enqueue_in(
        &txn,
        &tenant,
        &Ping {
            n: 3,
            fail_times: 0,
            permanent: false,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    // any running process sweeps it
    let (_jobs, bg) = consume(&app, registry).await;
    let seen = next(&mut rx, 10).await;
    assert_eq!(seen.ctx.job_id, id.to_string());
    // relaying again (another replica's sweep) adds nothing: the job id is the row id
    let again = app
        .jobs
        .add_raw(
            "notificationQueue",
            "ping",
            serde_json::json!({"n": 3}),
            Some(&id.to_string()),
            0,
        )
        .await
        .unwrap();
    assert_eq!(again, id.to_string());
    nothing(&mut rx, 1_500).await;
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn two_replicas_fire_a_schedule_once_per_tick() {
    let app = spawn_app().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, String)>();
    let mut backgrounds = Vec::new();
    for replica in 0..2 {
        let tx = tx.clone();
        let mut registry = Registry::new();
        registry
            .handle(move |ctx: JobContext, _tick: Ping| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send((replica, ctx.job_id));
                    Ok(())
                }
            })
            .schedule(
                ScheduleSpec::every("test:tick", "notificationQueue", "ping", 1_000)
                    .with_data(serde_json::json!({"n": 0})),
            );
        let jobs = Jobs::new(&app.ctx).await.unwrap();
        backgrounds.push(
            Background::start(&jobs, Arc::new(registry), Mode::Consume)
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(5_500)).await;
    for bg in backgrounds {
        bg.close(Duration::from_secs(5)).await;
    }
    let mut runs = Vec::new();
    while let Ok(run) = rx.try_recv() {
        runs.push(run);
    }
    let ids: HashSet<_> = runs.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(ids.len(), runs.len(), "a tick ran twice: {runs:?}");
    assert!(
        (4..=7).contains(&runs.len()),
        "{} runs in 5.5 s of a 1 s schedule on two replicas: {runs:?}",
        runs.len()
    );
    let queue = app.jobs.queue("notificationQueue").await.unwrap();
    assert_eq!(
        queue.get_job_schedulers_count().await.unwrap(),
        1,
        "one scheduler, not one per replica"
    );
}

#[tokio::test]
async fn the_outbox_prune_schedule_is_registered_at_boot() {
    let app = testkit::spawn_app_with(testkit::TestOptions {
        role: Some(testkit::Role::Serve),
        ..Default::default()
    })
    .await;
    let queue = app.jobs.queue("databaseQueue").await.unwrap();
    // other crates schedule on databaseQueue too: look for this one by its id
    assert!(
        eventually(5, || async {
            queue
                .get_job_scheduler("outbox:prune")
                .await
                .unwrap()
                .is_some()
        })
        .await
    );
    let scheduler = queue
        .get_job_scheduler("outbox:prune")
        .await
        .unwrap()
        .expect("scheduler");
    let json = serde_json::to_value(&scheduler).unwrap();
    assert_eq!(json["pattern"], "0 30 3 * * *", "{json}");
    assert_eq!(json["tz"], "Asia/Kolkata", "{json}");
}
