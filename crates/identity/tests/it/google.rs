//! Sign-in with Google against a wiremock stand-in for Google's endpoints: the redirect
//! carries PKCE and state, the callback exchanges the code with the verifier, creates or
//! links the user on the platform the flow started on, and state is single use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;

use common::{get_as, signup};
use reqwest::Method;
use serde_json::json;
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, header, method, path},
};

async fn google_app(google: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("GOOGLE_CLIENT_ID", "client-123.apps.googleusercontent.com")
            .env("GOOGLE_CLIENT_SECRET", "shh-secret")
            .env(
                "GOOGLE_AUTH_URL",
                format!("{}/o/oauth2/v2/auth", google.uri()),
            )
            .env("GOOGLE_TOKEN_URL", format!("{}/token", google.uri()))
            .env("GOOGLE_USERINFO_URL", format!("{}/userinfo", google.uri())),
    )
    .await
}

/// Starts a flow on `platform`; returns the query of the consent URL.
async fn start(app: &TestApp, platform: &str) -> HashMap<String, String> {
    let res = app
        .req(Method::GET, "/api/auth/google?redirect_to=/dashboard")
        .platform(platform)
        .send()
        .await;
    assert_eq!(res.status, 302, "{}", res.text);
    let location = reqwest::Url::parse(&res.header("location").unwrap()).unwrap();
    assert!(location.path().ends_with("/o/oauth2/v2/auth"), "{location}");
    location.query_pairs().into_owned().collect()
}

async fn mock_google(google: &MockServer, code: &str, sub: &str, email: &str, verified: bool) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains(format!("code={code}")))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code_verifier="))
        .and(body_string_contains("client_secret=shh-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("ya29.{code}"), "expires_in": 3599,
            "token_type": "Bearer", "scope": "openid email profile", "id_token": "x.y.z"
        })))
        .mount(google)
        .await;
    Mock::given(method("GET"))
        .and(path("/userinfo"))
        .and(header(
            "authorization",
            format!("Bearer ya29.{code}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": sub, "email": email, "email_verified": verified,
            "name": "Asha Google", "picture": "https://example.com/a.png"
        })))
        .mount(google)
        .await;
}

