//! In-app notifications across replicas: a notice committed on replica A (which runs the
//! `send-notification` worker) reaches the user's Socket.IO client connected to replica B,
//! through the per-user room and the Redis adapter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{NodeLines, Replica};
use comms::{Notice, notify_in};
use gateway::startup::Role as ProcessRole;
use kernel::auth::Role;
use sea_orm::TransactionTrait;
use serde_json::{Value, json};
use testkit::{TestOptions, spawn_app_with};

#[tokio::test]
async fn a_notification_sent_on_replica_a_arrives_at_a_client_on_replica_b() {
    // A serves HTTP and consumes the queues; B is a plain API replica of the same
    // database, Redis and BullMQ prefix
    let a = spawn_app_with(TestOptions {
        role: Some(ProcessRole::Serve),
        ..TestOptions::default()
    })
    .await;
    let b = Replica::start(&a, &[]).await;
    let platform = a.config.kernel.default_platform.clone();
    let (user, token) = a.user(Role::User, &[], &platform);

    let mut node = NodeLines::spawn(
        "notification.mjs",
        &json!({"url": b.address, "token": token}),
    );
    let mut next = async || node.next(Duration::from_secs(30)).await;
    let ready = next().await;
    assert!(ready["ready"].is_string(), "{ready}");

    let tenant = a.ctx.tenants.resolve(&a.db, Some(&platform)).await.unwrap();
    let txn = a.db.begin().await.unwrap();
    let id = notify_in(
        &txn,
        &tenant,
        Notice {
            user_id: user,
            kind: "meeting.booked".into(),
            title: "New booking".into(),
            body: "Asha booked your 10:00 slot".into(),
            link: Some("/meetings/42".into()),
            data: json!({"meeting": 42}),
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    a.jobs.notify_committed();

    let got = next().await;
    let n = &got["notification"];
    assert_eq!(n["id"], id.to_string(), "{got}");
    assert_eq!(n["kind"], "meeting.booked");
    assert_eq!(n["title"], "New booking");
    assert_eq!(n["body"], "Asha booked your 10:00 slot");
    assert_eq!(n["link"], "/meetings/42");
    assert_eq!(n["data"], json!({"meeting": 42}));
    assert_eq!(n["read_at"], Value::Null);

    // and B lists it for the user
    let list = a
        .http
        .get(format!("{}/api/notifications", b.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], id.to_string());
}
