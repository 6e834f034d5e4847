//! Connecting a mentor's Google Calendar against a wiremock Google: PKCE, the single-use
//! state, the code exchange, the refresh token stored sealed, status and disconnect; only
//! mentors, other platforms see nothing, and 503 without Google credentials.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::google;

use common::*;
use google::*;
use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, method, path},
};

#[tokio::test]
async fn connecting_checks_state_exchanges_the_code_and_stores_the_token_sealed() {
    let google = MockServer::start().await;
    let app = cal_app(&google).await;
    let (mentor_id, mentor, _) = mentor_on(&app, MM, 10).await;
    let status = as_user(
        &app,
        Method::GET,
        "/api/google-calendar/status",
        &mentor,
        None,
    )
    .await;
    assert_eq!(status.json()["connected"], false, "{}", status.text);

    let q = connect(&app, &google, &mentor, "a").await;
    assert_eq!(q["scope"], SCOPE);
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        "http://localhost:8000/api/google-calendar/callback"
    );
    // the verifier sent with the code matches the challenge of the consent URL
    let exchange = &requests(&google, "POST", "/token").await[0];
    let form = query_of(&format!(
        "http://x/?{}",
        String::from_utf8_lossy(&exchange.body)
    ));
    use sha2::Digest;
    let digest = sha2::Sha256::digest(form["code_verifier"].as_bytes());
    assert_eq!(
        identity::service::secrets::base64url(&digest),
        q["code_challenge"]
    );
    assert_eq!(form["redirect_uri"], q["redirect_uri"]);

    let status = as_user(
        &app,
        Method::GET,
        "/api/google-calendar/status",
        &mentor,
        None,
    )
    .await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert_eq!(status.json()["connected"], true);
    assert_eq!(status.json()["scope"], SCOPE);
    assert!(!status.text.contains("refresh-a"), "{}", status.text);
    let sealed: String = scalar(
        &app,
        "SELECT refresh_token_sealed FROM google_calendar_connections WHERE user_id = $1",
        vec![mentor_id.into()],
    )
    .await;
    assert!(
        sealed.starts_with("v1:") && !sealed.contains("refresh"),
        "{sealed}"
    );

    // the state is single use, and a forged one is refused
    app.get(&format!(
        "/api/google-calendar/callback?code=code-a&state={}",
        q["state"]
    ))
    .await
    .assert_problem(400, "invalid_oauth_state");
    app.get("/api/google-calendar/callback?code=code-a&state=forged")
        .await
        .assert_problem(400, "invalid_oauth_state");
    // Google refusing the code
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("code=bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&google)
        .await;
    let res = as_user(
        &app,
        Method::GET,
        "/api/google-calendar/connect",
        &mentor,
        None,
    )
    .await;
    let state = query_of(res.json()["authorization_url"].as_str().unwrap())["state"].clone();
    app.get(&format!(
        "/api/google-calendar/callback?code=bad&state={state}"
    ))
    .await
    .assert_problem(400, "invalid_oauth_code");
    // an over-long code is a 422 naming the field
    let long = "x".repeat(3000);
    let res = app
        .get(&format!(
            "/api/google-calendar/callback?code={long}&state=s"
        ))
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "code", "{problem}");

    let gone = as_user(
        &app,
        Method::DELETE,
        "/api/google-calendar/connection",
        &mentor,
        None,
    )
    .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let status = as_user(
        &app,
        Method::GET,
        "/api/google-calendar/status",
        &mentor,
        None,
    )
    .await;
    assert_eq!(status.json()["connected"], false);
}

#[tokio::test]
async fn only_mentors_connect_and_other_platforms_see_nothing() {
    let google = MockServer::start().await;
    let app = cal_app(&google).await;
    let (_, plain) = user(&app, Role::User);
    for (verb, route) in [
        (Method::GET, "/api/google-calendar/connect"),
        (Method::GET, "/api/google-calendar/status"),
        (Method::DELETE, "/api/google-calendar/connection"),
    ] {
        as_user(&app, verb.clone(), route, &plain, None)
            .await
            .assert_problem(403, "forbidden");
        app.req(verb, route)
            .send()
            .await
            .assert_problem(401, "unauthorized");
    }
    let (mentor_id, mentor, _) = mentor_on(&app, MM, 10).await;
    connect(&app, &google, &mentor, "x").await;
    let on: String = scalar(&app,
        "SELECT p.slug FROM google_calendar_connections c JOIN platforms p ON p.id = c.platform_id WHERE c.user_id = $1",
        vec![mentor_id.into()]).await;
    assert_eq!(on, MM);
    // a mentor of another platform is not connected, and cannot disconnect this one
    let (_, other) = app.user(Role::Expert, &[], "my-analytics-school");
    let res = app
        .req(Method::GET, "/api/google-calendar/status")
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["connected"], false);
    let res = app
        .req(Method::DELETE, "/api/google-calendar/connection")
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(res.status, 204);
    // the mentor's own token on another platform is refused
    app.req(Method::GET, "/api/google-calendar/status")
        .platform("my-analytics-school")
        .bearer(&mentor)
        .send()
        .await
        .assert_problem(403, "wrong_platform");
    let status = as_user(
        &app,
        Method::GET,
        "/api/google-calendar/status",
        &mentor,
        None,
    )
    .await;
    assert_eq!(status.json()["connected"], true);
}

#[tokio::test]
async fn without_credentials_calendar_is_not_configured() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    for (verb, route) in [
        (Method::GET, "/api/google-calendar/connect"),
        (Method::GET, "/api/google-calendar/status"),
        (Method::DELETE, "/api/google-calendar/connection"),
    ] {
        as_user(&app, verb, route, &mentor, None)
            .await
            .assert_problem(503, "provider_not_configured");
    }
    app.get("/api/google-calendar/callback?code=x&state=y")
        .await
        .assert_problem(503, "provider_not_configured");
}
