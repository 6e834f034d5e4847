//! Daily cards (00:00 IST) and warnings (23:59 IST): each schedule is one BullMQ job
//! scheduler however many replicas register it, and a tick that runs twice (a second
//! replica's, a retry) changes nothing: one card, one warning notice, one escalation.

use chrono::{Duration, Utc};
use kernel::auth::{Capability, Role};
use lms::{
    service::engagement::cards::ist_bounds,
    workers::{DailyCards, StudentWarnings},
};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use testkit::{TestApp, eventually, spawn_app};
use uuid::Uuid;

use crate::common;

async fn count(app: &TestApp, q: String) -> i64 {
    app.db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, q))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

async fn scheduler(app: &TestApp, queue: &str, id: &str) -> serde_json::Value {
    let q = app.jobs.queue(queue).await.unwrap();
    let found = eventually(10, || async { q.get_job_scheduler(id).await.unwrap() })
        .await
        .unwrap_or_else(|| panic!("no scheduler {id}"));
    assert_eq!(q.get_job_schedulers_count().await.unwrap(), 1, "{queue}");
    serde_json::to_value(&found).unwrap()
}

#[tokio::test]
async fn the_midnight_and_2359_schedules_fire_once_across_two_replicas() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (lead, _) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let course = common::course(&app, &admin, "carded", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let batch = common::batch(&app, &admin, &cid, "B1", Some(&lead.to_string())).await;
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    common::seat(&app, &admin, &student.to_string(), &cid, &batch).await;
    let platform: Uuid = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT platform_id FROM courses WHERE id = '{cid}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "platform_id")
        .unwrap();
    // Earlier today (IST): a class the student missed and work due they did not hand in;
    // yesterday a warning already.
    let now = Utc::now();
    let (start, _) = ist_bounds(now);
    let span = now - start;
    let exec = |q: String| async {
        app.db
            .execute_raw(Statement::from_string(DbBackend::Postgres, q))
            .await
            .unwrap();
    };
    exec(format!(
        "UPDATE enrollments SET created_at = now() - interval '2 days' WHERE user_id = '{student}'"
    ))
    .await;
    exec(format!(
        "INSERT INTO live_classes (id, platform_id, course_id, title, starts_at, ends_at, join_url)
         VALUES ('{}', '{platform}', '{cid}', 'Morning class', '{}', '{}', 'https://meet.example.com/m')",
        Uuid::now_v7(),
        (start + span / 4).to_rfc3339(),
        (start + span / 2).to_rfc3339()
    ))
    .await;
    exec(format!(
        "INSERT INTO assignments (id, platform_id, course_id, title, due_at, max_points)
         VALUES ('{}', '{platform}', '{cid}', 'Essay', '{}', 10)",
        Uuid::now_v7(),
        (start + span / 2).to_rfc3339()
    ))
    .await;
    exec(format!(
        "INSERT INTO student_warnings (id, platform_id, user_id, course_id, rule, day, created_at)
         VALUES ('{}', '{platform}', '{student}', '{cid}', 'missed_class', '{}', now() - interval '1 day')",
        Uuid::now_v7(),
        lms::service::engagement::risk::ist_day(now - Duration::days(1))
    ))
    .await;

    // Two replicas register the same schedules: one scheduler each, one pending tick each.
    let a = app.start_worker().await;
    let b = app.start_worker().await;
    let cards = scheduler(&app, "dailyCardsQueue", "lms:daily-cards").await;
    assert_eq!(
        (cards["pattern"].as_str(), cards["tz"].as_str()),
        (Some("0 0 0 * * *"), Some("Asia/Kolkata"))
    );
    let warn = scheduler(&app, "warningQueue", "lms:student-warnings").await;
    assert_eq!(
        (warn["pattern"].as_str(), warn["tz"].as_str()),
        (Some("0 59 23 * * *"), Some("Asia/Kolkata"))
    );
    // The tick comes now (its delayed job promoted), and once more from "another replica".
    for queue in ["dailyCardsQueue", "warningQueue"] {
        let q = app.jobs.queue(queue).await.unwrap();
        let delayed = q.get_delayed(0, -1).await.unwrap();
        assert_eq!(
            delayed.len(),
            1,
            "{queue}: one pending tick for two replicas"
        );
        delayed[0].promote().await.unwrap();
    }
    app.wait_completed("dailyCardsQueue", "daily-cards", 1)
        .await;
    app.wait_completed("warningQueue", "student-warnings", 1)
        .await;
    app.jobs
        .enqueue("mr-mentor", &DailyCards {}, None)
        .await
        .unwrap();
    app.jobs
        .enqueue("mr-mentor", &StudentWarnings {}, None)
        .await
        .unwrap();
    app.wait_completed("dailyCardsQueue", "daily-cards", 2)
        .await;
    app.wait_completed("warningQueue", "student-warnings", 2)
        .await;
    app.wait_completed("warningQueue", "warning-notice", 1)
        .await;

    let n = |kind: &str, user: Uuid| {
        format!(
            "SELECT count(*)::bigint AS n FROM notifications WHERE kind = '{kind}' AND user_id = '{user}'"
        )
    };
    let pushed = eventually(15, || async {
        let c = count(&app, n("engagement.daily_card", student)).await;
        let w = count(&app, n("engagement.warning", student)).await;
        let e = count(&app, n("engagement.warning_escalation", lead)).await;
        (c > 0 && w > 0 && e > 0).then_some((c, w, e))
    })
    .await
    .expect("notifications sent");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(pushed, (1, 1, 1));
    assert_eq!(count(&app, n("engagement.daily_card", student)).await, 1);
    assert_eq!(
        count(
            &app,
            format!("SELECT count(*)::bigint AS n FROM daily_cards WHERE user_id = '{student}'")
        )
        .await,
        1
    );
    // Today's warnings: the missed class and the missed work, once each.
    assert_eq!(
        count(&app, format!("SELECT count(*)::bigint AS n FROM student_warnings WHERE user_id = '{student}' AND rule IN ('missed_class', 'missed_assignment') AND day = '{}'",
            lms::service::engagement::risk::ist_day(Utc::now()))).await,
        2
    );
    // One email; the job carried ids only.
    let mail = eventually(15, || async {
        let m: Vec<String> = app
            .mails()
            .into_iter()
            .filter(|m| m.contains("You missed something today"))
            .collect();
        (!m.is_empty()).then_some(m)
    })
    .await
    .expect("warning email");
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Essay"), "{}", mail[0]);
    let q = app.jobs.queue("warningQueue").await.unwrap();
    for job in q.get_completed(0, -1).await.unwrap() {
        let data = serde_json::to_string(&job.data()).unwrap();
        assert!(!data.contains('@'), "{data}");
    }

    // The student reads the card.
    let res = app
        .call(Method::GET, "/api/student/daily-card", &token, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let card = res.json();
    assert_eq!(
        card["assignments_due_today"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(card["classes_today"][0]["title"], "Morning class");
    assert_eq!(card["todo"], json!("Hand in \"Essay\" today."));
    a.stop().await;
    b.stop().await;
}
