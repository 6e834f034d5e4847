//! Assignment reminders: the 19:00 IST job, run directly (twice), reminds each student who
//! has not handed in work due tomorrow once — one email and one in-app notification each.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use kernel::auth::Role;
use lms::service::reminders::{AssignmentReminders, tomorrow_ist};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use testkit::spawn_app;

use crate::common;

async fn count(app: &testkit::TestApp, sql: &str) -> i64 {
    app.db
        .query_one_raw(Statement::from_string(sea_orm::DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

async fn email_of(app: &testkit::TestApp, id: uuid::Uuid) -> String {
    app.db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT email FROM users WHERE id = '{id}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "email")
        .unwrap()
}

#[tokio::test]
async fn a_rerun_reminds_nobody_twice_and_handed_in_work_is_not_reminded() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (s1, _) = app.user(Role::User, &[], "mr-mentor");
    let (s2, _) = app.user(Role::User, &[], "mr-mentor");
    let (s3, done) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "reminded", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    for s in [s1, s2, s3] {
        assert_eq!(
            common::grant(&app, &admin, &s.to_string(), &cid)
                .await
                .status,
            201
        );
    }
    let (from, _) = tomorrow_ist(Utc::now());
    // due at noon IST tomorrow
    let due = from + Duration::hours(12);
    let a = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Capstone draft", "due_at": due, "max_points": 10}),
    )
    .await;
    // due the day after tomorrow: not reminded yet
    common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Later", "due_at": due + Duration::days(1), "max_points": 10}),
    )
    .await;
    let res = common::submit(
        &app,
        &done,
        &cid,
        a["id"].as_str().unwrap(),
        json!({"text": "done"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let worker = app.start_worker().await;
    for run in 1..=2 {
        app.jobs
            .enqueue("mr-mentor", &AssignmentReminders {}, None)
            .await
            .unwrap();
        app.wait_completed("assignmentReminderQueue", "assignment-reminders", run)
            .await;
    }
    app.wait_completed("emailQueue", "send-email", 2).await;
    app.wait_completed("notificationQueue", "send-notification", 2)
        .await;
    // room for a duplicate to show up, if the second run had queued one
    tokio::time::sleep(StdDuration::from_millis(700)).await;
    let mails = app.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    for s in [s1, s2] {
        let email = email_of(&app, s).await;
        let theirs: Vec<&String> = mails.iter().filter(|m| m.contains(&email)).collect();
        assert_eq!(theirs.len(), 1, "{email}");
        assert!(theirs[0].contains("Capstone draft"), "{}", theirs[0]);
    }
    let done_email = email_of(&app, s3).await;
    assert!(!mails.iter().any(|m| m.contains(&done_email)));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM notifications WHERE kind = 'assignment.due_tomorrow'"
        )
        .await,
        2
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM assignment_reminders").await,
        2
    );

    // the queues wiped (a Redis flush): the table still says who was reminded
    app.flush_queues().await;
    app.jobs
        .enqueue("mr-mentor", &AssignmentReminders {}, None)
        .await
        .unwrap();
    app.wait_completed("assignmentReminderQueue", "assignment-reminders", 1)
        .await;
    tokio::time::sleep(StdDuration::from_millis(700)).await;
    assert_eq!(app.mails().len(), 2);
    worker.stop().await;
}
