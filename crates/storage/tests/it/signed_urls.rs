//! Presigned uploads and signed downloads of the local store: the signature is the
//! credential, so tampering, expiry, other platforms' keys and traversal are all refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Duration, Utc};
use common::{Part, binary, fetch, local_path, raw, upload};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use storage::{ObjectKey, Storage};
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};

async fn presign(app: &TestApp, token: &str, body: Value) -> testkit::TestResponse {
    app.req(Method::POST, "/api/upload/presign")
        .bearer(token)
        .json(&body)
        .send()
        .await
}

async fn uploaded_key(app: &TestApp) -> (String, String) {
    let res = upload(
        app,
        Some(&app.user_token()),
        &[Part::file("a.png", "image/png", binary(256))],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    (
        body["key"].as_str().unwrap().to_owned(),
        body["url"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_presigned_put_stores_what_a_signed_get_returns() {
    let app = spawn_app().await;
    let token = app.user_token();
    let data = binary(3_000);
    let res = presign(
        &app,
        &token,
        json!({"filename": "Notes.PDF", "content_type": "application/pdf", "size": 3_000, "folder": "notes"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    let key = body["key"].as_str().unwrap();
    assert!(key.starts_with("mr-mentor/notes/"), "{key}");
    assert!(key.ends_with("-notes.pdf"), "{key}");
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["headers"], json!({"Content-Type": "application/pdf"}));
    assert!(body["expires_at"].is_string());
    let put_path = local_path(body["upload_url"].as_str().unwrap());

    // the signature binds the content type and the length
    let wrong_type = raw(
        &app,
        Method::PUT,
        &put_path,
        &[("content-type", "image/png")],
        Some(data.clone()),
    )
    .await;
    assert_eq!(wrong_type.status, 403);
    assert_eq!(wrong_type.json()["code"], "invalid_url_signature");
    let wrong_size = raw(
        &app,
        Method::PUT,
        &put_path,
        &[("content-type", "application/pdf")],
        Some(binary(3_001)),
    )
    .await;
    assert_eq!(wrong_size.json()["code"], "invalid_url_signature");
    // nothing was stored by the refused attempts
    app.req(Method::GET, &format!("/api/upload/url?key={key}"))
        .bearer(&token)
        .send()
        .await
        .assert_problem(404, "not_found");

    let put = raw(
        &app,
        Method::PUT,
        &put_path,
        &[("content-type", "application/pdf")],
        Some(data.clone()),
    )
    .await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.bytes));
    assert_eq!(put.json()["size"], 3_000);

    let url = app
        .req(Method::GET, &format!("/api/upload/url?key={key}"))
        .bearer(&token)
        .send()
        .await;
    assert_eq!(url.status, 200, "{}", url.text);
    let got = fetch(&app, url.json()["url"].as_str().unwrap()).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.bytes, data);
    assert_eq!(got.header("content-type"), Some("application/pdf"));
}

#[tokio::test]
async fn presign_requests_are_validated() {
    let app = spawn_app_with(TestOptions::default().env("UPLOAD_MAX_BYTES", "1000")).await;
    let token = app.user_token();
    let res = presign(
        &app,
        &token,
        json!({"filename": "", "content_type": "text/html", "size": 0, "folder": "../x"}),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["content_type", "filename", "folder", "size"],
        "{problem}"
    );

    let res = presign(
        &app,
        &token,
        json!({"filename": "big.mp4", "content_type": "video/mp4", "size": 1001}),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "size");

    let res = presign(
        &app,
        &token,
        json!({"filename": "a.png", "content_type": "image/png"}),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "size");
}

#[tokio::test]
async fn a_tampered_signature_is_403() {
    let app = spawn_app().await;
    let (key, url) = uploaded_key(&app).await;
    let path = local_path(&url);
    assert_eq!(fetch(&app, &url).await.status, 200);

    let (base, sig) = path.split_once("&sig=").unwrap();
    let flipped: String = sig
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == 'a' { 'b' } else { 'a' }
            } else {
                c
            }
        })
        .collect();
    for tampered in [
        format!("{base}&sig={flipped}"),
        base.to_owned(),
        format!("{base}&sig=not-hex"),
        // another expiry with the same signature
        path.replacen("expires=", "expires=9", 1),
        // another key with the same signature
        path.replacen(&key, &key.replace("a.png", "b.png"), 1),
    ] {
        app.get(&tampered)
            .await
            .assert_problem(403, "invalid_url_signature");
    }
    // a download URL cannot be used to upload
    let put = raw(
        &app,
        Method::PUT,
        &path,
        &[("content-type", "image/png")],
        Some(binary(256)),
    )
    .await;
    assert_eq!(put.status, 403);
    assert_eq!(put.json()["code"], "invalid_url_signature");
}

