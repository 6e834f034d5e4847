//! Fixtures of the CRM tests: vendor keys, agents, leads.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse};
use uuid::Uuid;

/// A new vendor of the default platform; answers its API key.
pub async fn vendor_key(app: &TestApp, admin: &str, name: &str) -> String {
    vendor_key_on(app, admin, name, "mr-mentor").await
}

/// A new vendor of `platform` (created by that platform's `admin`); answers its API key.
pub async fn vendor_key_on(app: &TestApp, admin: &str, name: &str, platform: &str) -> String {
    let res = app
        .req(Method::POST, "/api/admin/vendors")
        .bearer(admin)
        .platform(platform)
        .json(&json!({"name": name}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()["api_key"].as_str().unwrap().to_owned()
}

/// Pushes a lead with a vendor key.
pub async fn push(app: &TestApp, key: &str, body: &Value) -> TestResponse {
    app.req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", key)
        .json(body)
        .send()
        .await
}

/// A lead body for person `n` (a valid Indian mobile number and an email).
pub fn person(n: u32) -> Value {
    json!({
        "full_name": format!("Person {n}"),
        "phone": phone(n),
        "email": format!("person{n}@example.com"),
        "source": "facebook",
        "campaign": "dec-2026",
    })
}

/// Person `n`'s phone, as a vendor would type it.
pub fn phone(n: u32) -> String {
    format!("98{:08}", 10_000_000 + n)
}

/// A SALES user with agent settings; answers (id, token).
pub async fn agent(
    app: &TestApp,
    admin: &str,
    caps: &[Capability],
    capacity: i32,
    weight: i32,
    active: bool,
) -> (Uuid, String) {
    let (id, token) = app.user(Role::Sales, caps, "mr-mentor");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/admin/crm/agents/{id}"),
            admin,
            Some(json!({"active": active, "capacity": capacity, "weight": weight})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    (id, token)
}

/// The lead's detail as `token` sees it.
pub async fn detail(app: &TestApp, token: &str, id: &str) -> TestResponse {
    app.call(Method::GET, &format!("/api/sales/leads/{id}"), token, None)
        .await
}

/// Runs one SQL query returning a single bigint.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Marks WhatsApp template `name` (language `en`) approved on the default platform.
pub async fn approve_template(app: &TestApp, admin: &str, name: &str) {
    let res = app
        .call(
            Method::PUT,
            "/api/admin/crm/whatsapp-templates",
            admin,
            Some(json!({"name": name, "language": "en", "approved": true})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}
