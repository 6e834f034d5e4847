//! Every error path of the request pipeline answers problem+json with a stable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::json;
use testkit::{TcpProxy, TestOptions, spawn_app, spawn_app_with};

#[tokio::test]
async fn unknown_route_is_404_not_found() {
    let app = spawn_app().await;
    let body = app
        .get("/api/does-not-exist")
        .await
        .assert_problem(404, "not_found");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("/api/does-not-exist")
    );
    app.get("/totally/elsewhere")
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    let res = app.req(Method::DELETE, "/api/health").send().await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let res = app
        .req(Method::POST, "/api/system-config/SOME_KEY")
        .send()
        .await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, PUT"));
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let res = app
        .req(Method::PUT, "/api/system-config/SOME_KEY")
        .bearer(&app.admin_token())
        .body("{\"value\": tru", "application/json")
        .send()
        .await;
    res.assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let app = spawn_app().await;
    let res = app
        .req(Method::PUT, "/api/system-config/SOME_KEY")
        .bearer(&app.admin_token())
        .body("value=1", "application/x-www-form-urlencoded")
        .send()
        .await;
    res.assert_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn invalid_input_is_422_naming_each_field() {
    let app = spawn_app().await;
    let admin = app.superadmin_token();
    let res = app
        .req(Method::POST, "/api/admin/platforms")
        .bearer(&admin)
        .json(
            &json!({"slug": "Not A Slug", "name": "", "modules": ["mentorship", "teleportation"]}),
        )
        .send()
        .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["modules", "name", "slug"], "{body}");

    // a missing field and a field of the wrong type are named too
    let res = app
        .req(Method::POST, "/api/admin/platforms")
        .bearer(&admin)
        .json(&json!({"slug": "x"}))
        .send()
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "name"
    );
    let res = app
        .req(Method::PUT, "/api/system-config/SOME_KEY")
        .bearer(&app.admin_token())
        .json(&json!({"value": 1, "description": 5}))
        .send()
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "description"
    );
}

#[tokio::test]
async fn unique_violation_is_409_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.superadmin_token();
    let create = || {
        app.req(Method::POST, "/api/admin/platforms")
            .bearer(&admin)
            .json(&json!({"slug": "acme", "name": "Acme"}))
    };
    assert_eq!(create().send().await.status, 201);
    let body = create().send().await.assert_problem(409, "platform_exists");
    assert_eq!(body["errors"][0]["field"], "slug");
}

#[tokio::test]
async fn a_signed_in_body_over_1_mib_is_413() {
    let app = spawn_app().await;
    let big = format!(
        "{{\"value\": \"{}\"}}",
        "x".repeat(kernel::BODY_LIMIT_BYTES + 1)
    );
    let res = app
        .req(Method::PUT, "/api/system-config/SOME_KEY")
        .bearer(&app.admin_token())
        .body(big, "application/json")
        .send()
        .await;
    res.assert_problem(413, "payload_too_large");
}

#[tokio::test]
async fn missing_or_bad_credentials_are_401_and_wrong_role_403() {
    let app = spawn_app().await;
    app.get("/api/system-config")
        .await
        .assert_problem(401, "unauthorized");
    app.req(Method::GET, "/api/system-config")
        .bearer("not.a.jwt")
        .send()
        .await
        .assert_problem(401, "unauthorized");
    app.req(Method::GET, "/api/system-config")
        .bearer(&app.user_token())
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.req(Method::POST, "/api/admin/platforms")
        .bearer(&app.admin_token())
        .json(&json!({"slug": "acme", "name": "Acme"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn unexpected_failures_are_an_opaque_500() {
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let app = spawn_app_with(TestOptions {
        database_host_port: Some(proxy.host_port()),
        ..Default::default()
    })
    .await;
    let admin = app.admin_token();
    // warm the platform cache, then take the database away under a handler
    assert_eq!(
        app.req(Method::GET, "/api/system-config")
            .bearer(&admin)
            .send()
            .await
            .status,
        200
    );
    // a database outage is a 503 that says nothing about the cause
    proxy.cut();
    let res = app
        .req(Method::GET, "/api/system-config")
        .bearer(&admin)
        .send()
        .await;
    let body = res.assert_problem(503, "database_unavailable");
    let detail = body["detail"].as_str().unwrap().to_lowercase();
    for leak in ["sql", "postgres", "connection", "pool", "127.0.0.1"] {
        assert!(
            !detail.contains(leak),
            "503 detail leaks {leak:?}: {detail}"
        );
    }
    proxy.restore();
    // a statement failing for a reason nobody planned for (a table gone) is an opaque 500
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DROP TABLE platform_settings")
        .await
        .unwrap();
    // (the pool may still hand out a connection broken by the outage: wait past the 503s)
    let res = testkit::eventually(5, || async {
        let res = app
            .req(Method::GET, "/api/system-config")
            .bearer(&admin)
            .send()
            .await;
        (res.status != 503).then_some(res)
    })
    .await
    .expect("the database came back");
    let body = res.assert_problem(500, "internal_error");
    let detail = body["detail"].as_str().unwrap().to_lowercase();
    for leak in [
        "sql",
        "postgres",
        "relation",
        "platform_settings",
        "127.0.0.1",
    ] {
        assert!(
            !detail.contains(leak),
            "500 detail leaks {leak:?}: {detail}"
        );
    }
    assert!(!res.text.to_lowercase().contains("sqlx"));
}