#[tokio::test]
async fn an_expired_url_is_refused() {
    let app = spawn_app().await;
    let (key, _) = uploaded_key(&app).await;
    // a URL signed with the app's own secret, but an hour in the past
    let store =
        Storage::from_config(&app.config.storage, &app.config.kernel.public_base_url).unwrap();
    let key = ObjectKey::parse(&key).unwrap();
    let expired = store
        .local_url("GET", &key, Utc::now() - Duration::hours(1), None, None)
        .unwrap();
    app.get(&local_path(&expired))
        .await
        .assert_problem(403, "url_expired");
    let fresh = store
        .local_url("GET", &key, Utc::now() + Duration::minutes(1), None, None)
        .unwrap();
    assert_eq!(fetch(&app, &fresh).await.status, 200);
}

#[tokio::test]
async fn urls_expire_after_the_configured_ttl() {
    let app = spawn_app_with(TestOptions::default().env("SIGNED_URL_TTL_SECS", "1")).await;
    let (_, url) = uploaded_key(&app).await;
    assert_eq!(fetch(&app, &url).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    app.get(&local_path(&url))
        .await
        .assert_problem(403, "url_expired");
}

#[tokio::test]
async fn a_key_of_another_platform_is_404() {
    let app = spawn_app().await;
    let (key, _) = uploaded_key(&app).await;
    assert!(key.starts_with("mr-mentor/"));
    let other = app.token(Role::User, &[], "my-analytics-school");
    app.req(Method::GET, &format!("/api/upload/url?key={key}"))
        .bearer(&other)
        .platform("my-analytics-school")
        .send()
        .await
        .assert_problem(404, "not_found");
    // the owner still gets it, and a made-up key of the own platform is 404 too
    let own = app.user_token();
    let res = app
        .req(Method::GET, &format!("/api/upload/url?key={key}"))
        .bearer(&own)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.req(
        Method::GET,
        "/api/upload/url?key=mr-mentor/2026/01/nothing-here.png",
    )
    .bearer(&own)
    .send()
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn traversal_keys_are_rejected() {
    let app = spawn_app().await;
    let token = app.user_token();
    for key in [
        "mr-mentor/..%2Fmy-analytics-school%2Fx.png",
        "mr-mentor/%2E%2E/my-analytics-school/x.png",
        "mr-mentor/.hidden",
        "%2Fetc%2Fpasswd",
        "mr-mentor",
    ] {
        let res = app
            .req(Method::GET, &format!("/api/upload/url?key={key}"))
            .bearer(&token)
            .send()
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "key", "{key}: {problem}");
    }
    app.req(Method::GET, "/api/upload/url")
        .bearer(&token)
        .send()
        .await
        .assert_problem(422, "validation_failed");

    // the public routes refuse them before looking at the signature
    let store =
        Storage::from_config(&app.config.storage, &app.config.kernel.public_base_url).unwrap();
    let (key, _) = uploaded_key(&app).await;
    let url = store
        .local_url(
            "GET",
            &ObjectKey::parse(&key).unwrap(),
            Utc::now() + Duration::minutes(1),
            None,
            None,
        )
        .unwrap();
    let query = url.split_once('?').unwrap().1;
    for path in [
        format!("/api/storage/mr-mentor/%2E%2E/_meta/{key}.json?{query}"),
        format!("/api/storage/_meta/{key}.json?{query}"),
        format!("/api/storage/mr-mentor/%2E%2E%2F%2E%2E%2Fetc/passwd?{query}"),
    ] {
        let res = app.get(&path).await;
        assert!(
            res.status == 422 || res.status == 403,
            "{path}: {} {}",
            res.status,
            res.text
        );
        assert_ne!(res.status, 200);
    }
}
