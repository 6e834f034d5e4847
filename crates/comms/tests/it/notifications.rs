//! In-app notifications: sent exactly when the caller's transaction commits (through the
//! outbox and the real queue), written once when the job is retried, and the user's own
//! list / unread count / read / read-all routes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use comms::{
    LivePush, Notice,
    entities::notifications,
    notifications::{NotificationJob, deliver, notify_in},
};
use jobs::{
    Registry,
    runner::{Background, Mode},
};
use kernel::{Tenant, auth::Role};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

/// The pushes a worker made: `(platform, user, event, payload)`.
#[derive(Default)]
struct Pushed(Mutex<Vec<(Uuid, Uuid, String, Value)>>);

impl LivePush for Pushed {
    fn to_user(&self, platform_id: Uuid, user_id: Uuid, event: &str, payload: Value) {
        self.0
            .lock()
            .unwrap()
            .push((platform_id, user_id, event.to_owned(), payload));
    }
}

impl Pushed {
    fn all(&self) -> Vec<(Uuid, Uuid, String, Value)> {
        self.0.lock().unwrap().clone()
    }
}

async fn consume(app: &TestApp, pushed: Arc<Pushed>) -> Background {
    let mut registry = Registry::new();
    comms::notifications::workers(&mut registry, app.db.clone(), pushed);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

async fn tenant(app: &TestApp, slug: &str) -> Arc<Tenant> {
    app.ctx.tenants.resolve(&app.db, Some(slug)).await.unwrap()
}

fn notice(user_id: Uuid, title: &str) -> Notice {
    Notice {
        user_id,
        kind: "meeting.booked".into(),
        title: title.into(),
        body: "Asha booked your 10:00 slot".into(),
        link: Some("/meetings/1".into()),
        data: json!({"meeting": 1}),
    }
}

async fn rows(app: &TestApp, user: Uuid) -> u64 {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .count(&app.db)
        .await
        .unwrap()
}

/// Sends `n` notices to `user` of the default platform, committed, and waits for the rows.
async fn send(app: &TestApp, user: Uuid, titles: &[&str]) -> Vec<Uuid> {
    let t = tenant(app, &app.config.kernel.default_platform).await;
    let mut ids = Vec::new();
    for title in titles {
        let txn = app.db.begin().await.unwrap();
        ids.push(notify_in(&txn, &t, notice(user, title)).await.unwrap());
        txn.commit().await.unwrap();
        // distinct created_at for a stable order
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.jobs.notify_committed();
    let want = u64::try_from(titles.len()).unwrap();
    common::eventually(15, || async move {
        (rows(app, user).await >= want).then_some(())
    })
    .await
    .expect("the notifications were not written");
    ids
}

#[tokio::test]
async fn a_committed_notice_is_written_once_and_pushed_a_rolled_back_one_is_not() {
    let app = spawn_app().await;
    let pushed = Arc::new(Pushed::default());
    let bg = consume(&app, pushed.clone()).await;
    let (user, _) = app.user(Role::User, &[], "mr-mentor");
    let t = tenant(&app, "mr-mentor").await;

    let txn = app.db.begin().await.unwrap();
    notify_in(&txn, &t, notice(user, "rolled back"))
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    let txn = app.db.begin().await.unwrap();
    let id = notify_in(&txn, &t, notice(user, "New booking"))
        .await
        .unwrap();
    txn.commit().await.unwrap();
    app.jobs.notify_committed();

    let p = pushed.clone();
    common::eventually(15, || {
        let n = p.all().len();
        async move { (n >= 1).then_some(()) }
    })
    .await
    .expect("no notification event was pushed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        rows(&app, user).await,
        1,
        "only the committed notice is written"
    );
    let events = pushed.all();
    assert_eq!(events.len(), 1, "{events:?}");
    let (platform, to, event, payload) = &events[0];
    assert_eq!(
        (*platform, *to, event.as_str()),
        (t.id, user, "notification")
    );
    assert_eq!(payload["id"], id.to_string());
    assert_eq!(payload["title"], "New booking");
    assert_eq!(payload["kind"], "meeting.booked");
    assert_eq!(payload["link"], "/meetings/1");
    assert_eq!(payload["data"], json!({"meeting": 1}));
    assert_eq!(payload["read_at"], Value::Null);
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_retried_job_writes_the_row_once() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::User, &[], "mr-mentor");
    let t = tenant(&app, "mr-mentor").await;
    let job = NotificationJob::new(&t, notice(user, "Twice"));
    let pushed = Pushed::default();
    deliver(&app.db, &pushed, &job).await.unwrap();
    deliver(&app.db, &pushed, &job).await.unwrap();
    assert_eq!(rows(&app, user).await, 1);
    let row = notifications::Entity::find_by_id(job.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.title, "Twice");
    // each attempt pushes (a retry after a lost push still reaches the user), same payload
    let events = pushed.all();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].3, events[1].3);
}

