//! `POST /api/upload` through HTTP against the local store: round trip, limits, media types,
//! form errors, authentication.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Datelike, Utc};
use common::{Part, binary, fetch, upload};
use reqwest::Method;
use testkit::{TestOptions, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_upload_round_trips_through_its_signed_url() {
    let app = spawn_app().await;
    let token = app.user_token();
    let data = binary(5_000);
    let res = upload(
        &app,
        Some(&token),
        &[
            Part::text("folder", "avatars"),
            Part::file("My Photo (1).PNG", "image/png", data.clone()),
        ],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    let key = body["key"].as_str().unwrap();
    let now = Utc::now();
    let prefix = format!("mr-mentor/avatars/{:04}/{:02}/", now.year(), now.month());
    assert!(key.starts_with(&prefix), "{key}");
    assert!(key.ends_with("-my-photo-1.png"), "{key}");
    assert_eq!(body["size"], 5_000);
    assert_eq!(body["content_type"], "image/png");
    let url = body["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/api/storage/{key}?expires=",
            app.config.kernel.public_base_url
        )),
        "{url}"
    );
    assert!(url.contains("&sig="), "{url}");

    // the signed URL needs no login and returns the same bytes and type
    let got = fetch(&app, url).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.bytes, data);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(
        got.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert!(got.header("cache-control").unwrap().contains("private"));

    // and a fresh URL can be asked for later
    let again = app
        .req(Method::GET, &format!("/api/upload/url?key={key}"))
        .bearer(&token)
        .send()
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert!(again.json()["expires_at"].is_string());
    let got = fetch(&app, again.json()["url"].as_str().unwrap()).await;
    assert_eq!(got.bytes, data);
}

#[tokio::test]
async fn a_file_over_the_limit_is_413_naming_file() {
    let app = spawn_app_with(TestOptions::default().env("UPLOAD_MAX_BYTES", "1024")).await;
    let token = app.user_token();
    let res = upload(
        &app,
        Some(&token),
        &[Part::file("big.pdf", "application/pdf", binary(4_096))],
    )
    .await;
    let problem = res.assert_problem(413, "payload_too_large");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");

    // a body far over the limit is refused from its Content-Length alone
    let res = upload(
        &app,
        Some(&token),
        &[Part::file("huge.pdf", "application/pdf", binary(200_000))],
    )
    .await;
    let problem = res.assert_problem(413, "payload_too_large");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");

    // exactly at the limit is fine
    let res = upload(
        &app,
        Some(&token),
        &[Part::file("ok.pdf", "application/pdf", binary(1_024))],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

#[tokio::test]
async fn a_refused_media_type_is_415_naming_file() {
    let app = spawn_app().await;
    let token = app.user_token();
    for content_type in ["text/html", "image/svg+xml", "application/x-msdownload"] {
        let res = upload(
            &app,
            Some(&token),
            &[Part::file(
                "x.bin",
                content_type,
                b"<script>alert(1)</script>".to_vec(),
            )],
        )
        .await;
        let problem = res.assert_problem(415, "unsupported_media_type");
        assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    }
}

#[tokio::test]
async fn form_errors_are_422_naming_the_field() {
    let app = spawn_app().await;
    let token = app.user_token();
    let res = upload(&app, Some(&token), &[Part::text("folder", "avatars")]).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");

    let res = upload(
        &app,
        Some(&token),
        &[
            Part::text("folder", "../../etc"),
            Part::file("a.png", "image/png", binary(64)),
        ],
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "folder", "{problem}");

    let res = upload(
        &app,
        Some(&token),
        &[Part::file("empty.png", "image/png", Vec::new())],
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");

    // not a form at all
    app.req(Method::POST, "/api/upload")
        .bearer(&token)
        .json(&serde_json::json!({"file": "x"}))
        .send()
        .await
        .assert_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn anonymous_callers_are_401() {
    let app = spawn_app().await;
    upload(&app, None, &[Part::file("a.png", "image/png", binary(64))])
        .await
        .assert_problem(401, "unauthorized");
    app.req(Method::POST, "/api/upload/presign")
        .json(&serde_json::json!({"filename": "a.png", "content_type": "image/png", "size": 1}))
        .send()
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/upload/url?key=mr-mentor/2026/01/x-a.png")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_filename_cannot_steer_the_key() {
    let app = spawn_app().await;
    let token = app.user_token();
    let res = upload(
        &app,
        Some(&token),
        &[Part::file(
            "../../mr-hire/evil.png",
            "image/png",
            binary(64),
        )],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let key = res.json()["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("mr-mentor/"), "{key}");
    assert!(key.ends_with("-evil.png"), "{key}");
    assert!(!key.contains(".."), "{key}");
}
