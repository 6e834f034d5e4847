//! Calendar events changing under a booking, against a wiremock Google: a reschedule moves
//! the event to the new times, and a create rerun after the attempt that created the event
//! lost its row meets Google's 409 for the same id and creates nothing.
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
async fn a_reschedule_moves_the_event() {
    let google = MockServer::start().await;
    mock_calendar(&google).await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    connect(&app, &google, &mentor, "r").await;
    let (_, student) = student(&app, 10).await;
    let first = (Utc::now() + Duration::hours(30)).with_nanosecond_zero();
    let later = first + Duration::hours(20);
    let s1 = slot(&app, &mentor, first, 45).await;
    let s2 = slot(&app, &mentor, later, 60).await;
    let b = book(&app, &student, &s1).await;
    wait_calendar_jobs(&app, 1).await;
    let res = as_user(
        &app,
        Method::POST,
        &format!(
            "/api/bookings/{}/reschedule",
            b["booking_id"].as_str().unwrap()
        ),
        &student,
        Some(json!({"slot_id": s2})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    wait_calendar_jobs(&app, 2).await;
    let patches = requests(&google, "PATCH", EVENTS).await;
    assert_eq!(patches.len(), 1);
    let meeting = b["meeting_id"].as_str().unwrap();
    assert_eq!(
        patches[0].url.path(),
        format!("{EVENTS}/mas{}", meeting.replace('-', ""))
    );
    let body: Value = serde_json::from_slice(&patches[0].body).unwrap();
    let starts: DateTime<Utc> = body["start"]["dateTime"].as_str().unwrap().parse().unwrap();
    let ends: DateTime<Utc> = body["end"]["dateTime"].as_str().unwrap().parse().unwrap();
    assert_eq!((starts, ends), (later, later + Duration::minutes(60)));
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 1);
    bg.close(StdDuration::from_secs(5)).await;
}

#[tokio::test]
async fn an_event_google_already_has_is_not_created_twice() {
    let google = MockServer::start().await;
    // the first insert creates the event; Google answers 409 to the same id afterwards
    Mock::given(method("POST"))
        .and(path(EVENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "from-google"})))
        .up_to_n_times(1)
        .mount(&google)
        .await;
    Mock::given(method("POST"))
        .and(path(EVENTS))
        .respond_with(ResponseTemplate::new(409).set_body_json(
            json!({"error": {"code": 409, "message": "The requested identifier already exists."}}),
        ))
        .mount(&google)
        .await;
    let app = cal_app(&google).await;
    let bg = workers(&app).await;
    let (_, _, _, b) = booked(&app, &google, true).await;
    let meeting = b["meeting_id"].as_str().unwrap();
    wait_calendar_jobs(&app, 1).await;
    // the attempt that created the event died before recording it: a rerun meets the 409
    exec(&app, "DELETE FROM meeting_calendar_events", vec![]).await;
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
    assert_eq!(requests(&google, "POST", EVENTS).await.len(), 2);
    let expected = format!("mas{}", meeting.replace('-', ""));
    assert_eq!(stored_event(&app, meeting).await.unwrap().0, expected);
    assert_eq!(
        jobs::dlq::count(&app.jobs, "notificationQueue")
            .await
            .unwrap(),
        0
    );
    bg.close(StdDuration::from_secs(5)).await;
}
