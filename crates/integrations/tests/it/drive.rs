//! The Google Drive connector against a wiremock Google: the PKCE connect flow (the token
//! endpoint checks the verifier against the consent URL's challenge), listing, importing
//! into storage (bytes, Google Docs exported, size limit), refreshing an expired access
//! token, disconnecting (revokes); the refresh token never in an answer, a log line or the
//! database in clear; other users and platforms cannot use a connection.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;
use testkit::{TestApp, spawn_app};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing},
};

use crate::drive_common::*;

const MM: &str = "mr-mentor";
const MAS: &str = "my-analytics-school";

async fn scalar<T: sea_orm::TryGetable>(app: &TestApp, sql: &str) -> T {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .expect("a row");
    row.try_get_by_index(0).unwrap()
}

async fn mock_list(google: &MockServer, access: &str) {
    Mock::given(method("GET"))
        .and(path("/drive/v3/files"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "files": [file("f1", "notes.pdf", "application/pdf", Some(11))],
            "nextPageToken": "page-2"
        })))
        .mount(google)
        .await;
}

async fn mock_file(google: &MockServer, meta: serde_json::Value, route: &str, bytes: Vec<u8>) {
    let id = meta["id"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path(format!("/drive/v3/files/{id}")))
        .and(query_param_is_missing("alt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta))
        .mount(google)
        .await;
    let bytes = ResponseTemplate::new(200).set_body_bytes(bytes);
    if route.ends_with("/export") {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(bytes)
            .mount(google)
            .await;
    } else {
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("alt", "media"))
            .respond_with(bytes)
            .mount(google)
            .await;
    }
}

#[tokio::test]
async fn connect_list_import_refresh_and_disconnect() {
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
        "http://localhost:8000/api/google-drive-connector/callback"
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
    app.get(&format!(
        "/api/google-drive-connector/callback?code=code-a&state={}",
        q["state"]
    ))
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

    // a binary file lands in storage with its bytes
    mock_file(
        &google,
        file("f1", "notes.pdf", "application/pdf", Some(11)),
        "/drive/v3/files/f1",
        b"%PDF-1.4 hi".to_vec(),
    )
    .await;
    let res = send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/f1/import",
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert!(
        body["key"]
            .as_str()
            .unwrap()
            .starts_with("mr-mentor/google-drive/"),
        "{body}"
    );
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["size"], 11);
    assert_eq!(body["drive_file_id"], "f1");
    let url = reqwest::Url::parse(body["url"].as_str().unwrap()).unwrap();
    let stored = app
        .http
        .get(format!(
            "{}{}?{}",
            app.address,
            url.path(),
            url.query().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(stored.bytes().await.unwrap().as_ref(), b"%PDF-1.4 hi");
    answers.push(res.text);

    // a Google Doc is exported to PDF
    mock_file(
        &google,
        file("doc1", "Plan", "application/vnd.google-apps.document", None),
        "/drive/v3/files/doc1/export",
        b"%PDF-1.7 doc".to_vec(),
    )
    .await;
    let res = send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/doc1/import",
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["name"], "Plan.pdf");
    assert_eq!(res.json()["content_type"], "application/pdf");
    let export = requests(&google, "GET", "/drive/v3/files/doc1/export").await;
    assert_eq!(
        query_of(export[0].url.as_str())["mimeType"],
        "application/pdf"
    );

    // too large (declared, and streamed past the limit), and not importable
    mock_file(
        &google,
        file("big", "big.pdf", "application/pdf", Some(5000)),
        "/drive/v3/files/big",
        vec![b'x'; 5000],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/big/import",
    )
    .await
    .assert_problem(413, "drive_file_too_large");
    mock_file(
        &google,
        file("big2", "big.txt", "text/plain", None),
        "/drive/v3/files/big2",
        vec![b'x'; 2000],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/big2/import",
    )
    .await
    .assert_problem(413, "drive_file_too_large");
    mock_file(
        &google,
        file("dir", "Folder", "application/vnd.google-apps.folder", None),
        "/drive/v3/files/dir",
        vec![],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/dir/import",
    )
    .await
    .assert_problem(422, "drive_file_not_importable");

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
        app.get(&format!(
            "/api/google-drive-connector/callback?{tail}&state={state}"
        ))
        .await
        .assert_problem(400, "invalid_oauth_code");
    }
    app.get("/api/google-drive-connector/callback?code=x")
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
