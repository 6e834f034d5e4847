//! The S3 backend against a wiremock server standing in for S3/MinIO (no MinIO binary is
//! available here): which store the configuration selects, that uploads reach the bucket with
//! SigV4 and the content type, and that presigned URLs point at the endpoint and bind the
//! content type.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;

use common::{Part, binary, upload};
use kernel::config::Env;
use reqwest::Method;
use serde_json::json;
use storage::{BackendKind, Storage, StorageConfig};
use testkit::{TestOptions, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path_regex},
};

const BUCKET: &str = "media-bucket";
const KEY_ID: &str = "AKIDSTORAGETEST";

/// The store section the gateway would read from these variables, and `PUBLIC_BASE_URL`.
fn config(pairs: &[(&str, &str)]) -> (StorageConfig, String) {
    let env = Env::from_pairs(pairs);
    let base = kernel::Config::read(&env).unwrap();
    (
        StorageConfig::from_env(&env, &base).unwrap(),
        base.public_base_url,
    )
}

#[test]
fn the_configuration_selects_the_store() {
    let dir = std::env::temp_dir().join(format!("mas-storage-{}", uuid::Uuid::now_v7()));
    let nested = dir.join("a/b");
    let local = config(&[("STORAGE_DIR", nested.to_str().unwrap())]);
    let store = Storage::from_config(&local.0, &local.1).unwrap();
    assert_eq!(store.kind(), BackendKind::Local);
    assert!(nested.is_dir(), "STORAGE_DIR is created");
    assert!(
        !format!("{store:?}").contains(kernel::config::DEV_JWT_SECRET),
        "no secret in Debug"
    );

    let s3 = config(&[
        ("STORAGE_DIR", nested.to_str().unwrap()),
        ("AWS_S3_BUCKET", BUCKET),
        ("AWS_S3_ENDPOINT", "http://127.0.0.1:9000"),
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
    ]);
    let store = Storage::from_config(&s3.0, &s3.1).unwrap();
    assert_eq!(store.kind(), BackendKind::S3);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn s3_app(server: &MockServer) -> testkit::TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("AWS_S3_BUCKET", BUCKET)
            .env("AWS_S3_ENDPOINT", server.uri())
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", "test-secret-access-key"),
    )
    .await
}

fn query(url: &reqwest::Url) -> HashMap<String, String> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn uploads_go_to_the_bucket_with_sigv4_and_their_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path_regex(format!("^/{BUCKET}/mr-mentor/.+")))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"etag-1\""))
        .mount(&server)
        .await;
    let app = s3_app(&server).await;
    let token = app.user_token();
    let data = binary(700);
    let res = upload(
        &app,
        Some(&token),
        &[Part::file("scan.png", "image/png", data.clone())],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    let key = body["key"].as_str().unwrap();

    let requests = server.received_requests().await.unwrap();
    let put = requests
        .iter()
        .find(|r| r.method.as_str() == "PUT")
        .expect("a PUT reached the bucket");
    assert_eq!(put.url.path(), format!("/{BUCKET}/{key}"));
    assert_eq!(put.body, data);
    let header = |name: &str| put.headers.get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert!(
        header("authorization").starts_with(&format!("AWS4-HMAC-SHA256 Credential={KEY_ID}/")),
        "{}",
        header("authorization")
    );

    // the download URL is a presigned GET on the endpoint
    let url = reqwest::Url::parse(body["url"].as_str().unwrap()).unwrap();
    assert_eq!(
        url.origin(),
        reqwest::Url::parse(&server.uri()).unwrap().origin()
    );
    assert_eq!(url.path(), format!("/{BUCKET}/{key}"));
    let q = query(&url);
    assert!(q.contains_key("X-Amz-Signature"), "{url}");
    assert_eq!(q["X-Amz-Expires"], "900");
    assert!(
        q["X-Amz-Credential"].starts_with(&format!("{KEY_ID}/")),
        "{url}"
    );
}

#[tokio::test]
async fn presigned_puts_point_at_the_bucket_and_bind_the_content_type() {
    let server = MockServer::start().await;
    let app = s3_app(&server).await;
    let res = app
        .req(Method::POST, "/api/upload/presign")
        .bearer(&app.user_token())
        .json(&json!({"filename": "talk.mp4", "content_type": "video/mp4", "size": 123_456}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    let key = body["key"].as_str().unwrap();
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["headers"], json!({"Content-Type": "video/mp4"}));
    let url = reqwest::Url::parse(body["upload_url"].as_str().unwrap()).unwrap();
    assert_eq!(
        url.origin(),
        reqwest::Url::parse(&server.uri()).unwrap().origin()
    );
    assert_eq!(url.path(), format!("/{BUCKET}/{key}"));
    let q = query(&url);
    assert!(q.contains_key("X-Amz-Signature"), "{url}");
    let signed: Vec<&str> = q["X-Amz-SignedHeaders"].split(';').collect();
    assert!(signed.contains(&"content-type"), "{signed:?}");
    // signing needs no round trip to the store
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn signed_urls_come_from_the_bucket_and_local_routes_are_off() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .and(path_regex(format!(
            "^/{BUCKET}/mr-mentor/2026/01/present-a.png$"
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Last-Modified", "Tue, 06 Jan 2026 10:00:00 GMT")
                .insert_header("ETag", "\"etag-2\"")
                .insert_header("Content-Type", "image/png")
                .set_body_bytes(vec![0_u8; 64]),
        )
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path_regex(format!(
            "^/{BUCKET}/mr-mentor/2026/01/absent-a.png$"
        )))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let app = s3_app(&server).await;
    let token = app.user_token();
    let res = app
        .req(
            Method::GET,
            "/api/upload/url?key=mr-mentor/2026/01/present-a.png",
        )
        .bearer(&token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let url = reqwest::Url::parse(res.json()["url"].as_str().unwrap()).unwrap();
    assert_eq!(
        url.path(),
        format!("/{BUCKET}/mr-mentor/2026/01/present-a.png")
    );
    assert!(query(&url).contains_key("X-Amz-Signature"));

    app.req(
        Method::GET,
        "/api/upload/url?key=mr-mentor/2026/01/absent-a.png",
    )
    .bearer(&token)
    .send()
    .await
    .assert_problem(404, "not_found");

    app.get("/api/storage/mr-mentor/2026/01/present-a.png?expires=9999999999&sig=00")
        .await
        .assert_problem(404, "not_found");
}
