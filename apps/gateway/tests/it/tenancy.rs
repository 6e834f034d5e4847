//! `X-Platform` selects the tenant: absent -> default, unknown -> 400, and a token is only
//! valid on the platform it was issued for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

#[tokio::test]
async fn absent_header_selects_the_default_platform() {
    let app = spawn_app().await;
    let res = app.get("/api/platform").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["slug"], "mr-mentor");
}

#[tokio::test]
async fn each_seeded_slug_resolves_with_its_modules() {
    let app = spawn_app().await;
    for slug in ["mr-mentor", "my-analytics-school", "mr-hire"] {
        let res = app
            .req(Method::GET, "/api/platform")
            .platform(slug)
            .send()
            .await;
        assert_eq!(res.status, 200, "{slug}: {}", res.text);
        assert_eq!(res.json()["slug"], slug);
    }
    let hire = app
        .req(Method::GET, "/api/platform")
        .platform("mr-hire")
        .send()
        .await
        .json();
    let modules: Vec<&str> = hire["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        modules.contains(&"hire") && !modules.contains(&"mentorship"),
        "{modules:?}"
    );
}

#[tokio::test]
async fn unknown_platform_is_400() {
    let app = spawn_app().await;
    let body = app
        .req(Method::GET, "/api/platform")
        .platform("no-such-platform")
        .send()
        .await
        .assert_problem(400, "unknown_platform");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no-such-platform")
    );
}

#[tokio::test]
async fn health_does_not_need_a_platform() {
    let app = spawn_app().await;
    let res = app
        .req(Method::GET, "/api/health")
        .platform("no-such-platform")
        .send()
        .await;
    assert_eq!(res.status, 200);
}

#[tokio::test]
async fn a_token_of_platform_a_is_refused_on_platform_b() {
    let app = spawn_app().await;
    let token = app.token(Role::Admin, &[], "mr-hire");
    let ok = app
        .req(Method::GET, "/api/system-config")
        .platform("mr-hire")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    app.req(Method::GET, "/api/system-config")
        .platform("mr-mentor")
        .bearer(&token)
        .send()
        .await
        .assert_problem(403, "wrong_platform");
    // no header = the default platform, which is not mr-hire either
    app.req(Method::GET, "/api/system-config")
        .bearer(&token)
        .send()
        .await
        .assert_problem(403, "wrong_platform");
}

#[tokio::test]
async fn a_new_platform_is_served_right_after_creation_and_a_deactivated_one_is_not() {
    let app = spawn_app().await;
    let admin = app.superadmin_token();
    // warm the cache so the new slug is a miss that must trigger a reload
    assert_eq!(app.get("/api/platform").await.status, 200);
    let res = app
        .req(Method::POST, "/api/admin/platforms")
        .bearer(&admin)
        .json(&json!({"slug": "acme-academy", "name": "Acme Academy", "modules": ["lms"]}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .req(Method::GET, "/api/platform")
        .platform("acme-academy")
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["modules"], json!(["lms"]));

    let res = app
        .req(Method::PATCH, "/api/admin/platforms/acme-academy")
        .bearer(&admin)
        .json(&json!({"active": false}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.req(Method::GET, "/api/platform")
        .platform("acme-academy")
        .send()
        .await
        .assert_problem(400, "unknown_platform");
}
