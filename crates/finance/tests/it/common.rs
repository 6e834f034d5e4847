//! Fixtures of the finance tests: captured-payment events, the tenant, invoice reads.
#![allow(dead_code)]

use std::sync::Arc;

use integrations::payments::events::PaymentCaptured;
use kernel::{Tenant, auth::Role};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::Value;
use testkit::TestApp;
use uuid::Uuid;

/// The resolved platform `slug` of the app.
pub async fn tenant(app: &TestApp, slug: &str) -> Arc<Tenant> {
    app.ctx.tenants.resolve(&app.db, Some(slug)).await.unwrap()
}

/// A new USER of `platform` who saved `profile` as their billing profile: their id, their
/// token and the saved profile as the route answered it.
pub async fn buyer_with_profile(
    app: &TestApp,
    platform: &str,
    profile: Value,
) -> (Uuid, String, Value) {
    let (buyer, token) = app.user(Role::User, &[], platform);
    let res = app
        .call(
            Method::PUT,
            "/api/finance/billing-profile",
            &token,
            Some(profile),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let saved = res.json();
    (buyer, token, saved)
}

/// A `payment.captured` of a fresh order of `user_id` on `tenant`.
pub fn captured(
    tenant: &Tenant,
    user_id: Uuid,
    amount_paise: i64,
    inclusive: bool,
) -> PaymentCaptured {
    PaymentCaptured {
        order_id: Uuid::now_v7(),
        user_id,
        platform_id: tenant.id,
        amount_paise,
        currency: "INR".into(),
        item: "course_enrollment".into(),
        item_id: Uuid::now_v7(),
        description: "Data Analytics course".into(),
        gst_inclusive: inclusive,
        tokens: None,
        razorpay_payment_id: format!("pay_{}", Uuid::now_v7().simple()),
        captured_at: None,
    }
}

/// One number from SQL.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Every `(seq, number)` of the invoices, by seq.
pub async fn numbers(app: &TestApp) -> Vec<(i64, String)> {
    app.db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT seq, number FROM invoices ORDER BY seq".to_owned(),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get("", "seq").unwrap(),
                r.try_get("", "number").unwrap(),
            )
        })
        .collect()
}

/// GETs `path` with `token` and checks that the answer is a workbook: 200, the XLSX media
/// type, a ZIP archive's first bytes.
pub async fn workbook(app: &TestApp, path: &str, token: &str) {
    let (status, content_type, body) = crate::pdf::get_bytes(app, path, token).await;
    assert_eq!(status, 200, "{path}");
    assert_eq!(
        content_type.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "{path}"
    );
    assert!(body.starts_with(b"PK"), "{path}");
}
