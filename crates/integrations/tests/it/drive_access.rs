//! Who may use a Drive connection: only the user who connected it, on the platform it was
//! connected on (a sealed token copied onto another row does not open); refused codes,
//! declined consent, and a deployment without Google credentials.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;
use testkit::spawn_app;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::drive_common::*;

#[tokio::test]
async fn another_user_or_platform_cannot_use_a_connection() {
    let google = MockServer::start().await;
    let app = drive_app(&google).await;
    let pkce = Pkce::default();
    let (owner_id, owner) = app.user(Role::User, &[], MM);
    connect(&app, &google, &pkce, &owner, "o").await;
    mock_list(&google, "ya29.first-o").await;

    let (other_id, other) = app.user(Role::User, &[], MM);
    send(
        &app,
        &other,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await
    .assert_problem(409, "drive_not_connected");
    let (_, elsewhere) = app.user(Role::User, &[], MAS);
    let res = app
        .req(Method::GET, "/api/google-drive-connector/files")
        .platform(MAS)
        .bearer(&elsewhere)
        .send()
        .await;
    res.assert_problem(409, "drive_not_connected");
    let res = app
        .req(Method::GET, "/api/google-drive-connector/status")
        .platform(MAS)
        .bearer(&elsewhere)
        .send()
        .await;
    assert_eq!(res.json()["connected"], false, "{}", res.text);

    // the owner's sealed tokens copied onto another user's row do not open
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO google_drive_connections (id, platform_id, user_id, refresh_token_sealed, access_token_sealed, access_expires_at, scope)
             SELECT gen_random_uuid(), platform_id, '{other_id}', refresh_token_sealed, access_token_sealed, access_expires_at, scope
               FROM google_drive_connections WHERE user_id = '{owner_id}'"
        ))
        .await
        .unwrap();
    send(
        &app,
        &other,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await
    .assert_problem(409, "drive_not_connected");
    assert!(requests(&google, "GET", "/drive/v3/files").await.is_empty());
    assert_eq!(
        requests(&google, "POST", "/token").await.len(),
        1,
        "only the owner's exchange"
    );

    // the owner still can
    let res = send(
        &app,
        &owner,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

/// The attacker starts a connection and sends its consent link to a victim; the victim's
/// browser comes back with the code. Neither the victim (signed in) nor anyone without a
/// token can finish it, so the victim's Drive never lands on the attacker's account.
#[tokio::test]
async fn a_consent_link_sent_to_someone_else_connects_nothing() {
    let google = MockServer::start().await;
    let app = drive_app(&google).await;
    let pkce = Pkce::default();
    let (attacker_id, attacker) = app.user(Role::User, &[], MM);
    let (victim_id, victim) = app.user(Role::User, &[], MM);
    mock_tokens(&google, &pkce, "v").await;
    let started = send(
        &app,
        &attacker,
        Method::POST,
        "/api/google-drive-connector/connect",
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.text);
    let q = query_of(started.json()["authorization_url"].as_str().unwrap());
    pkce.0.lock().unwrap().push(q["code_challenge"].clone());
    let back = format!(
        "/api/google-drive-connector/callback?code=code-v&state={}",
        q["state"]
    );

    // the victim's browser, no token: 401, the state untouched
    app.get(&back).await.assert_problem(401, "unauthorized");
    // the victim signed in: the state was issued to someone else, and is spent
    send(&app, &victim, Method::GET, &back)
        .await
        .assert_problem(400, "invalid_oauth_state");
    // so the attacker cannot finish it either
    send(&app, &attacker, Method::GET, &back)
        .await
        .assert_problem(400, "invalid_oauth_state");
    assert!(
        requests(&google, "POST", "/token").await.is_empty(),
        "no code was exchanged"
    );
    let rows: i64 = scalar(
        &app,
        &format!(
            "SELECT count(*) FROM google_drive_connections WHERE user_id IN ('{attacker_id}', '{victim_id}')"
        ),
    )
    .await;
    assert_eq!(rows, 0);
    for token in [&attacker, &victim] {
        let res = send(
            &app,
            token,
            Method::GET,
            "/api/google-drive-connector/status",
        )
        .await;
        assert_eq!(res.json()["connected"], false, "{}", res.text);
    }
}

#[tokio::test]
async fn a_refused_code_a_declined_consent_and_no_credentials() {
    let google = MockServer::start().await;
    let app = drive_app(&google).await;
    let (_, token) = app.user(Role::User, &[], MM);
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&google)
        .await;
    for tail in ["code=bad", "error=access_denied"] {
        let res = send(
            &app,
            &token,
            Method::POST,
            "/api/google-drive-connector/connect",
        )
        .await;
        let state = query_of(res.json()["authorization_url"].as_str().unwrap())["state"].clone();
        send(
            &app,
            &token,
            Method::GET,
            &format!("/api/google-drive-connector/callback?{tail}&state={state}"),
        )
        .await
        .assert_problem(400, "invalid_oauth_code");
    }
    send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/callback?code=x",
    )
    .await
    .assert_problem(400, "invalid_oauth_state");
    app.req(Method::GET, "/api/google-drive-connector/status")
        .send()
        .await
        .assert_problem(401, "unauthorized");

    let bare = spawn_app().await;
    let token = bare.user_token();
    send(
        &bare,
        &token,
        Method::GET,
        "/api/google-drive-connector/status",
    )
    .await
    .assert_problem(503, "provider_not_configured");
    send(
        &bare,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/f1/import",
    )
    .await
    .assert_problem(503, "provider_not_configured");
}
