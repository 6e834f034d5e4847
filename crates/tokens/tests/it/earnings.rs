//! Mentor earnings: a session's hold posted with the platform's commission, earnings by
//! period, payout requests and their approval, rejection and payment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{admin, balance, grant, platform_id, reconcile, user};
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use testkit::spawn_app;
use tokens::{
    earnings,
    ledger::holds::{self, NewHold},
};

const MM: &str = "mr-mentor";

#[tokio::test]
async fn a_completed_session_earns_and_a_payout_is_requested_approved_and_paid() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let (student, student_token) = user(&app, Role::User, MM);
    let (mentor, mentor_token) = user(&app, Role::Expert, MM);
    let admin = admin(&app, MM);
    grant(&app, MM, student, 50).await;

    let txn = app.db.begin().await.unwrap();
    let hold = holds::place(
        &txn,
        NewHold {
            platform_id: platform,
            user_id: student,
            amount: 30,
            reference: "booking:1",
            expires_at: None,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(balance(&app, MM, &student_token).await, (20, 30));

    // completion posts the hold once (20 % commission by default)
    for _ in 0..2 {
        let txn = app.db.begin().await.unwrap();
        earnings::post_session(&txn, hold.id, mentor).await.unwrap();
        txn.commit().await.unwrap();
    }
    assert_eq!(balance(&app, MM, &student_token).await, (20, 0));
    let get = |path: &'static str, token: String| {
        let app = &app;
        async move { app.req(Method::GET, path).bearer(&token).send().await }
    };
    let mine = get("/api/mentor-earnings/me", mentor_token.clone())
        .await
        .json();
    assert_eq!(mine["available"], 24);
    assert_eq!(mine["pending_payout"], 0);
    assert_eq!(mine["token_value_paise"], 1000);
    assert_eq!(mine["available_value_paise"], 24_000);
    let periods = get("/api/mentor-earnings/me/periods", mentor_token.clone())
        .await
        .json();
    assert_eq!(periods[0]["earned"], 24);
    assert_eq!(periods[0]["sessions"], 1);

    let request = |amount: i64| {
        app.req(Method::POST, "/api/mentor-earnings/payouts")
            .bearer(&mentor_token)
            .json(&json!({"amount": amount}))
            .send()
    };
    // below the minimum (100 by default)
    assert_eq!(
        request(20).await.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "amount"
    );
    let res = app
        .req(Method::PUT, "/api/system-config/MIN_PAYOUT_TOKENS")
        .bearer(&admin)
        .json(&json!({"value": 10}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        request(30).await.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "amount"
    );
    let payout = request(20).await;
    assert_eq!(payout.status, 201, "{}", payout.text);
    let id = payout.json()["id"].as_str().unwrap().to_owned();
    request(10).await.assert_problem(409, "payout_open");
    let mine = get("/api/mentor-earnings/me", mentor_token.clone())
        .await
        .json();
    assert_eq!(
        (mine["available"].as_i64(), mine["pending_payout"].as_i64()),
        (Some(4), Some(20))
    );

    // a user and a plain mentor cannot decide; finance can
    app.req(Method::POST, &format!("/api/admin/payouts/{id}/approve"))
        .bearer(&mentor_token)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let finance = app.token(Role::User, &[Capability::Finance], MM);
    let approved = app
        .req(Method::POST, &format!("/api/admin/payouts/{id}/approve"))
        .bearer(&finance)
        .send()
        .await;
    assert_eq!(approved.json()["status"], "approved", "{}", approved.text);
    let listed = app
        .req(Method::GET, "/api/admin/payouts?status=approved")
        .bearer(&finance)
        .send()
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let paid = |reference: &'static str| {
        app.req(Method::POST, &format!("/api/admin/payouts/{id}/mark-paid"))
            .bearer(&admin)
            .json(&json!({"reference": reference}))
            .send()
    };
    let first = paid("UTR123456").await;
    assert_eq!(first.json()["status"], "paid", "{}", first.text);
    assert_eq!(paid("UTR123456").await.json()["reference"], "UTR123456");
    app.req(Method::POST, &format!("/api/admin/payouts/{id}/reject"))
        .bearer(&admin)
        .json(&json!({"reason": "duplicate"}))
        .send()
        .await
        .assert_problem(409, "payout_settled");
    let mine = get("/api/mentor-earnings/me", mentor_token.clone())
        .await
        .json();
    assert_eq!(mine["available"], 4);
    assert_eq!(mine["pending_payout"], 0);
    assert_eq!(mine["paid"], 20);
    let report = reconcile(&app, MM).await.json();
    assert_eq!(report["ok"], true, "{report}");

    // a rejected request frees the way for a new one and keeps the tokens earned
    let res = app
        .req(Method::PUT, "/api/system-config/MIN_PAYOUT_TOKENS")
        .bearer(&admin)
        .json(&json!({"value": 1}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    let second = request(4).await.json();
    let rejected = app
        .req(
            Method::POST,
            &format!(
                "/api/admin/payouts/{}/reject",
                second["id"].as_str().unwrap()
            ),
        )
        .bearer(&admin)
        .json(&json!({"reason": "bank details missing"}))
        .send()
        .await;
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(
        get("/api/mentor-earnings/me", mentor_token.clone())
            .await
            .json()["available"],
        4
    );
    assert_eq!(request(4).await.status, 201);

    // every change went out as `payout.changed` (ids and figures: finance's outstanding
    // payouts and ledger), valued at TOKEN_VALUE_PAISE; repeating a decision published nothing
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT payload->>'status' AS status, (payload->>'value_paise')::bigint AS value,
                    payload::text AS body
               FROM outbox WHERE job_name = 'payout.changed' ORDER BY created_at, id"
                .to_owned(),
        ))
        .await
        .unwrap();
    let seen: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "status").unwrap(),
                r.try_get("", "value").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("requested".to_owned(), 20_000),
            ("approved".to_owned(), 20_000),
            ("paid".to_owned(), 20_000),
            ("requested".to_owned(), 4_000),
            ("rejected".to_owned(), 4_000),
            ("requested".to_owned(), 4_000),
        ]
    );
    for r in &rows {
        let body: String = r.try_get("", "body").unwrap();
        assert!(
            !body.contains("UTR123456") && !body.contains("bank details"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn earnings_are_for_mentors_and_payouts_stay_on_their_platform() {
    let app = spawn_app().await;
    let (_, student) = user(&app, Role::User, MM);
    app.req(Method::GET, "/api/mentor-earnings/me")
        .bearer(&student)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.req(Method::GET, "/api/admin/payouts")
        .bearer(&student)
        .send()
        .await
        .assert_problem(403, "forbidden");
    // an admin of another platform cannot touch a payout of this one
    let other_admin = admin(&app, "my-analytics-school");
    app.req(
        Method::POST,
        &format!("/api/admin/payouts/{}/approve", uuid::Uuid::now_v7()),
    )
    .platform("my-analytics-school")
    .bearer(&other_admin)
    .send()
    .await
    .assert_problem(404, "not_found");
}

/// Four eyes on payouts: a FINANCE user who is also a mentor cannot approve, pay or reject
/// their own payout (403 `own_payout`, nothing changes, no audit entry, no event); another
/// FINANCE user can.
#[tokio::test]
async fn finance_cannot_decide_their_own_payout() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let (student, _) = user(&app, Role::User, MM);
    let (mentor, mentor_token) = app.user(Role::Expert, &[Capability::Finance], MM);
    let admin = admin(&app, MM);
    grant(&app, MM, student, 50).await;
    let txn = app.db.begin().await.unwrap();
    let hold = holds::place(
        &txn,
        NewHold {
            platform_id: platform,
            user_id: student,
            amount: 30,
            reference: "booking:own",
            expires_at: None,
        },
    )
    .await
    .unwrap();
    earnings::post_session(&txn, hold.id, mentor).await.unwrap();
    txn.commit().await.unwrap();
    let res = app
        .req(Method::PUT, "/api/system-config/MIN_PAYOUT_TOKENS")
        .bearer(&admin)
        .json(&json!({"value": 1}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    let payout = app
        .req(Method::POST, "/api/mentor-earnings/payouts")
        .bearer(&mentor_token)
        .json(&json!({"amount": 10}))
        .send()
        .await;
    assert_eq!(payout.status, 201, "{}", payout.text);
    let id = payout.json()["id"].as_str().unwrap().to_owned();
    for (action, body) in [
        ("approve", json!({})),
        ("mark-paid", json!({"reference": "UTR-SELF"})),
        ("reject", json!({"reason": "changed my mind"})),
    ] {
        app.req(Method::POST, &format!("/api/admin/payouts/{id}/{action}"))
            .bearer(&mentor_token)
            .json(&body)
            .send()
            .await
            .assert_problem(403, "own_payout");
    }
    let audited = |action: &'static str| {
        let app = &app;
        async move {
            app.db
                .query_one_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    "SELECT count(*) FROM audit_log WHERE action = $1",
                    [action.into()],
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap()
        }
    };
    assert_eq!(audited("payout.approved").await, 0);
    assert_eq!(audited("payout.paid").await, 0);
    let other = app.token(Role::User, &[Capability::Finance], MM);
    let approved = app
        .req(Method::POST, &format!("/api/admin/payouts/{id}/approve"))
        .bearer(&other)
        .send()
        .await;
    assert_eq!(approved.json()["status"], "approved", "{}", approved.text);
    assert_eq!(audited("payout.approved").await, 1);
}
