//! The ledger through HTTP and through its service API: grants, corrections, idempotency,
//! holds under concurrency, settlement, governance, reconciliation, tenancy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{admin, balance, grant, platform_id, reconcile, user};
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use testkit::spawn_app;
use tokens::{
    TokensError,
    entities::ledger_holds::HoldStatus,
    ledger::{
        self, Account, AccountKind,
        holds::{self, NewHold, Settlement},
    },
};
use uuid::Uuid;

const MM: &str = "mr-mentor";

/// Places a hold in its own transaction, committed when it was placed.
async fn place_committed(
    db: &sea_orm::DatabaseConnection,
    hold: NewHold<'_>,
) -> Result<tokens::entities::ledger_holds::Model, TokensError> {
    let txn = db.begin().await.unwrap();
    let placed = holds::place(&txn, hold).await;
    if placed.is_ok() {
        txn.commit().await.unwrap();
    }
    placed
}

#[tokio::test]
async fn a_grant_credits_the_user_and_shows_in_their_history() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    let transfer = grant(&app, MM, id, 40).await;
    assert_eq!(transfer["kind"], "grant");
    assert_eq!(transfer["amount"], 40);
    assert_eq!(transfer["reason"], "welcome bonus");
    assert_eq!(balance(&app, MM, &token).await, (40, 0));

    let history = app
        .req(Method::GET, "/api/tokens/transactions")
        .bearer(&token)
        .send()
        .await
        .json();
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(history["items"][0]["amount"], 40);
    assert_eq!(history["items"][0]["account"], "available");
    assert_eq!(history["items"][0]["kind"], "grant");
    assert!(history["next_cursor"].is_null());
    assert_eq!(reconcile(&app, MM).await.json()["ok"], true);
}

#[tokio::test]
async fn history_pages_with_a_cursor() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    for _ in 0..5 {
        grant(&app, MM, id, 1).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/tokens/transactions?limit=2&cursor={c}"),
            None => "/api/tokens/transactions?limit=2".into(),
        };
        let page = app
            .req(Method::GET, &path)
            .bearer(&token)
            .send()
            .await
            .json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["transfer_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5, "a line was repeated across pages");
    let bad = app
        .req(Method::GET, "/api/tokens/transactions?limit=0")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "limit"
    );
}

#[tokio::test]
async fn a_repeated_idempotency_key_grants_once() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    let admin = admin(&app, MM);
    let send = |amount: i64| {
        app.req(Method::POST, "/api/admin/tokens/grant")
            .bearer(&admin)
            .header("Idempotency-Key", "grant-0001")
            .json(&json!({"user_id": id, "amount": amount, "reason": "campaign"}))
            .send()
    };
    let first = send(25).await;
    let again = send(25).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(
        first.json()["id"],
        again.json()["id"],
        "the repeat returns the first result"
    );
    assert_eq!(balance(&app, MM, &token).await, (25, 0));
    send(30).await.assert_problem(409, "idempotency_key_reused");
    assert_eq!(balance(&app, MM, &token).await, (25, 0));
}

#[tokio::test]
async fn concurrent_repeats_of_one_key_and_concurrent_distinct_grants() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    let admin = admin(&app, MM);
    let same = futures::future::join_all((0..20).map(|_| {
        app.req(Method::POST, "/api/admin/tokens/grant")
            .bearer(&admin)
            .header("Idempotency-Key", "same-key")
            .json(&json!({"user_id": id, "amount": 7, "reason": "race"}))
            .send()
    }))
    .await;
    let ids: std::collections::HashSet<String> = same
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.json()["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "one transfer for one key");
    let distinct = futures::future::join_all((0..20).map(|i| {
        app.req(Method::POST, "/api/admin/tokens/grant")
            .bearer(&admin)
            .header("Idempotency-Key", &format!("k-{i}"))
            .json(&json!({"user_id": id, "amount": 1, "reason": "race"}))
            .send()
    }))
    .await;
    assert!(distinct.iter().all(|r| r.status == 201));
    assert_eq!(balance(&app, MM, &token).await, (27, 0));
    assert_eq!(reconcile(&app, MM).await.json()["ok"], true);
}

