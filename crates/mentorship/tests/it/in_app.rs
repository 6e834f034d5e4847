//! Booking and cancelling notify both participants in-app: the notices are written in the
//! booking's transaction (outbox) and become notification rows once the worker of a serving
//! app runs them; a refused booking notifies nobody.

use crate::common::*;

use chrono::{Duration, DurationRound, Utc};
use reqwest::Method;
use serde_json::json;
use testkit::{TestApp, TestOptions, eventually, spawn_app_with};

/// The caller's notifications of `kind`, newest first.
async fn kinds(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let res = app
        .call(Method::GET, "/api/notifications?limit=50", token, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["link"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn wait_for(app: &TestApp, token: &str, kind: &str, n: usize) -> Vec<(String, String)> {
    eventually(20, || async {
        let all = kinds(app, token).await;
        (all.iter().filter(|(k, _)| k == kind).count() >= n).then_some(all)
    })
    .await
    .unwrap_or_else(|| panic!("no {kind} notification arrived"))
}

#[tokio::test]
async fn booking_and_cancelling_notify_both_participants_in_app() {
    let app = spawn_app_with(TestOptions {
        role: Some(testkit::Role::Serve),
        ..TestOptions::default()
    })
    .await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, pupil) = student(&app, 50).await;
    let start = (Utc::now() + Duration::hours(72))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    let s = slot(&app, &mentor, start, 45).await;
    let b = book(&app, &pupil, &s).await;
    let meeting = b["meeting_id"].as_str().unwrap();
    let link = format!("/meetings/{meeting}");
    for token in [&pupil, &mentor] {
        let got = wait_for(&app, token, "meeting.booked", 1).await;
        assert_eq!(got, vec![("meeting.booked".to_owned(), link.clone())]);
    }

    // booking the same slot again is refused and notifies nobody
    let (_, late) = student(&app, 50).await;
    let res = app
        .call(Method::POST, &format!("/api/slots/{s}/book"), &late, None)
        .await;
    assert_eq!(res.status, 409, "{}", res.text);

    let cancelled = app
        .call(
            Method::POST,
            &format!("/api/bookings/{}/cancel", b["booking_id"].as_str().unwrap()),
            &pupil,
            Some(json!({"reason": "clash"})),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    for token in [&pupil, &mentor] {
        let got = wait_for(&app, token, "meeting.cancelled", 1).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], ("meeting.cancelled".to_owned(), link.clone()));
    }
    assert!(kinds(&app, &late).await.is_empty());
}
