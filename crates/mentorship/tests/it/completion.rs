//! Completing meetings without the app: the mentor's emailed single-use link, and the
//! schedule that settles ended meetings by presence (completed, or a no-show), each hold
//! settled exactly once however often the job runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use common::*;
use reqwest::Method;
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use uuid::Uuid;

/// Books a session 30 h ahead, runs its notices now and returns (mentor token, student
/// token, meeting id, the completion link's token).
async fn linked(app: &TestApp) -> (String, String, String, String) {
    let (_, mentor, _) = mentor_on(app, MM, 10).await;
    let (_, student) = student(app, 10).await;
    let m_mail = email_of(app, &mentor).await;
    let s = slot(app, &mentor, Utc::now() + Duration::hours(30), 45).await;
    let meeting = book(app, &student, &s).await["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_delayed(app, 1).await;
    run_notices(app, 0).await;
    let mail = wait_for_mail(app, &m_mail, "Mark as completed").await;
    let at = mail.find("complete-by-link?token=").unwrap() + "complete-by-link?token=".len();
    let token: String = mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-' || *c == '.')
        .collect();
    (mentor, student, meeting, token)
}

fn link(token: &str) -> String {
    format!("/api/meetings/complete-by-link?token={token}")
}

#[tokio::test]
async fn the_emailed_link_completes_the_meeting_once() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (mentor, student, meeting, token) = linked(&app).await;

    // looking at the link (what a mail scanner does) changes nothing
    let info = app.get(&link(&token)).await;
    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.json()["meeting_id"], meeting.as_str());
    assert_eq!(info.json()["status"], "scheduled");
    assert_eq!(info.json()["action"], "complete");

    // forged, altered or missing tokens
    let mut altered = token.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == '0' { '1' } else { '0' });
    for bad in [
        link(&altered),
        link(&format!(
            "{}.{}",
            Uuid::now_v7(),
            &token[token.find('.').unwrap() + 1..]
        )),
        link("nonsense"),
        "/api/meetings/complete-by-link".to_owned(),
    ] {
        app.req(Method::POST, &bad)
            .send()
            .await
            .assert_problem(401, "invalid_token");
    }

    // the link is no proof that the session happened: before it did, it is refused and
    // stays usable
    app.req(Method::POST, &link(&token))
        .send()
        .await
        .assert_problem(409, "meeting_not_held");
    assert_eq!(app.get(&link(&token)).await.status, 200);
    assert_eq!(earned(&app, &mentor).await, 0);

    app.hold_session(&meeting, &mentor, &student).await;
    let done = app.req(Method::POST, &link(&token)).send().await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json()["status"], "completed");
    assert_eq!(done.json()["meeting_id"], meeting.as_str());
    for method in [Method::POST, Method::GET] {
        app.req(method, &link(&token))
            .send()
            .await
            .assert_problem(409, "link_used");
    }
    assert_eq!(earned(&app, &mentor).await, 8, "10 tokens less 20 %");
    assert_eq!(balance(&app, &student).await, (0, 0));
    reconciles(&app).await;
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn an_expired_link_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (mentor, student, meeting, token) = linked(&app).await;
    exec(
        &app,
        "UPDATE meeting_action_links SET expires_at = now() - interval '1 minute'",
        vec![],
    )
    .await;
    app.req(Method::POST, &link(&token))
        .send()
        .await
        .assert_problem(401, "link_expired");
    let m = app
        .call(
            Method::GET,
            &format!("/api/meetings/{meeting}"),
            &student,
            None,
        )
        .await;
    assert_eq!(m.json()["status"], "scheduled");
    assert_eq!(earned(&app, &mentor).await, 0);
    assert_eq!(balance(&app, &student).await, (0, 10));
    bg.close(StdDuration::from_secs(5)).await;
}