#[tokio::test]
async fn corrections_move_either_way_but_never_below_zero() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    let admin = admin(&app, MM);
    grant(&app, MM, id, 10).await;
    let correct = |amount: i64| {
        app.req(Method::POST, "/api/admin/tokens/corrections")
            .bearer(&admin)
            .json(&json!({"user_id": id, "amount": amount, "reason": "double grant"}))
            .send()
    };
    assert_eq!(correct(-4).await.status, 201);
    assert_eq!(balance(&app, MM, &token).await, (6, 0));
    correct(-7).await.assert_problem(402, "insufficient_tokens");
    assert_eq!(balance(&app, MM, &token).await, (6, 0));
    assert_eq!(correct(3).await.status, 201);
    assert_eq!(balance(&app, MM, &token).await, (9, 0));
    let zero = correct(0).await;
    assert_eq!(
        zero.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "amount"
    );
    assert_eq!(reconcile(&app, MM).await.json()["ok"], true);
}

#[tokio::test]
async fn admin_routes_refuse_other_roles_and_validate_input() {
    let app = spawn_app().await;
    let (id, token) = user(&app, Role::User, MM);
    let body = json!({"user_id": id, "amount": 5, "reason": "because"});
    app.req(Method::POST, "/api/admin/tokens/grant")
        .json(&body)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    app.req(Method::POST, "/api/admin/tokens/grant")
        .bearer(&token)
        .json(&body)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.req(Method::GET, "/api/admin/tokens/reconcile")
        .bearer(&user(&app, Role::Expert, MM).1)
        .send()
        .await
        .assert_problem(403, "forbidden");
    let res = app
        .req(Method::POST, "/api/admin/tokens/grant")
        .bearer(&admin(&app, MM))
        .json(&json!({"user_id": id, "amount": -5, "reason": "x"}))
        .send()
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"amount") && fields.contains(&"reason"),
        "{problem}"
    );
    let res = app
        .req(Method::POST, "/api/admin/tokens/grant")
        .bearer(&admin(&app, MM))
        .header("Idempotency-Key", "")
        .json(&body)
        .send()
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "Idempotency-Key"
    );
}

