//! Booking emails through the outbox and the real email queue: confirmations, the delayed
//! 24 h / 1 h reminders and completion link, cancellations, and reschedules re-planning the
//! notices (stale ones are no-ops at send time).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use common::*;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

#[tokio::test]
async fn booking_emails_both_and_its_reminders_send_when_due() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let (m_mail, s_mail) = (
        email_of(&app, &mentor).await,
        email_of(&app, &student).await,
    );
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(30), 45).await;
    let b = book(&app, &student, &s).await;

    let confirmation = wait_for_mail(&app, &s_mail, "Subject: Booked:").await;
    assert!(confirmation.contains("with Ravi Mentor"), "{confirmation}");
    let meeting = b["meeting_id"].as_str().unwrap();
    assert!(confirmation.contains(&format!("/meetings/{meeting}")));
    wait_for_mail(&app, &m_mail, "Subject: Booked:").await;

    // reminders 24 h and 1 h ahead, the completion link at the end: one delayed job at a
    // time, each planning the next when it runs
    wait_delayed(&app, 1).await;
    let planned: Vec<String> = run_notices(&app, 0)
        .await
        .iter()
        .map(|d| d["notice"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(planned, ["reminder_24h", "reminder_1h", "complete_link"]);
    for to in [&s_mail, &m_mail] {
        wait_for_mail(&app, to, "starts in 1440 minutes").await;
        wait_for_mail(&app, to, "starts in 60 minutes").await;
    }
    let link = wait_for_mail(&app, &m_mail, "Mark as completed").await;
    assert!(
        link.contains("/api/meetings/complete-by-link?token="),
        "{link}"
    );
    assert!(mails_to(&app, &s_mail, "Mark as completed").is_empty());
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn reminders_already_due_are_not_planned() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    // starts in 3 hours: the 24 h reminder is in the past, the 1 h one and the link are not
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(3), 30).await;
    book(&app, &student, &s).await;
    wait_delayed(&app, 1).await;
    let planned: Vec<String> = run_notices(&app, 0)
        .await
        .iter()
        .map(|d| d["notice"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(planned, ["reminder_1h", "complete_link"]);
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_cancelled_booking_sends_cancellations_and_no_reminder() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let (m_mail, s_mail) = (
        email_of(&app, &mentor).await,
        email_of(&app, &student).await,
    );
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(30), 45).await;
    let b = book(&app, &student, &s).await;
    wait_for_mail(&app, &s_mail, "Subject: Booked:").await;
    wait_delayed(&app, 1).await;

    let res = app
        .call(
            Method::POST,
            &format!("/api/bookings/{}/cancel", b["booking_id"].as_str().unwrap()),
            &student,
            Some(json!({"reason": "exam clash"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    for to in [&s_mail, &m_mail] {
        let m = wait_for_mail(&app, to, "Subject: Cancelled:").await;
        assert!(m.contains("Reason: exam clash"), "{m}");
    }
    // the planned notice runs now, finds the meeting cancelled, sends nothing and plans no
    // other
    let ran = run_notices(&app, 0).await;
    assert_eq!(ran.len(), 1, "{ran:?}");
    for to in [&s_mail, &m_mail] {
        assert!(mails_to(&app, to, "Subject: Reminder:").is_empty());
        assert!(mails_to(&app, to, "Mark as completed").is_empty());
    }
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_reschedule_replans_the_reminders_for_the_new_time() {
    let app = spawn_app().await;
    let bg = workers(&app).await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let s_mail = email_of(&app, &student).await;
    let first = slot(&app, &mentor, Utc::now() + Duration::hours(30), 45).await;
    let second = slot(&app, &mentor, Utc::now() + Duration::hours(50), 45).await;
    let b = book(&app, &student, &first).await;
    wait_delayed(&app, 1).await;
    let res = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/reschedule",
                b["booking_id"].as_str().unwrap()
            ),
            &student,
            Some(json!({"slot_id": second})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    wait_for_mail(&app, &s_mail, "rescheduled mentorship session").await;
    // the first plan's first notice and the new plan's
    wait_delayed(&app, 2).await;
    let plans: Vec<i64> = run_notices(&app, 0)
        .await
        .iter()
        .map(|d| d["plan"].as_i64().unwrap())
        .collect();
    // the old plan's notice ran stale and planned nothing; the new plan ran its three
    assert_eq!(plans.iter().filter(|p| **p == 1).count(), 1, "{plans:?}");
    assert_eq!(plans.iter().filter(|p| **p == 2).count(), 3, "{plans:?}");
    // only the new plan's reminders went out: one of each
    assert_eq!(mails_to(&app, &s_mail, "starts in 1440 minutes").len(), 1);
    assert_eq!(mails_to(&app, &s_mail, "starts in 60 minutes").len(), 1);
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_reminder_and_the_next_notice_are_one_outbox_row_sent_once() {
    use mentorship::service::{
        dispatch::{self, Outcome},
        notices::{MeetingNotice, Notice},
    };
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(30), 45).await;
    let b = book(&app, &student, &s).await;
    let notice = MeetingNotice {
        meeting_id: b["meeting_id"].as_str().unwrap().parse().unwrap(),
        notice: Notice::Reminder24h,
        plan: 1,
    };
    let rows = || scalar::<i64>(&app, "SELECT count(*) FROM outbox", vec![]);
    let before = rows().await;
    assert_eq!(
        dispatch::run(&app.ctx, &notice).await.unwrap(),
        Outcome::Sent
    );
    // both participants' reminders and the plan's next notice (the 1 h reminder) in one row
    assert_eq!(rows().await - before, 1);
    let jobs: String = scalar(
        &app,
        "SELECT string_agg(j->>'name' || ':' || coalesce(j->'data'->>'notice', ''), ',' ORDER BY j->>'name')
           FROM (SELECT payload FROM outbox ORDER BY created_at DESC, id DESC LIMIT 1) o,
                jsonb_array_elements(o.payload) j",
        vec![],
    )
    .await;
    assert_eq!(jobs.matches("send-email:").count(), 2, "{jobs}");
    assert!(jobs.contains("meeting-notice:reminder_1h"), "{jobs}");
    // a repeat of the job (a retry, a duplicate) writes nothing
    assert_eq!(
        dispatch::run(&app.ctx, &notice).await.unwrap(),
        Outcome::AlreadySent
    );
    assert_eq!(rows().await - before, 1);
}
