//! Calendar events of bookings against a wiremock Google: one event per booking however
//! often the job runs (times, attendee, link asserted on the request Google received),
//! deletion on cancellation, an outage that retries and dead-letters without touching the
//! booking, no call for a mentor without a connection, jobs of another platform no-ops.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::google;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use common::*;
use google::*;
use mentorship::CalendarEvent;
use mentorship::service::calendar_events::CalendarAction;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

#[tokio::test]
async fn a_booking_creates_one_event_even_when_the_job_runs_twice() {
    let google = MockServer::start().await;
    mock_calendar(&google).await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (email, _, start, b) = booked(&app, &google, true).await;
    let meeting = b["meeting_id"].as_str().unwrap();
    wait_calendar_jobs(&app, 1).await;

    let inserts = requests(&google, "POST", EVENTS).await;
    assert_eq!(inserts.len(), 1);
    let auth = inserts[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(auth, "Bearer ya29.fresh-m");
    let body: Value = serde_json::from_slice(&inserts[0].body).unwrap();
    let expected_id = format!("mas{}", meeting.replace('-', ""));
    assert_eq!(body["id"], expected_id.as_str());
    let starts: DateTime<Utc> = body["start"]["dateTime"].as_str().unwrap().parse().unwrap();
    let ends: DateTime<Utc> = body["end"]["dateTime"].as_str().unwrap().parse().unwrap();
    assert_eq!(starts, start);
    assert_eq!(ends, start + Duration::minutes(45));
    assert_eq!(body["attendees"], json!([{"email": email}]));
    let link = format!("http://localhost:8000/meetings/{meeting}");
    assert_eq!(body["location"], link.as_str());
    assert!(body["description"].as_str().unwrap().contains(&link));
    assert_eq!(stored_event(&app, meeting).await.unwrap().0, expected_id);

    // the same job again (a retry, a duplicate): nothing new at Google
    let job = CalendarEvent {
        platform_id: scalar(
            &app,
            "SELECT platform_id FROM meetings WHERE id = $1",
            vec![meeting.parse::<Uuid>().unwrap().into()],
        )
        .await,
        meeting_id: meeting.parse().unwrap(),
        action: CalendarAction::Create,
    };
    app.jobs.enqueue(MM, &job, None).await.unwrap();
    wait_calendar_jobs(&app, 2).await;
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 1);

    // the same meeting on another platform's job: not found there, no call
    exec(&app, "DELETE FROM meeting_calendar_events", vec![]).await;
    let other: Uuid = scalar(
        &app,
        "SELECT id FROM platforms WHERE slug = 'my-analytics-school'",
        vec![],
    )
    .await;
    app.jobs
        .enqueue(
            "my-analytics-school",
            &CalendarEvent {
                platform_id: other,
                ..job.clone()
            },
            None,
        )
        .await
        .unwrap();
    wait_calendar_jobs(&app, 3).await;
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 1);
    // a payload naming another platform than its envelope: dead-lettered at once, no call
    app.jobs
        .enqueue(
            MM,
            &CalendarEvent {
                platform_id: other,
                ..job.clone()
            },
            None,
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(15);
    while jobs::dlq::count(&app.jobs, "notificationQueue")
        .await
        .unwrap()
        < 1
    {
        assert!(tokio::time::Instant::now() < deadline, "not dead-lettered");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 1);
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_cancellation_deletes_the_event() {
    let google = MockServer::start().await;
    mock_calendar(&google).await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (_, student, _, b) = booked(&app, &google, true).await;
    let meeting = b["meeting_id"].as_str().unwrap();
    wait_calendar_jobs(&app, 1).await;
    let res = as_user(
        &app,
        Method::POST,
        &format!("/api/bookings/{}/cancel", b["booking_id"].as_str().unwrap()),
        &student,
        Some(json!({"reason": "exam clash"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    wait_calendar_jobs(&app, 2).await;
    let deletes = requests(&google, "DELETE", EVENTS).await;
    assert_eq!(deletes.len(), 1);
    assert_eq!(
        deletes[0].url.path(),
        format!("{EVENTS}/mas{}", meeting.replace('-', ""))
    );
    assert!(stored_event(&app, meeting).await.unwrap().1.is_some());
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_calendar_outage_keeps_the_booking_and_dead_letters_the_job() {
    let google = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EVENTS))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "backend error"}})),
        )
        .mount(&google)
        .await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (_, student, _, b) = booked(&app, &google, true).await;
    assert_eq!(b["status"], "booked");
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(20);
    while jobs::dlq::count(&app.jobs, "notificationQueue")
        .await
        .unwrap()
        < 1
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the calendar job was not dead-lettered"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    // three attempts (notificationQueue's), each a call, then the dead letter
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 3);
    let meeting = b["meeting_id"].as_str().unwrap();
    let m = as_user(
        &app,
        Method::GET,
        &format!("/api/meetings/{meeting}"),
        &student,
        None,
    )
    .await;
    assert_eq!(m.status, 200, "{}", m.text);
    assert_eq!(m.json()["status"], "scheduled", "{}", m.text);
    let status: String = scalar(
        &app,
        "SELECT status FROM bookings WHERE id = $1",
        vec![
            b["booking_id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap()
                .into(),
        ],
    )
    .await;
    assert_eq!(status, "booked");
    assert_eq!(balance(&app, &student).await, (0, 10));
    assert!(stored_event(&app, meeting).await.is_none());
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn a_mentor_without_a_connection_costs_no_call_to_google() {
    let google = MockServer::start().await;
    mock_calendar(&google).await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (_, student, _, b) = booked(&app, &google, false).await;
    // the booking of an unconnected mentor queues no calendar job at all (its jobs are one
    // outbox row, the reminders among them)
    let queued = |name: &'static str| {
        scalar::<i64>(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = $1 OR payload::text LIKE $2",
            vec![name.into(), format!("%\"name\": \"{name}\"%").into()],
        )
    };
    assert!(queued("meeting-notice").await > 0);
    assert_eq!(queued("calendar-event").await, 0);
    as_user(
        &app,
        Method::POST,
        &format!("/api/bookings/{}/cancel", b["booking_id"].as_str().unwrap()),
        &student,
        None,
    )
    .await;
    // the cancellation's delete job runs and finds no connection
    wait_calendar_jobs(&app, 1).await;
    assert!(google.received_requests().await.unwrap().is_empty());
    bg.close(StdDuration::from_secs(5)).await;
}
