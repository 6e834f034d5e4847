//! Helpers of the Google Calendar tests: the app pointed at a wiremock Google, mocked token
//! and Calendar endpoints, the whole connect flow, received requests, finished jobs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_string_contains, method, path, path_regex},
};

use crate::common::*;

/// A request with a bearer token and an optional JSON body.
pub async fn as_user(
    app: &TestApp,
    verb: Method,
    route: &str,
    token: &str,
    body: Option<Value>,
) -> TestResponse {
    let mut req = app.req(verb, route).bearer(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await
}

pub const SCOPE: &str = "https://www.googleapis.com/auth/calendar.events";
pub const EVENTS: &str = "/calendar/v3/calendars/primary/events";

pub async fn cal_app(google: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("GOOGLE_CLIENT_ID", "client-123.apps.googleusercontent.com")
            .env("GOOGLE_CLIENT_SECRET", "shh-secret")
            .env(
                "GOOGLE_AUTH_URL",
                format!("{}/o/oauth2/v2/auth", google.uri()),
            )
            .env("GOOGLE_TOKEN_URL", format!("{}/token", google.uri()))
            .env(
                "GOOGLE_CALENDAR_API_BASE",
                format!("{}/calendar/v3", google.uri()),
            ),
    )
    .await
}

/// Google's token endpoint: codes and the refresh token `refresh-<tag>`.
pub async fn mock_tokens(google: &MockServer, tag: &str) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("code=code-{tag}")))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("ya29.first-{tag}"), "expires_in": 3599,
            "refresh_token": format!("refresh-{tag}"), "scope": SCOPE, "token_type": "Bearer"
        })))
        .mount(google)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(format!("refresh_token=refresh-{tag}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("ya29.fresh-{tag}"), "expires_in": 3599, "token_type": "Bearer"
        })))
        .mount(google)
        .await;
}

/// The Calendar API answering inserts with the event (Google keeps the id we chose) and
/// deletes with 204.
pub async fn mock_calendar(google: &MockServer) {
    Mock::given(method("POST"))
        .and(path(EVENTS))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": body["id"], "status": "confirmed"}))
        })
        .mount(google)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex(format!("^{EVENTS}/[0-9a-v]+$")))
        .respond_with(ResponseTemplate::new(204))
        .mount(google)
        .await;
    Mock::given(method("PATCH"))
        .and(path_regex(format!("^{EVENTS}/[0-9a-v]+$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "confirmed"})))
        .mount(google)
        .await;
}

pub fn query_of(url: &str) -> HashMap<String, String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Connects the mentor's calendar through the whole flow; returns the consent URL's query.
pub async fn connect(
    app: &TestApp,
    google: &MockServer,
    mentor: &str,
    tag: &str,
) -> HashMap<String, String> {
    mock_tokens(google, tag).await;
    let res = as_user(
        app,
        Method::GET,
        "/api/google-calendar/connect",
        mentor,
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let q = query_of(res.json()["authorization_url"].as_str().unwrap());
    let cb = app
        .get(&format!(
            "/api/google-calendar/callback?code=code-{tag}&state={}",
            q["state"]
        ))
        .await;
    assert_eq!(cb.status, 200, "{}", cb.text);
    assert_eq!(cb.json()["connected"], true);
    q
}

pub async fn requests(google: &MockServer, verb: &str, prefix: &str) -> Vec<Request> {
    google
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path().starts_with(prefix))
        .collect()
}

/// Waits (up to 15 s) until `n` calendar-event jobs completed.
pub async fn wait_calendar_jobs(app: &TestApp, n: usize) {
    app.wait_completed("notificationQueue", "calendar-event", n)
        .await;
}

pub async fn stored_event(app: &TestApp, meeting: &str) -> Option<(String, Option<DateTime<Utc>>)> {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT google_event_id, deleted_at FROM meeting_calendar_events WHERE meeting_id = $1",
            [meeting.parse::<Uuid>().unwrap().into()],
        ))
        .await
        .unwrap()?;
    Some((
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index(1).unwrap(),
    ))
}

/// A mentor (connected or not), a student, and a booking 30 hours ahead: (student email,
/// student token, slot start, booking body).
pub async fn booked(
    app: &TestApp,
    google: &MockServer,
    connected: bool,
) -> (String, String, DateTime<Utc>, Value) {
    let (_, mentor, _) = mentor_on(app, MM, 10).await;
    if connected {
        connect(app, google, &mentor, "m").await;
    }
    let (_, student) = student(app, 10).await;
    let email = email_of(app, &student).await;
    let start = (Utc::now() + Duration::hours(30)).with_nanosecond_zero();
    let s = slot(app, &mentor, start, 45).await;
    let b = book(app, &student, &s).await;
    (email, student, start, b)
}

pub trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}
impl NoNanos for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap()
    }
}