#[tokio::test]
async fn google_sign_in_creates_then_finds_the_user() {
    let google = MockServer::start().await;
    let app = google_app(&google).await;
    let q = start(&app, "mr-hire").await;
    assert_eq!(q["client_id"], "client-123.apps.googleusercontent.com");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert_eq!(
        q["redirect_uri"],
        "http://localhost:8000/auth/google/callback"
    );
    assert!(q["scope"].contains("email"));
    let state = q["state"].clone();

    mock_google(&google, "code-1", "google-sub-1", "Asha@Gmail.com", true).await;
    // Google calls back without X-Platform: the platform comes from the state
    let res = app
        .get(&format!("/auth/google/callback?code=code-1&state={state}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["created"], true);
    assert_eq!(body["redirect_to"], "/dashboard");
    assert_eq!(body["user"]["email"], "asha@gmail.com");
    assert_eq!(body["user"]["full_name"], "Asha Google");
    let token = body["access_token"].as_str().unwrap();
    let me = get_as(&app, "/api/auth/me", "mr-hire", token).await.json();
    assert_eq!(me["platform"], "mr-hire");

    // the verifier sent to the token endpoint matches the challenge of the redirect
    let requests = google.received_requests().await.unwrap();
    let exchange = requests.iter().find(|r| r.url.path() == "/token").unwrap();
    let form: HashMap<String, String> = url_form(&exchange.body);
    let verifier = &form["code_verifier"];
    use sha2::Digest;
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    assert_eq!(
        identity::service::secrets::base64url(&digest),
        q["code_challenge"]
    );
    assert_eq!(
        form["redirect_uri"],
        "http://localhost:8000/auth/google/callback"
    );

    // the state is single use
    app.get(&format!("/auth/google/callback?code=code-1&state={state}"))
        .await
        .assert_problem(400, "invalid_oauth_state");
    app.get("/auth/google/callback?code=code-1&state=forged")
        .await
        .assert_problem(400, "invalid_oauth_state");

    // a second sign-in finds the same user
    let q = start(&app, "mr-hire").await;
    let again = app
        .get(&format!(
            "/auth/google/callback?code=code-1&state={}",
            q["state"]
        ))
        .await
        .json();
    assert_eq!(again["created"], false);
    assert_eq!(again["user"]["id"], body["user"]["id"]);
}

#[tokio::test]
async fn google_links_an_existing_account_by_verified_email_only() {
    let google = MockServer::start().await;
    let app = google_app(&google).await;
    let existing = signup(&app, "mr-mentor", "meera@example.com").await;

    mock_google(&google, "code-2", "google-sub-2", "meera@example.com", true).await;
    let q = start(&app, "mr-mentor").await;
    let linked = app
        .get(&format!(
            "/auth/google/callback?code=code-2&state={}",
            q["state"]
        ))
        .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    assert_eq!(linked.json()["created"], false);
    assert_eq!(linked.json()["user"]["id"], existing["user"]["id"]);

    mock_google(&google, "code-3", "google-sub-3", "ravi@example.com", false).await;
    let q = start(&app, "mr-mentor").await;
    app.get(&format!(
        "/auth/google/callback?code=code-3&state={}",
        q["state"]
    ))
    .await
    .assert_problem(403, "email_not_verified");

    // Google refusing the code
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("code=bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&google)
        .await;
    let q = start(&app, "mr-mentor").await;
    app.get(&format!(
        "/auth/google/callback?code=bad&state={}",
        q["state"]
    ))
    .await
    .assert_problem(400, "invalid_oauth_code");
    // the user declined on Google's page
    let q = start(&app, "mr-mentor").await;
    app.get(&format!(
        "/auth/google/callback?error=access_denied&state={}",
        q["state"]
    ))
    .await
    .assert_problem(400, "invalid_oauth_code");
}

#[tokio::test]
async fn google_sign_in_takes_an_unverified_account_away_from_whoever_preregistered_it() {
    let google = MockServer::start().await;
    let app = google_app(&google).await;
    // the attacker registers the victim's address with a password of their own (never verified)
    let planted = signup(&app, "mr-mentor", "victim@example.com").await;
    let attacker_access = planted["access_token"].as_str().unwrap().to_owned();
    let attacker_refresh = planted["refresh_token"].as_str().unwrap().to_owned();
    // token cut-offs have one-second resolution (iat): let a second pass
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;

    // the victim signs in with Google for that address: the account is theirs
    mock_google(
        &google,
        "code-v",
        "google-sub-v",
        "victim@example.com",
        true,
    )
    .await;
    let q = start(&app, "mr-mentor").await;
    let victim = app
        .get(&format!(
            "/auth/google/callback?code=code-v&state={}",
            q["state"]
        ))
        .await;
    assert_eq!(victim.status, 200, "{}", victim.text);
    assert_eq!(victim.json()["user"]["id"], planted["user"]["id"]);
    let victim_access = victim.json()["access_token"].as_str().unwrap().to_owned();

    // the attacker's password, refresh token and access token no longer work
    let login = app
        .req(Method::POST, "/api/auth/login")
        .platform("mr-mentor")
        .json(&json!({"email": "victim@example.com", "password": common::PASSWORD}))
        .send()
        .await;
    login.assert_problem(401, "invalid_credentials");
    let refresh = app
        .req(Method::POST, "/api/auth/refresh")
        .platform("mr-mentor")
        .json(&json!({"refresh_token": attacker_refresh}))
        .send()
        .await;
    assert_eq!(refresh.status, 401, "{}", refresh.text);
    let me = app
        .req(Method::GET, "/api/auth/me")
        .platform("mr-mentor")
        .bearer(&attacker_access)
        .send()
        .await;
    assert_eq!(me.status, 401, "{}", me.text);
    // the victim's new session works
    let me = app
        .req(Method::GET, "/api/auth/me")
        .platform("mr-mentor")
        .bearer(&victim_access)
        .send()
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
}

#[tokio::test]
async fn without_credentials_google_is_not_configured() {
    let app = spawn_app().await;
    app.get("/api/auth/google")
        .await
        .assert_problem(503, "provider_not_configured");
    app.get("/auth/google/callback?code=x&state=y")
        .await
        .assert_problem(503, "provider_not_configured");
}

fn url_form(body: &[u8]) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body)))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}
