//! Recordings through HTTP: presigned upload into the local store, confirmation, listing with
//! signed playback URLs, and who may do it (participants and admins; others and other
//! platforms 404).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

/// The path and query of a local signed URL (the app's own `/api/storage/...`).
fn local_path(url: &str) -> String {
    url[url.find("/api/storage/").unwrap()..].to_owned()
}

#[tokio::test]
async fn participants_upload_confirm_and_play_back_recordings() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(2), 30).await;
    let meeting = book(&app, &student, &s).await["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/meetings/{meeting}/recordings");
    let data = vec![7u8; 1_000];

    let started = app
        .call(
            Method::POST,
            &path,
            &student,
            Some(
                json!({"filename": "Session 1.webm", "content_type": "video/webm", "size": 1_000}),
            ),
        )
        .await;
    assert_eq!(started.status, 201, "{}", started.text);
    let body = started.json();
    let rid = body["recording"]["id"].as_str().unwrap().to_owned();
    assert_eq!(body["recording"]["status"], "pending");
    assert!(
        body["recording"]["key"]
            .as_str()
            .unwrap()
            .starts_with("mr-mentor/recordings/"),
        "{body}"
    );
    assert_eq!(body["upload"]["method"], "PUT");
    let complete = format!("{path}/{rid}/complete");

    // nothing uploaded yet
    app.call(Method::POST, &complete, &student, None)
        .await
        .assert_problem(409, "upload_missing");
    let put = app
        .req(
            Method::PUT,
            &local_path(body["upload"]["url"].as_str().unwrap()),
        )
        .body(data.clone(), "video/webm")
        .send()
        .await;
    assert!(put.status < 300, "{} {}", put.status, put.text);
    let done = app.call(Method::POST, &complete, &student, None).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json()["status"], "uploaded");
    // confirming again changes nothing
    let again = app.call(Method::POST, &complete, &mentor, None).await;
    assert_eq!(again.json()["uploaded_at"], done.json()["uploaded_at"]);

    // a second, never uploaded recording by the mentor stays pending, without a URL
    let pending = app
        .call(
            Method::POST,
            &path,
            &mentor,
            Some(json!({"filename": "audio.mp3", "content_type": "audio/mpeg", "size": 10})),
        )
        .await;
    assert_eq!(pending.status, 201, "{}", pending.text);

    let admin = app.admin_token();
    for who in [&mentor, &student, &admin] {
        let list = app.call(Method::GET, &path, who, None).await;
        assert_eq!(list.status, 200, "{}", list.text);
        let items = list.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["status"], "uploaded");
        assert!(items[1]["playback_url"].is_null());
        let playback = app
            .req(
                Method::GET,
                &local_path(items[0]["playback_url"].as_str().unwrap()),
            )
            .send()
            .await;
        assert_eq!(playback.status, 200);
        assert_eq!(playback.text.as_bytes(), data.as_slice());
    }
}

#[tokio::test]
async fn outsiders_and_other_platforms_see_no_recordings_and_input_is_validated() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, student) = student(&app, 10).await;
    let s = slot(&app, &mentor, Utc::now() + Duration::hours(2), 30).await;
    let meeting = book(&app, &student, &s).await["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/meetings/{meeting}/recordings");
    let ok = json!({"filename": "s.webm", "content_type": "video/webm", "size": 5});
    let started = app
        .call(Method::POST, &path, &student, Some(ok.clone()))
        .await;
    let rid = started.json()["recording"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_, outsider) = user(&app, Role::User);
    app.call(Method::GET, &path, &outsider, None)
        .await
        .assert_problem(404, "not_found");
    app.call(Method::POST, &path, &outsider, Some(ok.clone()))
        .await
        .assert_problem(404, "not_found");
    app.call(
        Method::POST,
        &format!("{path}/{rid}/complete"),
        &outsider,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(app.get(&path).await.status, 401);

    // an admin of another platform: the meeting does not exist there
    let other = app.token(Role::Admin, &[], "my-analytics-school");
    let res = app
        .req(Method::GET, &path)
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(res.status, 404, "{}", res.text);

    for (body, field) in [
        (
            json!({"filename": "a.pdf", "content_type": "application/pdf", "size": 5}),
            "content_type",
        ),
        (
            json!({"filename": "a.webm", "content_type": "video/webm", "size": 0}),
            "size",
        ),
        (
            json!({"filename": "a.webm", "content_type": "video/webm", "size": 1_000_000_000u64}),
            "size",
        ),
        (
            json!({"filename": "", "content_type": "video/webm", "size": 5}),
            "filename",
        ),
    ] {
        let res = app.call(Method::POST, &path, &student, Some(body)).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
}
