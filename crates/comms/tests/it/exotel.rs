//! Exotel: click-to-call and SMS against a fake Exotel (wiremock), the token-guarded status
//! callback, tenancy of the call log, and self-disabling without credentials.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};

use comms::entities::exotel_calls as calls;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{basic_auth, body_string_contains, method, path},
};

async fn app_with_exotel(api: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("EXOTEL_API_BASE", api.uri())
            .env("EXOTEL_SID", "acme1")
            .env("EXOTEL_API_KEY", "exo-key")
            .env("EXOTEL_API_TOKEN", "exo-token")
            .env("EXOTEL_CALLER_ID", "08047112233")
            .env("EXOTEL_WEBHOOK_TOKEN", "hook-secret")
            .env("PUBLIC_BASE_URL", "https://gw.example.com"),
    )
    .await
}

async fn mount_call(api: &MockServer, sid: &str) {
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Calls/connect.json"))
        .and(basic_auth("exo-key", "exo-token"))
        .and(body_string_contains("From=%2B919876543210"))
        .and(body_string_contains("CallerId=08047112233"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Call": {"Sid": sid, "Status": "in-progress", "From": "09876543210", "To": "08765432109"}
        })))
        .mount(api)
        .await;
}

async fn place_call(app: &TestApp, token: &str) -> testkit::TestResponse {
    app.req(Method::POST, "/api/exotel/call")
        .bearer(token)
        .json(&json!({"from": "+91 98765 43210", "to": "+918765432109"}))
        .send()
        .await
}

async fn callback(app: &TestApp, query: &str, form: &str) -> testkit::TestResponse {
    app.req(Method::POST, &format!("/api/webhooks/exotel/status{query}"))
        .body(form.to_owned(), "application/x-www-form-urlencoded")
        .send()
        .await
}

