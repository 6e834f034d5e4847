//! The Google Drive tests' helpers: the app pointed at a wiremock Google (OAuth + Drive), a
//! token endpoint that checks the PKCE verifier against the challenge of the consent URL,
//! and the whole connect flow.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};
use wiremock::{
    Match, Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing},
};

pub const SCOPE: &str = "https://www.googleapis.com/auth/drive.readonly";
/// A recognisable refresh token: it must never come back in an answer or a log line.
pub const REFRESH: &str = "1//refresh-LEAK-drive-canary";

pub async fn drive_app(google: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("GOOGLE_CLIENT_ID", "client-123.apps.googleusercontent.com")
            .env("GOOGLE_CLIENT_SECRET", "shh-secret")
            .env(
                "GOOGLE_AUTH_URL",
                format!("{}/o/oauth2/v2/auth", google.uri()),
            )
            .env("GOOGLE_TOKEN_URL", format!("{}/token", google.uri()))
            .env("GOOGLE_REVOKE_URL", format!("{}/revoke", google.uri()))
            .env(
                "GOOGLE_DRIVE_API_BASE_URL",
                format!("{}/drive/v3", google.uri()),
            )
            .env("GOOGLE_DRIVE_IMPORT_MAX_BYTES", "1000"),
    )
    .await
}

pub fn query_of(url: &str) -> HashMap<String, String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn form_of(req: &Request) -> HashMap<String, String> {
    query_of(&format!("http://x/?{}", String::from_utf8_lossy(&req.body)))
}

/// Matches a code exchange whose `code_verifier` hashes to one of the challenges seen in
/// consent URLs (the test registers each challenge before the callback).
#[derive(Clone, Default)]
pub struct Pkce(pub Arc<Mutex<Vec<String>>>);

impl Match for Pkce {
    fn matches(&self, req: &Request) -> bool {
        let form = form_of(req);
        let Some(verifier) = form.get("code_verifier") else {
            return false;
        };
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        self.0.lock().unwrap().contains(&challenge)
    }
}

/// Google's token endpoint: the code `code-<tag>` (with a verifier matching a recorded
/// challenge) grants [`REFRESH`]-`<tag>` and the access token `ya29.first-<tag>`; the refresh
/// grant answers `ya29.fresh-<tag>`.
pub async fn mock_tokens(google: &MockServer, pkce: &Pkce, tag: &str) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("code=code-{tag}")))
        .and(pkce.clone())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("ya29.first-{tag}"), "expires_in": 3599,
            "refresh_token": format!("{REFRESH}-{tag}"), "scope": SCOPE, "token_type": "Bearer"
        })))
        .mount(google)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(|req: &Request| {
            let form = form_of(req);
            let tag = form["refresh_token"].rsplit('-').next().unwrap().to_owned();
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("ya29.fresh-{tag}"), "expires_in": 3599, "token_type": "Bearer"
            }))
        })
        .mount(google)
        .await;
}

/// Connects `token`'s user through the whole flow; returns the consent URL's query.
pub async fn connect(
    app: &TestApp,
    google: &MockServer,
    pkce: &Pkce,
    token: &str,
    tag: &str,
) -> HashMap<String, String> {
    mock_tokens(google, pkce, tag).await;
    let res = send(
        app,
        token,
        Method::POST,
        "/api/google-drive-connector/connect",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let q = query_of(res.json()["authorization_url"].as_str().unwrap());
    pkce.0.lock().unwrap().push(q["code_challenge"].clone());
    let cb = send(
        app,
        token,
        Method::GET,
        &format!(
            "/api/google-drive-connector/callback?code=code-{tag}&state={}",
            q["state"]
        ),
    )
    .await;
    assert_eq!(cb.status, 200, "{}", cb.text);
    assert_eq!(cb.json()["connected"], true);
    q
}

pub async fn send(app: &TestApp, token: &str, verb: Method, route: &str) -> TestResponse {
    app.req(verb, route).bearer(token).send().await
}

/// Requests the mock received at `path` with `verb`.
pub async fn requests(google: &MockServer, verb: &str, route: &str) -> Vec<Request> {
    google
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == route)
        .collect()
}

/// The bearer token a request carried.
pub fn bearer(req: &Request) -> String {
    req.headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// A Drive file as the API lists it.
pub fn file(id: &str, name: &str, mime: &str, size: Option<u64>) -> Value {
    let mut f =
        json!({"id": id, "name": name, "mimeType": mime, "modifiedTime": "2026-11-30T10:00:00Z"});
    if let Some(size) = size {
        f["size"] = json!(size.to_string());
    }
    f
}

pub const MM: &str = "mr-mentor";
pub const MAS: &str = "my-analytics-school";

pub async fn scalar<T: sea_orm::TryGetable>(app: &TestApp, sql: &str) -> T {
    use sea_orm::ConnectionTrait;
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

pub async fn mock_list(google: &MockServer, access: &str) {
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

pub async fn mock_file(google: &MockServer, meta: serde_json::Value, route: &str, bytes: Vec<u8>) {
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
