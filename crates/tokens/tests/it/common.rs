//! Shared fixtures of the tokens tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, client::TestResponse};
use uuid::Uuid;

/// A user of `platform` with `role`: (id, access token).
pub fn user(app: &TestApp, role: Role, platform: &str) -> (Uuid, String) {
    app.user(role, &[], platform)
}

/// An admin token of `platform`.
pub fn admin(app: &TestApp, platform: &str) -> String {
    user(app, Role::Admin, platform).1
}

/// Grants `amount` tokens to `user_id` on `platform` (asserts 201).
pub async fn grant(app: &TestApp, platform: &str, user_id: Uuid, amount: i64) -> Value {
    let res = app
        .req(Method::POST, "/api/admin/tokens/grant")
        .platform(platform)
        .bearer(&admin(app, platform))
        .json(&json!({"user_id": user_id, "amount": amount, "reason": "welcome bonus"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// The caller's balance.
pub async fn balance(app: &TestApp, platform: &str, token: &str) -> (i64, i64) {
    let b = app
        .req(Method::GET, "/api/tokens/balance")
        .platform(platform)
        .bearer(token)
        .send()
        .await
        .json();
    (
        b["available"].as_i64().unwrap(),
        b["held"].as_i64().unwrap(),
    )
}

/// Reconciles `platform` as its admin.
pub async fn reconcile(app: &TestApp, platform: &str) -> TestResponse {
    app.req(Method::GET, "/api/admin/tokens/reconcile")
        .platform(platform)
        .bearer(&admin(app, platform))
        .send()
        .await
}

/// The platform id of a slug.
pub async fn platform_id(app: &TestApp, slug: &str) -> Uuid {
    app.ctx
        .tenants
        .resolve(&app.ctx.db, Some(slug))
        .await
        .unwrap()
        .id
}
