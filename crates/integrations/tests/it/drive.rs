//! The Google Drive connector against a wiremock Google: the PKCE connect flow (the token
//! endpoint checks the verifier against the consent URL's challenge), listing, refreshing an
//! expired access token, disconnecting (revokes); the refresh token never in an answer, a
//! log line or the database in clear.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, method, path},
};

use crate::drive_common::*;

#[tokio::test]
async fn connect_list_refresh_and_disconnect() {
    let logs = testkit::logs::capture();
    let google = MockServer::start().await;
    let app = drive_app(&google).await;
    let pkce = Pkce::default();
    let (user_id, token) = app.user(Role::User, &[], MM);
    let mut answers = Vec::new();

    let res = send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/status",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["connected"], false);

    let q = connect(&app, &google, &pkce, &token, "a").await;
    assert_eq!(q["scope"], SCOPE);
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        "http://localhost:8000/integrations/google-drive/callback"
    );
    assert_eq!(requests(&google, "POST", "/token").await.len(), 1);
    let sealed: String = scalar(
        &app,
        &format!(
            "SELECT refresh_token_sealed FROM google_drive_connections WHERE user_id = '{user_id}'"
        ),
    )
    .await;
    assert!(
        sealed.starts_with("v1:") && !sealed.contains("refresh"),
        "{sealed}"
    );
    // the state is single use
    send(
        &app,
        &token,
        Method::GET,
        &format!(
            "/api/google-drive-connector/callback?code=code-a&state={}",
            q["state"]
        ),
    )
    .await
    .assert_problem(400, "invalid_oauth_state");

    // list with the first access token; the search text is quoted into Drive's query
    mock_list(&google, "ya29.first-a").await;
    let res = send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/files?q=it%27s",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["files"][0]["mime_type"], "application/pdf");
    assert_eq!(res.json()["files"][0]["size"], 11);
    assert_eq!(res.json()["next_page_token"], "page-2");
    let listed = requests(&google, "GET", "/drive/v3/files").await;
    let sent = query_of(listed[0].url.as_str());
    assert_eq!(sent["q"], "name contains 'it\\'s' and trashed = false");
    answers.push(res.text);
    let res = send(
        &app,
        &token,
        Method::GET,
        &format!("/api/google-drive-connector/files?q={}", "x".repeat(101)),
    )
    .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "q"
    );

    // an expired access token is refreshed from the sealed refresh token
    assert_eq!(
        requests(&google, "POST", "/token").await.len(),
        1,
        "no refresh while valid"
    );
    app.db
        .execute_unprepared(
            "UPDATE google_drive_connections SET access_expires_at = now() - interval '1 minute'",
        )
        .await
        .unwrap();
    mock_list(&google, "ya29.fresh-a").await;
    let res = send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let tokens = requests(&google, "POST", "/token").await;
    assert_eq!(tokens.len(), 2);
    let refresh_form = String::from_utf8_lossy(&tokens[1].body).into_owned();
    assert!(
        refresh_form.contains("grant_type=refresh_token"),
        "{refresh_form}"
    );
    assert!(
        refresh_form.contains("refresh_token=1%2F%2Frefresh-LEAK-drive-canary-a"),
        "{refresh_form}"
    );
    let listed = requests(&google, "GET", "/drive/v3/files").await;
    assert_eq!(bearer(listed.last().unwrap()), "Bearer ya29.fresh-a");
    // and the fresh one is reused
    send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await;
    assert_eq!(requests(&google, "POST", "/token").await.len(), 2);

    // disconnecting revokes the grant
    Mock::given(method("POST"))
        .and(path("/revoke"))
        .and(body_string_contains(
            "token=1%2F%2Frefresh-LEAK-drive-canary-a",
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&google)
        .await;
    let res = send(&app, &token, Method::DELETE, "/api/google-drive-connector").await;
    assert_eq!(res.status, 204, "{}", res.text);
    let res = send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/status",
    )
    .await;
    assert_eq!(res.json()["connected"], false);
    send(
        &app,
        &token,
        Method::GET,
        "/api/google-drive-connector/files",
    )
    .await
    .assert_problem(409, "drive_not_connected");

    for text in &answers {
        assert!(!text.contains("refresh-LEAK"), "{text}");
    }
    if let Some(logs) = logs {
        let text = logs.text();
        assert!(
            !text.contains("refresh-LEAK"),
            "a refresh token reached the logs"
        );
        assert!(!text.contains("ya29."), "an access token reached the logs");
    }
}
