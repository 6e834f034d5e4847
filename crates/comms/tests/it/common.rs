//! Shared test helpers: tokens, leads of the CRM (through its HTTP API), consuming the app's
//! queues with this crate's handlers, polling, counting rows.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jobs::{
    Registry,
    runner::{Background, Mode},
};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestApp;

/// A SALES token on `platform`.
pub fn sales_token(app: &TestApp, platform: &str) -> String {
    app.token(Role::Sales, &[], platform)
}

/// A lead of the default platform with `phone`, pushed through the CRM's vendor API, then
/// `preferences` (`{"dnd": .., "whatsapp_consent": ..}`) set on it by an admin from the
/// sales desk; answers its id.
pub async fn lead(app: &TestApp, phone: &str, preferences: Value) -> String {
    let admin = app.admin_token();
    let vendor = app
        .call(
            Method::POST,
            "/api/admin/vendors",
            &admin,
            Some(json!({"name": format!("vendor-{}", uuid::Uuid::now_v7())})),
        )
        .await;
    assert_eq!(vendor.status, 201, "{}", vendor.text);
    let key = vendor.json()["api_key"].as_str().unwrap().to_owned();
    let pushed = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", &key)
        .json(&json!({"full_name": "Asha Rao", "phone": phone, "source": "facebook"}))
        .send()
        .await;
    assert_eq!(pushed.status, 201, "{}", pushed.text);
    let id = pushed.json()["id"].as_str().unwrap().to_owned();
    let set = app
        .call(
            Method::PUT,
            &format!("/api/sales/leads/{id}/preferences"),
            &admin,
            Some(preferences.clone()),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    for (key, value) in preferences.as_object().unwrap() {
        assert_eq!(&set.json()["lead"][key], value, "{}", set.text);
    }
    id
}

/// Runs one SQL query returning a single bigint.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    app.db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Starts workers for this crate's queues on the app's own BullMQ prefix.
pub async fn consume(app: &TestApp) -> Background {
    let comms = comms::Comms::new(&app.ctx, &app.jobs, app.config.comms.clone()).unwrap();
    let mut registry = Registry::new();
    comms::workers(&mut registry, &comms);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

pub use testkit::eventually;
