//! Mr. Mentor's journey end to end through HTTP and the official `socket.io-client` v4
//! (npm) with its default options: tokens granted, a mentor applied and approved, a slot
//! booked, both sides in the meeting room exchanging offer/answer/ICE by socket id, chat,
//! audio toggle, recording, the meeting ended, the session completed, the mentor's earnings
//! credited and paid out, and the ledger reconciled. Also: a non-participant is refused, a
//! bad token gets `connect_error` "unauthorized", polling-only and websocket-only clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{GRANT, PRICE, assert_meeting, booked_meeting, config, run_meeting, step};
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use testkit::{TestApp, spawn_app};

async fn meeting_log(app: &TestApp, meeting: &str) -> Vec<String> {
    app.db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT kind FROM meeting_logs WHERE meeting_id = '{meeting}' ORDER BY created_at, kind"
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "kind").unwrap())
        .collect()
}

#[tokio::test]
async fn the_mentorship_journey_through_http_and_socket_io() {
    let app = spawn_app().await;
    let b = booked_meeting(&app).await;
    let outsider = app.token(Role::User, &[], "mr-mentor");

    let t = run_meeting(config(&app, &b, Some(&outsider))).await;
    let bad = step(&t, "bad_token");
    assert!(
        bad["error"].as_str().unwrap().ends_with("unauthorized"),
        "{bad}"
    );
    for name in ["outsider_join", "outsider_offer"] {
        let refused = step(&t, name);
        assert_eq!(refused["ok"], false, "{refused}");
        assert_eq!(refused["code"], "forbidden", "{refused}");
    }
    assert_meeting(&t, &b);

    // the meeting log was written through Mr. Mentor as it happened
    let log = meeting_log(&app, &b.meeting_id).await;
    for kind in [
        "joined",
        "started",
        "chat",
        "recording_started",
        "recording_stopped",
        "ended",
    ] {
        assert!(log.iter().any(|k| k == kind), "no {kind} in {log:?}");
    }
    assert_eq!(log.iter().filter(|k| *k == "joined").count(), 2, "{log:?}");
    let meeting = app
        .call(
            Method::GET,
            &format!("/api/meetings/{}", b.meeting_id),
            &b.student.1,
            None,
        )
        .await
        .json();
    assert_eq!(meeting["status"], "ended", "{meeting}");

    // the mentor marks the session held: the hold goes to earnings and commission
    let done = app
        .call(
            Method::POST,
            &format!("/api/meetings/{}/complete", b.meeting_id),
            &b.mentor.1,
            None,
        )
        .await;
    assert_eq!(done.json()["status"], "completed", "{}", done.text);
    let balance = app
        .call(Method::GET, "/api/tokens/balance", &b.student.1, None)
        .await
        .json();
    assert_eq!(
        (balance["available"].as_i64(), balance["held"].as_i64()),
        (Some(GRANT - PRICE), Some(0))
    );
    let earned = PRICE * 80 / 100; // MENTOR_COMMISSION_PERCENT defaults to 20
    let mine = app
        .call(Method::GET, "/api/mentor-earnings/me", &b.mentor.1, None)
        .await
        .json();
    assert_eq!(mine["available"], earned, "{mine}");

    // payout requested, approved and marked paid
    let payout = app
        .call(
            Method::POST,
            "/api/mentor-earnings/payouts",
            &b.mentor.1,
            Some(json!({"amount": earned})),
        )
        .await;
    assert_eq!(payout.status, 201, "{}", payout.text);
    let id = payout.json()["id"].as_str().unwrap().to_owned();
    let approved = app
        .call(
            Method::POST,
            &format!("/api/admin/payouts/{id}/approve"),
            &b.admin,
            None,
        )
        .await;
    assert_eq!(approved.json()["status"], "approved", "{}", approved.text);
    let paid = app
        .call(
            Method::POST,
            &format!("/api/admin/payouts/{id}/mark-paid"),
            &b.admin,
            Some(json!({"reference": "UTR-2026-0001"})),
        )
        .await;
    assert_eq!(paid.json()["status"], "paid", "{}", paid.text);
    let mine = app
        .call(Method::GET, "/api/mentor-earnings/me", &b.mentor.1, None)
        .await
        .json();
    assert_eq!(
        (mine["available"].as_i64(), mine["paid"].as_i64()),
        (Some(0), Some(earned)),
        "{mine}"
    );

    // every account equals the sum of its transfers, and the ledger sums to zero
    let r = app
        .call(Method::GET, "/api/admin/tokens/reconcile", &b.admin, None)
        .await
        .json();
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["ledger_sum"], 0, "{r}");
}

#[tokio::test]
async fn a_polling_only_client_and_a_websocket_only_client_meet() {
    let app = spawn_app().await;
    let b = booked_meeting(&app).await;
    let mut cfg = config(&app, &b, None);
    cfg["mentor"]["transports"] = json!(["polling"]);
    cfg["student"]["transports"] = json!(["websocket"]);
    let t = run_meeting(cfg).await;
    let transports = step(&t, "transports");
    assert_eq!(transports["mentor"], "polling", "{t:#}");
    assert_eq!(transports["student"], "websocket", "{t:#}");
    assert_meeting(&t, &b);
}
