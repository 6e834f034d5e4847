//! Helpers shared by the newer Mr. Mentor tests: requests, a booked session, the email and
//! mentorship workers on the app's own BullMQ prefix, the `.eml` outbox and delayed jobs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Utc};
use jobs::{
    JobSpec, Registry,
    runner::{Background, Mode},
};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestApp;
use uuid::Uuid;

pub const MM: &str = "mr-mentor";

/// A new user of `role` on mr-mentor: (id, token).
pub fn user(app: &TestApp, role: Role) -> (Uuid, String) {
    app.user(role, &[], MM)
}

/// The caller's email address.
pub async fn email_of(app: &TestApp, token: &str) -> String {
    let me = app.call(Method::GET, "/api/auth/me", token, None).await;
    me.json()["email"].as_str().unwrap().to_owned()
}

/// An approved mentor (EXPERT) charging `price` on `platform`: (user id, token, profile id).
pub async fn mentor_on(app: &TestApp, platform: &str, price: i64) -> (Uuid, String, Uuid) {
    let admin = app.token(Role::Admin, &[], platform);
    let (id, token) = app.user(Role::Expert, &[], platform);
    let res = app
        .req(Method::POST, "/api/mentors/me")
        .platform(platform)
        .bearer(&token)
        .json(
            &json!({"headline": "Career coach", "bio": "", "expertise": ["careers"],
                      "price_tokens": price, "full_name": "Ravi Mentor"}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let profile: Uuid = res.json()["id"].as_str().unwrap().parse().unwrap();
    let ok = app
        .req(
            Method::POST,
            &format!("/api/admin/mentors/{profile}/approve"),
        )
        .platform(platform)
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    (id, token, profile)
}

/// Opens a slot of `minutes` starting at `start` for the mentor; returns its id.
pub async fn slot(app: &TestApp, mentor: &str, start: DateTime<Utc>, minutes: i64) -> String {
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            mentor,
            Some(json!({"start_at": start, "end_at": start + Duration::minutes(minutes)})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// A student granted `tokens`: (id, token).
pub async fn student(app: &TestApp, tokens: i64) -> (Uuid, String) {
    let admin = app.admin_token();
    let (id, token) = user(app, Role::User);
    let res = app
        .call(
            Method::POST,
            "/api/admin/tokens/grant",
            &admin,
            Some(json!({"user_id": id, "amount": tokens, "reason": "test grant"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    (id, token)
}

/// Books `slot` as `student`; asserts 201 and returns the body.
pub async fn book(app: &TestApp, student: &str, slot: &str) -> Value {
    let res = app
        .call(
            Method::POST,
            &format!("/api/slots/{slot}/book"),
            student,
            None,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// The Socket.IO side of in-app notifications, which these tests do not watch (the
/// gateway's replica test does): the rows are written, the pushes dropped.
struct NoSockets;

impl comms::LivePush for NoSockets {
    fn to_user(&self, _: Uuid, _: Uuid, _: &str, _: Value) {}
}

/// Runs comms' email and in-app notification handlers and this crate's jobs on the app's
/// BullMQ prefix (`notificationQueue` carries both the calendar events and the notices).
pub async fn workers(app: &TestApp) -> Background {
    let comms = comms::Comms::new(&app.ctx, &app.jobs, app.config.comms.clone()).unwrap();
    let mut registry = Registry::new();
    comms::workers(&mut registry, &comms);
    comms::notifications::workers(&mut registry, app.db.clone(), Arc::new(NoSockets));
    let state =
        mentorship::Mentorship::new(&app.ctx, &app.jobs, app.config.mentorship.clone()).unwrap();
    mentorship::workers(&mut registry, &state);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

/// The mails to `to` containing `needle`.
pub fn mails_to(app: &TestApp, to: &str, needle: &str) -> Vec<String> {
    app.mails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains(needle))
        .collect()
}

/// Waits (up to 15 s) for a mail to `to` containing `needle`.
pub async fn wait_for_mail(app: &TestApp, to: &str, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(15);
    loop {
        if let Some(m) = mails_to(app, to, needle).into_iter().next() {
            return m;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail to {to} containing {needle:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// Waits until `n` delayed jobs sit in `emailQueue` (the relay moved them from the outbox).
pub async fn wait_delayed(app: &TestApp, n: u64) {
    let queue = app.jobs.queue(comms::EmailJob::QUEUE).await.unwrap();
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(15);
    while queue.get_delayed_count().await.unwrap() != n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected {n} delayed jobs, have {}",
            queue.get_delayed_count().await.unwrap()
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// The delayed jobs' data, then every delayed job promoted to run now.
pub async fn promote_all(app: &TestApp) -> Vec<Value> {
    let queue = app.jobs.queue(comms::EmailJob::QUEUE).await.unwrap();
    let delayed = queue.get_delayed(0, -1).await.unwrap();
    let data = delayed.iter().map(|j| j.data().clone()).collect();
    for job in delayed {
        job.promote().await.unwrap();
    }
    data
}

/// Runs a meeting's chain of delayed notices to its end, each promoted to run now as soon
/// as it is planned (each notice plans the next when it runs): the data of each, in the
/// order they ran. `done_before` is how many `meeting-notice` jobs completed before.
pub async fn run_notices(app: &TestApp, done_before: usize) -> Vec<Value> {
    let queue = app.jobs.queue(comms::EmailJob::QUEUE).await.unwrap();
    let mut ran = Vec::new();
    loop {
        // the next notice is relayed right after the commit of the one that planned it
        let deadline = tokio::time::Instant::now() + StdDuration::from_millis(1500);
        while queue.get_delayed_count().await.unwrap() == 0 {
            if tokio::time::Instant::now() >= deadline {
                return ran;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        ran.extend(promote_all(app).await);
        wait_notices_done(app, done_before + ran.len()).await;
    }
}

/// Waits until `n` `meeting-notice` jobs have completed.
pub async fn wait_notices_done(app: &TestApp, n: usize) {
    app.wait_completed(comms::EmailJob::QUEUE, "meeting-notice", n)
        .await;
}

/// `(available, held)` tokens of the caller.
pub async fn balance(app: &TestApp, token: &str) -> (i64, i64) {
    let b = app
        .call(Method::GET, "/api/tokens/balance", token, None)
        .await
        .json();
    (
        b["available"].as_i64().unwrap(),
        b["held"].as_i64().unwrap(),
    )
}

/// The mentor's available earnings in tokens.
pub async fn earned(app: &TestApp, mentor: &str) -> i64 {
    let e = app
        .call(Method::GET, "/api/mentor-earnings/me", mentor, None)
        .await;
    assert_eq!(e.status, 200, "{}", e.text);
    e.json()["available"].as_i64().unwrap()
}

/// The admin reconciliation holds.
pub async fn reconciles(app: &TestApp) {
    let admin = app.admin_token();
    let r = app
        .call(Method::GET, "/api/admin/tokens/reconcile", &admin, None)
        .await
        .json();
    assert_eq!(r["ok"], true, "{r}");
}

/// Runs one SQL statement on the test database.
pub async fn exec(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap();
}

/// One value of one row.
pub async fn scalar<T: sea_orm::TryGetable>(
    app: &TestApp,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> T {
    use sea_orm::ConnectionTrait;
    app.db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<T>(0)
        .unwrap()
}
