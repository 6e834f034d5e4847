//! The Google Calendar client against wiremock: the code exchange and refresh form posts,
//! insert (created, 409 already there), patch, delete (done, 404/410 gone), and how Google's
//! errors map to retries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, TimeZone, Utc};
use integrations::google_calendar::{
    Deleted, GoogleCalendar, GoogleCalendarConfig, Inserted, NewEvent, PRIMARY, SCOPE, event_id_for,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json_string, body_string_contains, header, method, path, query_param},
};

fn client(google: &MockServer) -> GoogleCalendar {
    client_at(&google.uri())
}

fn client_at(base: &str) -> GoogleCalendar {
    let config = GoogleCalendarConfig {
        client_id: Some("client-1".into()),
        client_secret: Some(SecretString::from("secret-1")),
        auth_url: format!("{base}/auth"),
        token_url: format!("{base}/token"),
        api_base: format!("{base}/calendar/v3"),
    };
    GoogleCalendar::from_config(&config, integrations::http_client().unwrap()).unwrap()
}

fn event() -> NewEvent {
    let start = Utc.with_ymd_and_hms(2026, 12, 24, 10, 0, 0).unwrap();
    NewEvent {
        id: event_id_for(Uuid::nil()),
        summary: "Mentorship session".into(),
        description: "Join: https://mas.example/meetings/1".into(),
        location: "https://mas.example/meetings/1".into(),
        starts_at: start,
        ends_at: start + Duration::minutes(45),
        attendees: vec!["asha@example.com".into()],
    }
}

#[tokio::test]
async fn the_consent_url_and_the_token_endpoint() {
    let google = MockServer::start().await;
    let cal = client(&google);
    let url = cal
        .consent_url("https://mas.example/cb", "st", "ch")
        .unwrap();
    let q: std::collections::HashMap<String, String> = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["scope"], SCOPE);
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert_eq!(q["state"], "st");
    assert_eq!(q["code_challenge"], "ch");

    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code_verifier=ver"))
        .and(body_string_contains("client_secret=secret-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "ya29.a", "refresh_token": "1//r", "scope": SCOPE
        })))
        .mount(&google)
        .await;
    let grant = cal
        .exchange_code("c", "ver", "https://mas.example/cb")
        .await
        .unwrap();
    assert_eq!(grant.refresh_token.unwrap().expose_secret(), "1//r");
    assert_eq!(grant.scope, SCOPE);

    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=revoked"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&google)
        .await;
    let err = cal
        .access_token(&SecretString::from("revoked"))
        .await
        .unwrap_err();
    assert!(!err.is_retryable(), "{err}");
    assert!(err.to_string().contains("invalid_grant"), "{err}");
}

#[tokio::test]
async fn insert_patch_and_delete_events() {
    let google = MockServer::start().await;
    let cal = client(&google);
    let token = SecretString::from("ya29.x");
    let ev = event();
    let events = "/calendar/v3/calendars/primary/events";
    Mock::given(method("POST"))
        .and(path(events))
        .and(query_param("sendUpdates", "all"))
        .and(header("authorization", "Bearer ya29.x"))
        .and(body_string_contains(
            "\"attendees\":[{\"email\":\"asha@example.com\"}]",
        ))
        .and(body_string_contains(
            "\"dateTime\":\"2026-12-24T10:00:00+00:00\"",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ev.id})))
        .up_to_n_times(1)
        .mount(&google)
        .await;
    assert_eq!(
        cal.insert_event(&token, PRIMARY, &ev).await.unwrap(),
        Inserted::Created(ev.id.clone())
    );
    // the same id again: Google's 409
    Mock::given(method("POST"))
        .and(path(events))
        .respond_with(ResponseTemplate::new(409).set_body_json(
            json!({"error": {"code": 409, "message": "The requested identifier already exists."}}),
        ))
        .mount(&google)
        .await;
    assert_eq!(
        cal.insert_event(&token, PRIMARY, &ev).await.unwrap(),
        Inserted::AlreadyExists
    );

    let one = format!("{events}/{}", ev.id);
    Mock::given(method("PATCH"))
        .and(path(one.as_str()))
        .and(body_json_string(
            json!({
                "start": {"dateTime": "2026-12-25T10:00:00+00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2026-12-25T11:00:00+00:00", "timeZone": "UTC"},
            })
            .to_string(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ev.id})))
        .mount(&google)
        .await;
    let moved = ev.starts_at + Duration::days(1);
    cal.move_event(&token, PRIMARY, &ev.id, moved, moved + Duration::hours(1))
        .await
        .unwrap();

    Mock::given(method("DELETE"))
        .and(path(one.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&google)
        .await;
    Mock::given(method("DELETE"))
        .and(path(one.as_str()))
        .respond_with(ResponseTemplate::new(410))
        .mount(&google)
        .await;
    assert_eq!(
        cal.delete_event(&token, PRIMARY, &ev.id).await.unwrap(),
        Deleted::Deleted
    );
    assert_eq!(
        cal.delete_event(&token, PRIMARY, &ev.id).await.unwrap(),
        Deleted::Gone
    );
}

#[tokio::test]
async fn outages_retry_and_bad_requests_do_not() {
    let google = MockServer::start().await;
    let cal = client(&google);
    let token = SecretString::from("ya29.x");
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"error": {"code": 503, "message": "Backend Error"}})),
        )
        .mount(&google)
        .await;
    let err = cal
        .insert_event(&token, PRIMARY, &event())
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert!(err.to_string().contains("Backend Error"), "{err}");
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": 403, "message": "Forbidden"}})),
        )
        .mount(&google)
        .await;
    let err = cal
        .delete_event(&token, PRIMARY, "x1234")
        .await
        .unwrap_err();
    assert!(!err.is_retryable());
    // nothing listening: a transport error, retried
    let dead = client_at("http://127.0.0.1:9");
    let err = dead
        .insert_event(&token, PRIMARY, &event())
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
}