async fn call_row(app: &TestApp, sid: &str) -> calls::Model {
    calls::Entity::find()
        .filter(calls::Column::Sid.eq(sid))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_call_is_placed_stored_and_updated_by_its_callback() {
    let api = MockServer::start().await;
    mount_call(&api, "call-sid-1").await;
    let app = app_with_exotel(&api).await;
    let sales = common::sales_token(&app, "mr-mentor");

    let res = place_call(&app, &sales).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let call = res.json();
    assert_eq!(call["sid"], "call-sid-1");
    assert_eq!(call["from"], "+919876543210");
    assert_eq!(call["to"], "+918765432109");
    assert_eq!(call["caller_id"], "08047112233");
    assert_eq!(call["status"], "in-progress");

    let sent = api.received_requests().await.unwrap();
    let form = String::from_utf8(sent[0].body.clone()).unwrap();
    assert!(
        form.contains("StatusCallback=https%3A%2F%2Fgw.example.com%2Fapi%2Fwebhooks%2Fexotel%2Fstatus%3Ftoken%3Dhook-secret"),
        "{form}"
    );

    let form = "CallSid=call-sid-1&Status=completed&ConversationDuration=42&RecordingUrl=https%3A%2F%2Frec.example.com%2F1.mp3";
    for _ in 0..2 {
        let res = callback(&app, "?token=hook-secret", form).await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert_eq!(res.json()["updated"], true);
    }
    let row = call_row(&app, "call-sid-1").await;
    assert_eq!(row.status, "completed");
    assert_eq!(row.duration_secs, Some(42));
    assert_eq!(
        row.recording_url.as_deref(),
        Some("https://rec.example.com/1.mp3")
    );

    // the token may come as a header; JSON bodies work; a later partial callback keeps data
    let res = app
        .req(Method::POST, "/api/webhooks/exotel/status")
        .header("X-Exotel-Token", "hook-secret")
        .json(&json!({"CallSid": "call-sid-1", "Status": "completed"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(call_row(&app, "call-sid-1").await.duration_secs, Some(42));

    // an unknown call is acknowledged without effect
    let res = callback(&app, "?token=hook-secret", "CallSid=nope&Status=completed").await;
    assert_eq!(res.json()["updated"], false);

    // the caller sees it in the log; another platform's admin does not
    let log = app
        .req(Method::GET, "/api/exotel/calls")
        .bearer(&sales)
        .send()
        .await;
    assert_eq!(log.json().as_array().unwrap().len(), 1, "{}", log.text);
    let other = app
        .req(Method::GET, "/api/exotel/calls")
        .platform("mr-hire")
        .bearer(&app.token(kernel::auth::Role::Admin, &[], "mr-hire"))
        .send()
        .await;
    assert_eq!(other.status, 200, "{}", other.text);
    assert!(
        other.json().as_array().unwrap().is_empty(),
        "{}",
        other.text
    );
}

#[tokio::test]
async fn the_callback_needs_the_token() {
    let api = MockServer::start().await;
    let app = app_with_exotel(&api).await;
    let form = "CallSid=call-sid-1&Status=completed";
    callback(&app, "", form)
        .await
        .assert_problem(401, "invalid_token");
    callback(&app, "?token=hook-secreT", form)
        .await
        .assert_problem(401, "invalid_token");
    let body = callback(&app, "?token=hook-secret", "Status=completed")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "CallSid");
}

#[tokio::test]
async fn calls_and_sms_are_validated_and_for_sales_only() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Sms/send.json"))
        .and(basic_auth("exo-key", "exo-token"))
        .and(body_string_contains("Body=Your+demo+is+at+5+PM"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"SMSMessage": {"Sid": "sms-1", "Status": "queued"}})),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Calls/connect.json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"RestException": {"Status": 400, "Message": "To is not a valid phone number"}}),
        ))
        .mount(&api)
        .await;
    let app = app_with_exotel(&api).await;
    let sales = common::sales_token(&app, "mr-mentor");

    place_call(&app, &app.user_token())
        .await
        .assert_problem(403, "forbidden");
    let body = app
        .req(Method::POST, "/api/exotel/call")
        .bearer(&sales)
        .json(&json!({"from": "12", "to": "+918765432109"}))
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "from");
    let body = app
        .req(Method::POST, "/api/exotel/call")
        .bearer(&sales)
        .json(&json!({"from": "+919876543210"}))
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "to");

    // Exotel refuses: 502 with its reason, nothing stored
    let body = place_call(&app, &sales)
        .await
        .assert_problem(502, "bad_gateway");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("To is not a valid phone number"),
        "{body}"
    );
    assert!(!body.to_string().contains("exo-token"));
    assert!(calls::Entity::find().all(&app.db).await.unwrap().is_empty());

    let res = app
        .req(Method::POST, "/api/exotel/sms")
        .bearer(&app.admin_token())
        .json(&json!({"to": "+918765432109", "body": "Your demo is at 5 PM"}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json()["sid"], "sms-1");
    let body = app
        .req(Method::POST, "/api/exotel/sms")
        .bearer(&sales)
        .json(&json!({"to": "+918765432109", "body": ""}))
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "body");
}

#[tokio::test]
async fn without_credentials_exotel_answers_503_and_boots() {
    let app = spawn_app().await;
    let sales = common::sales_token(&app, "mr-mentor");
    place_call(&app, &sales)
        .await
        .assert_problem(503, "provider_not_configured");
    app.req(Method::POST, "/api/exotel/sms")
        .bearer(&sales)
        .json(&json!({"to": "+918765432109", "body": "hi"}))
        .send()
        .await
        .assert_problem(503, "provider_not_configured");
    callback(&app, "?token=x", "CallSid=a&Status=completed")
        .await
        .assert_problem(503, "provider_not_configured");
}

#[tokio::test]
async fn every_comms_route_is_documented() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();
    for (path, verb) in [
        ("/api/exotel/call", "post"),
        ("/api/exotel/sms", "post"),
        ("/api/exotel/calls", "get"),
        ("/api/whatsapp/messages", "post"),
        ("/api/webhooks/whatsapp", "get"),
        ("/api/webhooks/whatsapp", "post"),
        ("/api/webhooks/exotel/status", "post"),
    ] {
        assert!(
            doc["paths"][path][verb].is_object(),
            "{verb} {path} is not documented"
        );
    }
}

/// Exotel accepting every call and SMS (each with its own sid): a refused request would show
/// as one it received.
async fn mount_accepting(api: &MockServer) {
    let calls = AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Calls/connect.json"))
        .respond_with(move |_: &wiremock::Request| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(json!({
                "Call": {"Sid": format!("call-ok-{n}"), "Status": "in-progress"}
            }))
        })
        .mount(api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Sms/send.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"SMSMessage": {"Sid": "sms-ok", "Status": "queued"}})),
        )
        .mount(api)
        .await;
}