/// A session 5 minutes ahead (joinable now with early join): (mentor, student, meeting).
async fn soon(app: &TestApp) -> (String, String, Uuid) {
    let (_, mentor, _) = mentor_on(app, MM, 10).await;
    let (_, student) = student(app, 10).await;
    let s = slot(app, &mentor, Utc::now() + Duration::minutes(5), 30).await;
    let meeting = book(app, &student, &s).await["meeting_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    (mentor, student, meeting)
}

async fn join(app: &TestApp, token: &str, meeting: Uuid) {
    let res = app
        .call(
            Method::GET,
            &format!("/api/meetings/{meeting}/join"),
            token,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

async fn status(app: &TestApp, meeting: Uuid) -> String {
    scalar(
        app,
        "SELECT status FROM meetings WHERE id = $1",
        vec![meeting.into()],
    )
    .await
}

#[tokio::test]
async fn ended_meetings_settle_by_presence_exactly_once() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("ALLOW_EARLY_MEETING_JOIN", "true")
            .env("MEETING_JOIN_BUFFER_MINUTES", "10"),
    )
    .await;
    let both = soon(&app).await;
    let mentor_only = soon(&app).await;
    let student_only = soon(&app).await;
    let nobody = soon(&app).await;
    let just_ended = soon(&app).await;
    for (m, s, id) in [&both, &just_ended] {
        join(&app, m, *id).await;
        join(&app, s, *id).await;
        join(&app, s, *id).await; // joining twice is one presence
    }
    join(&app, &mentor_only.0, mentor_only.2).await;
    join(&app, &student_only.1, student_only.2).await;
    // the slots are over: the first four 30 minutes ago, the last 5 minutes ago (its join
    // window, 10 minutes past the end, is still open)
    let ended = vec![both.2, mentor_only.2, student_only.2, nobody.2];
    for id in &ended {
        exec(&app, "UPDATE meetings SET starts_at = now() - interval '60 minutes', ends_at = now() - interval '30 minutes' WHERE id = $1", vec![(*id).into()]).await;
    }
    exec(&app, "UPDATE meetings SET starts_at = now() - interval '35 minutes', ends_at = now() - interval '5 minutes' WHERE id = $1", vec![just_ended.2.into()]).await;

    // the scheduled job, twice, through the queue
    let bg = workers(&app).await;
    for _ in 0..2 {
        app.jobs
            .enqueue(MM, &mentorship::SettleEndedMeetings {}, None)
            .await
            .unwrap();
    }
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(15);
    while status(&app, nobody.2).await != "cancelled" || status(&app, both.2).await != "completed" {
        assert!(tokio::time::Instant::now() < deadline, "not settled");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    bg.close(StdDuration::from_secs(5)).await;
    // and twice more at once
    let (a, b) = tokio::join!(
        mentorship::service::settle::settle_ended(&app.ctx, &app.config.mentorship),
        mentorship::service::settle::settle_ended(&app.ctx, &app.config.mentorship)
    );
    assert_eq!(a.unwrap(), Default::default());
    assert_eq!(b.unwrap(), Default::default());

    assert_eq!(status(&app, both.2).await, "completed");
    assert_eq!(earned(&app, &both.0).await, 8);
    assert_eq!(balance(&app, &both.1).await, (0, 0));
    // the student did not come: the mentor is paid
    assert_eq!(status(&app, mentor_only.2).await, "completed");
    assert_eq!(earned(&app, &mentor_only.0).await, 8);
    assert_eq!(balance(&app, &mentor_only.1).await, (0, 0));
    // the mentor did not come (with or without the student): everything back
    for (m, s, id) in [&student_only, &nobody] {
        assert_eq!(status(&app, *id).await, "cancelled");
        assert_eq!(earned(&app, m).await, 0);
        assert_eq!(balance(&app, s).await, (10, 0));
    }
    assert_eq!(status(&app, just_ended.2).await, "scheduled");
    assert_eq!(balance(&app, &just_ended.1).await, (0, 10));
    let lines: i64 = scalar(
        &app,
        "SELECT count(*) FROM meeting_logs WHERE kind IN ('auto_completed', 'student_no_show', 'mentor_no_show')",
        vec![],
    )
    .await;
    assert_eq!(lines, 4, "one settlement per ended meeting");
    let joins: i64 = scalar(
        &app,
        "SELECT count(*) FROM meeting_logs WHERE kind = 'joined' AND meeting_id = $1",
        vec![both.2.into()],
    )
    .await;
    assert_eq!(joins, 2);
    reconciles(&app).await;
}