#[tokio::test]
async fn balances_are_per_platform() {
    let app = spawn_app().await;
    let (id, _) = user(&app, Role::User, MM);
    grant(&app, MM, id, 12).await;
    // a user of another platform has nothing there
    let other = app.token(Role::User, &[], "my-analytics-school");
    assert_eq!(balance(&app, "my-analytics-school", &other).await, (0, 0));
    // and a token of one platform is refused on the other
    app.req(Method::GET, "/api/tokens/balance")
        .platform("my-analytics-school")
        .bearer(&user(&app, Role::User, MM).1)
        .send()
        .await
        .assert_problem(403, "wrong_platform");
    // mr-hire has no tokens module
    app.req(Method::GET, "/api/tokens/balance")
        .platform("mr-hire")
        .bearer(&user(&app, Role::User, "mr-hire").1)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn concurrent_holds_never_overdraw_and_settle_once() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let (student, token) = user(&app, Role::User, MM);
    let mentor = Uuid::now_v7();
    grant(&app, MM, student, 10).await;

    // ten concurrent holds of 3 tokens: exactly three fit
    let attempts = futures::future::join_all((0..10).map(|i| {
        let db = app.db.clone();
        async move {
            let placed = place_committed(
                &db,
                NewHold {
                    platform_id: platform,
                    user_id: student,
                    amount: 3,
                    reference: &format!("booking:{i}"),
                    expires_at: None,
                },
            )
            .await;
            match placed {
                Ok(hold) => Some(hold),
                Err(TokensError::Insufficient { .. }) => None,
                Err(other) => panic!("{other:?}"),
            }
        }
    }))
    .await;
    let placed: Vec<_> = attempts.into_iter().flatten().collect();
    assert_eq!(placed.len(), 3);
    assert_eq!(balance(&app, MM, &token).await, (1, 9));

    // post one to the mentor with 20 % commission, void one, split one
    let txn = app.db.begin().await.unwrap();
    let posted = holds::settle(&txn, placed[0].id, Settlement::post_all(3, mentor, 2_000))
        .await
        .unwrap();
    assert!(posted.changed);
    holds::settle(&txn, placed[1].id, Settlement::void_all(3))
        .await
        .unwrap();
    holds::settle(
        &txn,
        placed[2].id,
        Settlement {
            mentor_id: Some(mentor),
            post: 1,
            commission_bps: 2_000,
            refund: 2,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    // settling again changes nothing
    let txn = app.db.begin().await.unwrap();
    let again = holds::settle(&txn, placed[0].id, Settlement::void_all(3))
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(again.hold.status, HoldStatus::Posted);
    txn.commit().await.unwrap();

    assert_eq!(balance(&app, MM, &token).await, (1 + 3 + 2, 0));
    let earnings = ledger::account_id(&app.db, platform, Account::earnings(mentor))
        .await
        .unwrap();
    let revenue = ledger::account_id(
        &app.db,
        platform,
        Account::platform(AccountKind::PlatformRevenue),
    )
    .await
    .unwrap();
    let balance_of = |id: Uuid| {
        let db = app.db.clone();
        async move {
            db.query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT balance FROM ledger_accounts WHERE id = $1",
                [id.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
        }
    };
    // 3 posted: commission round(0.6) = 1, mentor 2; 1 posted: commission round(0.2) = 0, mentor 1
    assert_eq!(balance_of(earnings).await, 3);
    assert_eq!(balance_of(revenue).await, 1);
    assert_eq!(reconcile(&app, MM).await.json()["ok"], true);
}

#[tokio::test]
async fn reconciliation_finds_a_tampered_balance_and_transfers_are_immutable() {
    let app = spawn_app().await;
    let (id, _) = user(&app, Role::User, MM);
    grant(&app, MM, id, 9).await;
    let update = app
        .db
        .execute_unprepared("UPDATE ledger_transfers SET amount = 1")
        .await;
    assert!(update.is_err(), "transfers must be immutable");
    let delete = app
        .db
        .execute_unprepared("DELETE FROM ledger_transfers")
        .await;
    assert!(delete.is_err(), "transfers must be immutable");

    app.db
        .execute_unprepared(
            "UPDATE ledger_accounts SET balance = balance + 5 WHERE kind = 'user_available'",
        )
        .await
        .unwrap();
    let report = reconcile(&app, MM).await.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["ledger_sum"], 5);
    assert_eq!(report["disagreements"][0]["kind"], "user_available");
    assert_eq!(report["disagreements"][0]["balance"], 14);
    assert_eq!(report["disagreements"][0]["derived"], 9);
    // the database itself refuses a negative user balance
    let negative = app
        .db
        .execute_unprepared("UPDATE ledger_accounts SET balance = -1 WHERE kind = 'user_available'")
        .await;
    assert!(negative.is_err());
}

#[tokio::test]
async fn governance_rules_apply_only_when_the_flag_is_on() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let (student, _) = user(&app, Role::User, MM);
    grant(&app, MM, student, 100).await;
    let hold = |reference: &'static str, amount: i64, days: i64| {
        let db = app.db.clone();
        async move {
            place_committed(
                &db,
                NewHold {
                    platform_id: platform,
                    user_id: student,
                    amount,
                    reference,
                    expires_at: Some(chrono::Utc::now() + chrono::Duration::days(days)),
                },
            )
            .await
        }
    };
    // off by default: a large, far-off hold is fine
    assert!(hold("b1", 60, 60).await.is_ok());
    let admin = admin(&app, MM);
    for (key, value) in [
        ("TOKEN_GOVERNANCE_ENABLED", json!(true)),
        ("TOKEN_DAILY_SPEND_CAP", json!(70)),
        ("TOKEN_MAX_HOLD_HOURS", json!(48)),
    ] {
        let res = app
            .req(Method::PUT, &format!("/api/system-config/{key}"))
            .bearer(&admin)
            .json(&json!({"value": value}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    match hold("b2", 5, 3).await {
        Err(err @ TokensError::HoldTooLong { max_hours: 48 }) => {
            assert_eq!(err.code().code, "hold_too_long");
        }
        other => panic!("{other:?}"),
    }
    match hold("b3", 11, 1).await {
        Err(TokensError::DailySpendCapExceeded { spent, cap }) => {
            assert_eq!((spent, cap), (60, 70));
        }
        other => panic!("{other:?}"),
    }
    let first = hold("b4", 10, 1).await.unwrap();
    // a repeat of a placed hold is answered with it, though the cap would refuse a new one
    let again = hold("b4", 10, 1).await.unwrap();
    assert_eq!(again.id, first.id);
    assert!(matches!(
        hold("b5", 10, 1).await,
        Err(TokensError::DailySpendCapExceeded { .. })
    ));
}

/// The hold statement reads the governance switch itself (`Key::sql_is_on`, ADR 0093): it
/// must read what `Key::bool_value` reads in every case, the platform's own value first.
#[tokio::test]
async fn the_switch_reads_the_same_inside_a_statement_as_through_its_key() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let key = tokens::settings::GOVERNANCE_ENABLED;
    let sql = format!("SELECT {} AS is_on", key.sql_is_on("$1"));
    let in_sql = || {
        let db = app.db.clone();
        let sql = sql.clone();
        async move {
            db.query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                sql,
                [platform.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<bool>("", "is_on")
            .unwrap()
        }
    };
    let set = |sql: &'static str| {
        let db = app.db.clone();
        async move { db.execute_unprepared(sql).await.unwrap() }
    };
    let cases: [(&str, &str, bool); 5] = [
        ("the seeded default", "SELECT 1", false),
        (
            "the deployment's value",
            "UPDATE system_config SET value = 'true' WHERE key = 'TOKEN_GOVERNANCE_ENABLED'",
            true,
        ),
        (
            "the platform's own value over the deployment's",
            "INSERT INTO platform_settings (platform_id, key, value, updated_at)
             SELECT id, 'TOKEN_GOVERNANCE_ENABLED', 'false', now() FROM platforms
              WHERE slug = 'mr-mentor'",
            false,
        ),
        (
            "a platform value that is not a boolean: the default",
            "UPDATE platform_settings SET value = '\"yes\"' WHERE key = 'TOKEN_GOVERNANCE_ENABLED'",
            false,
        ),
        (
            "the platform's own true",
            "UPDATE platform_settings SET value = 'true' WHERE key = 'TOKEN_GOVERNANCE_ENABLED'",
            true,
        ),
    ];
    for (case, change, on) in cases {
        set(change).await;
        assert_eq!(
            key.bool_value(&app.db, platform).await.unwrap(),
            on,
            "{case}"
        );
        assert_eq!(in_sql().await, on, "{case}");
    }
}

/// A repeat of a hold or a transfer is answered with the first even when the balance no
/// longer covers it; a new one is refused; nothing moves twice.
#[tokio::test]
async fn repeats_replay_the_first_even_when_the_balance_is_spent() {
    let app = spawn_app().await;
    let platform = platform_id(&app, MM).await;
    let (student, token) = user(&app, Role::User, MM);
    grant(&app, MM, student, 10).await;
    let place = |reference: &'static str, amount: i64| {
        let db = app.db.clone();
        async move {
            place_committed(
                &db,
                NewHold {
                    platform_id: platform,
                    user_id: student,
                    amount,
                    reference,
                    expires_at: None,
                },
            )
            .await
        }
    };
    let first = place("booking:r1", 8).await.unwrap();
    assert_eq!(place("booking:r1", 8).await.unwrap().id, first.id);
    assert!(matches!(
        place("booking:r2", 8).await,
        Err(TokensError::Insufficient {
            available: 2,
            needed: 8,
            ..
        })
    ));
    assert_eq!(balance(&app, MM, &token).await, (2, 8));

    let take = |key: &'static str, amount: i64, to: Account| {
        let db = app.db.clone();
        async move {
            let txn = db.begin().await.unwrap();
            let r = ledger::transfer(
                &txn,
                ledger::NewTransfer {
                    platform_id: platform,
                    key,
                    kind: ledger::TransferKind::Correction,
                    from: Account::available(student),
                    to,
                    amount,
                    hold_id: None,
                    reason: "test",
                    metadata: json!({}),
                    created_by: None,
                },
            )
            .await;
            if r.is_ok() {
                txn.commit().await.unwrap();
            }
            r
        }
    };
    let grants = Account::platform(AccountKind::PlatformGrants);
    let taken = take("corr-1", 2, grants).await.unwrap();
    assert!(taken.created);
    let repeat = take("corr-1", 2, grants).await.unwrap();
    assert!(!repeat.created);
    assert_eq!(repeat.transfer.id, taken.transfer.id);
    assert!(matches!(
        take("corr-1", 1, grants).await,
        Err(TokensError::IdempotencyKeyReused)
    ));
    assert!(matches!(
        take("corr-2", 1, grants).await,
        Err(TokensError::Insufficient { available: 0, .. })
    ));
    match take("corr-3", 1, Account::available(student)).await {
        Err(TokensError::Invalid { field: "to", .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(balance(&app, MM, &token).await, (0, 8));
    assert_eq!(reconcile(&app, MM).await.json()["ok"], true);
}