async fn call_to(app: &TestApp, token: &str, from: &str, to: &str) -> testkit::TestResponse {
    app.req(Method::POST, "/api/exotel/call")
        .bearer(token)
        .json(&json!({"from": from, "to": to}))
        .send()
        .await
}

async fn sms_to(app: &TestApp, token: &str, to: &str) -> testkit::TestResponse {
    app.req(Method::POST, "/api/exotel/sms")
        .bearer(token)
        .json(&json!({"to": to, "body": "Last seats for the demo"}))
        .send()
        .await
}

#[tokio::test]
async fn a_do_not_disturb_lead_is_neither_called_nor_texted_in_any_spelling() {
    let api = MockServer::start().await;
    mount_accepting(&api).await;
    let app = app_with_exotel(&api).await;
    let sales = common::sales_token(&app, "mr-mentor");
    common::lead(&app, "98123 45678", json!({"dnd": true})).await;

    // the lead's number as the CRM stores it, with spaces, as WhatsApp writes it, nationally
    for to in [
        "+919812345678",
        "+91 98123 45678",
        "919812345678",
        "098123-45678",
    ] {
        let body = call_to(&app, &sales, "+91 98765 43210", to)
            .await
            .assert_problem(409, "lead_do_not_disturb");
        assert_eq!(body["errors"][0]["field"], "to", "{body}");
        let body = sms_to(&app, &sales, to)
            .await
            .assert_problem(409, "lead_do_not_disturb");
        assert_eq!(body["errors"][0]["field"], "to", "{body}");
    }
    // Exotel rings `from` first: the lead there is refused as well
    let body = call_to(&app, &sales, "(+91) 98123.45678", "+918765432109")
        .await
        .assert_problem(409, "lead_do_not_disturb");
    assert_eq!(body["errors"][0]["field"], "from", "{body}");
    // an admin is held to it too
    call_to(&app, &app.admin_token(), "+91 98765 43210", "9812345678")
        .await
        .assert_problem(409, "lead_do_not_disturb");
    sms_to(&app, &app.admin_token(), "+91-98123-45678")
        .await
        .assert_problem(409, "lead_do_not_disturb");

    // nothing reached Exotel and no call was stored
    assert!(api.received_requests().await.unwrap().is_empty());
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM exotel_calls").await,
        0
    );

    // a lead who only withdrew WhatsApp consent may be called and texted, and so may a
    // number that is no lead's
    common::lead(&app, "9822233344", json!({"whatsapp_consent": false})).await;
    for to in ["+91 98222 33344", "+918765432109"] {
        let res = call_to(&app, &sales, "+91 98765 43210", to).await;
        assert_eq!(res.status, 201, "{to}: {}", res.text);
        let res = sms_to(&app, &sales, to).await;
        assert_eq!(res.status, 202, "{to}: {}", res.text);
    }
    assert_eq!(api.received_requests().await.unwrap().len(), 4);
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM exotel_calls").await,
        2
    );
}

#[tokio::test]
async fn another_platforms_do_not_disturb_lead_does_not_block_a_number() {
    let api = MockServer::start().await;
    mount_accepting(&api).await;
    let app = app_with_exotel(&api).await;
    common::lead(&app, "9812345678", json!({"dnd": true})).await;
    // the same number on a platform where it is no lead
    let admin = app.token(kernel::auth::Role::Admin, &[], "mr-hire");
    let res = app
        .req(Method::POST, "/api/exotel/sms")
        .platform("mr-hire")
        .bearer(&admin)
        .json(&json!({"to": "+919812345678", "body": "Your interview is at 5 PM"}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(api.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_merged_duplicates_number_answers_for_the_lead_it_was_merged_into() {
    let api = MockServer::start().await;
    mount_accepting(&api).await;
    let app = app_with_exotel(&api).await;
    let admin = app.admin_token();
    let keep = common::lead(&app, "9811111111", json!({"dnd": true})).await;
    let dup = common::lead(&app, "9822222222", json!({"dnd": false})).await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{dup}/merge"),
            &admin,
            Some(json!({"into": keep})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let sales = common::sales_token(&app, "mr-mentor");
    sms_to(&app, &sales, "+91 98222 22222")
        .await
        .assert_problem(409, "lead_do_not_disturb");
    assert!(api.received_requests().await.unwrap().is_empty());
}
