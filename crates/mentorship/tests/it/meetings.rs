//! Meetings: the join window, feedback feeding the mentor's rating, and the expired-slot
//! cleanup job through the real queue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{Duration, Utc};
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, spawn_app_with};
use uuid::Uuid;

fn user(app: &TestApp, role: Role) -> (Uuid, String) {
    app.user(role, &[], "mr-mentor")
}

/// An approved mentor, a funded student and a booking of a slot starting in `minutes`.
async fn booked(app: &TestApp, minutes: i64) -> (String, String, String, Value) {
    let (_, admin) = user(app, Role::Admin);
    let (_, mentor) = user(app, Role::Expert);
    let profile = app
        .call(
            Method::POST,
            "/api/mentors/me",
            &mentor,
            Some(json!({
                "headline": "Career coach", "bio": "", "expertise": ["careers"], "price_tokens": 10
            })),
        )
        .await
        .json();
    let id = profile["id"].as_str().unwrap();
    app.call(
        Method::POST,
        &format!("/api/admin/mentors/{id}/approve"),
        &admin,
        None,
    )
    .await;
    let start = Utc::now() + Duration::minutes(minutes);
    let slot = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            &mentor,
            Some(json!({
                "start_at": start, "end_at": start + Duration::minutes(30)
            })),
        )
        .await
        .json();
    let (student_id, student) = user(app, Role::User);
    app.call(
        Method::POST,
        "/api/admin/tokens/grant",
        &admin,
        Some(json!({"user_id": student_id, "amount": 10, "reason": "test grant"})),
    )
    .await;
    let booking = app
        .call(
            Method::POST,
            &format!("/api/slots/{}/book", slot["id"].as_str().unwrap()),
            &student,
            None,
        )
        .await;
    assert_eq!(booking.status, 201, "{}", booking.text);
    (admin, mentor, student, booking.json())
}

#[tokio::test]
async fn the_join_window_follows_the_configuration() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("ALLOW_EARLY_MEETING_JOIN", "true")
            .env("MEETING_JOIN_BUFFER_MINUTES", "10"),
    )
    .await;
    let (_, _, student, soon) = booked(&app, 5).await;
    let join = app
        .call(
            Method::GET,
            &format!(
                "/api/meetings/{}/join",
                soon["meeting_id"].as_str().unwrap()
            ),
            &student,
            None,
        )
        .await;
    assert_eq!(join.status, 200, "{}", join.text);
    assert_eq!(join.json()["role"], "student");
    assert_eq!(join.json()["room_id"], soon["meeting_id"]);
    let (_, _, student2, later) = booked(&app, 60).await;
    app.call(
        Method::GET,
        &format!(
            "/api/meetings/{}/join",
            later["meeting_id"].as_str().unwrap()
        ),
        &student2,
        None,
    )
    .await
    .assert_problem(403, "too_early");
    let (_, stranger) = user(&app, Role::User);
    app.call(
        Method::GET,
        &format!(
            "/api/meetings/{}/join",
            soon["meeting_id"].as_str().unwrap()
        ),
        &stranger,
        None,
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn without_early_join_the_window_opens_at_the_start() {
    let app = spawn_app_with(TestOptions::default()).await;
    let (_, _, student, soon) = booked(&app, 5).await;
    app.call(
        Method::GET,
        &format!(
            "/api/meetings/{}/join",
            soon["meeting_id"].as_str().unwrap()
        ),
        &student,
        None,
    )
    .await
    .assert_problem(403, "too_early");
}

#[tokio::test]
async fn feedback_after_completion_feeds_the_rating_once() {
    let app = spawn_app_with(TestOptions::default()).await;
    let (_, mentor, student, b) = booked(&app, 60).await;
    let meeting = b["meeting_id"].as_str().unwrap();
    let rate = |token: String, rating: i64| {
        let app = &app;
        let path = format!("/api/meetings/{meeting}/feedback");
        async move {
            app.call(
                Method::POST,
                &path,
                &token,
                Some(json!({"rating": rating, "comment": "Very helpful"})),
            )
            .await
        }
    };
    rate(student.clone(), 5)
        .await
        .assert_problem(409, "meeting_not_completed");
    app.hold_session(meeting, &mentor, &student).await;
    let done = app
        .call(
            Method::POST,
            &format!("/api/meetings/{meeting}/complete"),
            &mentor,
            None,
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let bad = rate(student.clone(), 6).await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "rating"
    );
    rate(mentor.clone(), 5)
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(rate(student.clone(), 4).await.status, 204);
    rate(student.clone(), 5)
        .await
        .assert_problem(409, "feedback_given");
    let list = app.get("/api/mentors").await.json();
    assert_eq!(list["items"][0]["rating"], 4.0);
    assert_eq!(list["items"][0]["rating_count"], 1);
}

#[tokio::test]
async fn the_cleanup_job_expires_past_open_slots() {
    let app = spawn_app_with(TestOptions::default()).await;
    let (_, _, _, b) = booked(&app, 60).await;
    // one open slot that started in the past (written directly: the API refuses past slots)
    app.db
        .execute_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "INSERT INTO mentor_slots (id, platform_id, mentor_id, starts_at, ends_at, status)
             SELECT $1, platform_id, mentor_id, now() - interval '2 hours', now() - interval '1 hour', 'open'
               FROM mentor_slots WHERE id = $2",
            [Uuid::now_v7().into(), b["slot_id"].as_str().unwrap().parse::<Uuid>().unwrap().into()],
        ))
        .await
        .unwrap();
    let mut registry = jobs::Registry::new();
    let state =
        mentorship::Mentorship::new(&app.ctx, &app.jobs, app.config.mentorship.clone()).unwrap();
    mentorship::workers(&mut registry, &state);
    assert!(
        registry
            .schedules()
            .iter()
            .any(|s| s.id == "mentorship:expire-slots" && s.queue == "cleanupQueue")
    );
    let bg =
        jobs::runner::Background::start(&app.jobs, Arc::new(registry), jobs::runner::Mode::Consume)
            .await
            .unwrap();
    app.jobs
        .enqueue("mr-mentor", &mentorship::ExpireSlots {}, None)
        .await
        .unwrap();
    let count = |status: &'static str| {
        let db = app.db.clone();
        async move {
            db.query_one_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) FROM mentor_slots WHERE status = $1",
                [status.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
        }
    };
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    while count("expired").await != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot was not expired"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(count("booked").await, 1, "booked slots are left alone");
    bg.close(StdDuration::from_secs(5)).await;
}