#[tokio::test]
async fn users_list_count_and_read_only_their_own_notifications() {
    let app = spawn_app().await;
    let bg = consume(&app, Arc::new(Pushed::default())).await;
    let platform = app.config.kernel.default_platform.clone();
    let (asha, asha_token) = app.user(Role::User, &[], &platform);
    let (ravi, ravi_token) = app.user(Role::User, &[], &platform);
    let ids = send(&app, asha, &["one", "two", "three"]).await;
    let ravis = send(&app, ravi, &["ravi's"]).await;

    let list = app
        .call(Method::GET, "/api/notifications?limit=2", &asha_token, None)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let page = list.json();
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["three", "two"], "newest first");
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = app
        .call(
            Method::GET,
            &format!("/api/notifications?limit=2&cursor={cursor}"),
            &asha_token,
            None,
        )
        .await
        .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["items"][0]["title"], "one");
    assert_eq!(next["next_cursor"], Value::Null);

    let count = |token: String| {
        let app = &app;
        async move {
            app.call(Method::GET, "/api/notifications/unread-count", &token, None)
                .await
                .json()
        }
    };
    assert_eq!(count(asha_token.clone()).await, json!({"count": 3}));

    // another user's notification is 404, and stays unread
    app.call(
        Method::POST,
        &format!("/api/notifications/{}/read", ravis[0]),
        &asha_token,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(count(ravi_token.clone()).await, json!({"count": 1}));

    let read = app
        .call(
            Method::POST,
            &format!("/api/notifications/{}/read", ids[0]),
            &asha_token,
            None,
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    let first_read = read.json()["read_at"].clone();
    assert!(first_read.is_string());
    // idempotent: the first read time stays
    let again = app
        .call(
            Method::POST,
            &format!("/api/notifications/{}/read", ids[0]),
            &asha_token,
            None,
        )
        .await
        .json();
    assert_eq!(again["read_at"], first_read);
    assert_eq!(count(asha_token.clone()).await, json!({"count": 2}));

    let unread = app
        .call(
            Method::GET,
            "/api/notifications?unread=true",
            &asha_token,
            None,
        )
        .await
        .json();
    let titles: Vec<&str> = unread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["three", "two"]);

    let all = app
        .call(
            Method::POST,
            "/api/notifications/read-all",
            &asha_token,
            None,
        )
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json(), json!({"updated": 2}));
    assert_eq!(count(asha_token.clone()).await, json!({"count": 0}));
    // ravi's are untouched
    assert_eq!(count(ravi_token.clone()).await, json!({"count": 1}));

    // a token of another platform is refused
    let other = app.token(Role::User, &[], "mr-hire");
    let hire_on_default = app
        .call(Method::GET, "/api/notifications", &other, None)
        .await;
    if platform == "mr-hire" {
        assert_eq!(hire_on_default.status, 200);
    } else {
        hire_on_default.assert_problem(403, "wrong_platform");
    }
    // anonymous is 401
    app.get("/api/notifications")
        .await
        .assert_problem(401, "unauthorized");
    bg.close(Duration::from_secs(5)).await;
}
