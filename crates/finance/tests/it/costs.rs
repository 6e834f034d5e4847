//! Pipeline cost: the AI calls of the LLM gateway's records (read through integrations'
//! `calls::usage`) and the costs FINANCE enters, in the report and in the ledger, once.

use chrono::Utc;
use finance::service::costs;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

use crate::common::{count, tenant};

/// One AI call record of `platform` (what the LLM gateway writes for every attempt).
async fn ai_call(app: &TestApp, platform: Uuid, agent: &str, cost: i64, at: chrono::DateTime<Utc>) {
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO ai_calls (id, platform_id, agent, provider, model, prompt_version,
                                   tokens_in, tokens_out, latency_ms, cost_paise, outcome, created_at)
             VALUES ($1, $2, $3, 'openai', 'gpt-4o-mini', 'v1', 1000, 200, 900, $4, 'ok', $5)",
            [
                Uuid::now_v7().into(),
                platform.into(),
                agent.into(),
                cost.into(),
                at.into(),
            ],
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn pipeline_cost_is_the_ai_calls_and_the_entered_costs_posted_once() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let mas = tenant(&app, "my-analytics-school").await;
    let now = Utc::now();
    let today = finance::tax::ist_date(now);
    ai_call(&app, mr.id, "resume_screening", 1_250, now).await;
    ai_call(&app, mr.id, "resume_screening", 750, now).await;
    ai_call(&app, mr.id, "course_plan", 4_000, now).await;
    // another platform's, and last year's: not in this report
    ai_call(&app, mas.id, "course_plan", 99_999, now).await;
    ai_call(
        &app,
        mr.id,
        "course_plan",
        77_777,
        now - chrono::Duration::days(400),
    )
    .await;

    let (fin_id, fin) = app.user(Role::User, &[Capability::Finance], "mr-mentor");
    let body = json!({"category": "infrastructure", "description": "GPU box, November",
        "amount_paise": 50_000, "incurred_on": today});
    let res = app
        .call(Method::POST, "/api/finance/costs", &fin, Some(body.clone()))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let cost = res.json();
    assert_eq!(cost["amount_paise"], 50_000);
    assert_eq!(cost["created_by"], json!(fin_id));
    // who and what may not
    app.call(
        Method::POST,
        "/api/finance/costs",
        &app.user_token(),
        Some(body.clone()),
    )
    .await
    .assert_problem(403, "forbidden");
    for (field, bad) in [
        ("amount_paise", json!(0)),
        ("description", json!("")),
        ("category", json!("yachts")),
        ("incurred_on", json!("2020-01-01")),
    ] {
        let mut b = body.clone();
        b[field] = bad;
        let res = app
            .call(Method::POST, "/api/finance/costs", &fin, Some(b))
            .await;
        assert_eq!(res.status, 422, "{field}: {}", res.text);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM finance_costs").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'finance.cost.recorded'"
        )
        .await,
        1
    );

    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/pipeline-cost?from={today}&to={today}"),
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let r = res.json();
    assert_eq!(r["ai_paise"], 6_000);
    assert_eq!(r["other_paise"], 50_000);
    assert_eq!(r["total_paise"], 56_000);
    let agents: Vec<(String, i64, i64)> = r["ai"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["agent"].as_str().unwrap().to_owned(),
                a["calls"].as_i64().unwrap(),
                a["cost_paise"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        agents,
        vec![
            ("course_plan".to_owned(), 1, 4_000),
            ("resume_screening".to_owned(), 2, 2_000)
        ]
    );
    assert_eq!(r["other"][0]["category"], "infrastructure");
    let csv = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/pipeline-cost?from={today}&to={today}&format=csv"),
            &fin,
            None,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text
            .contains("\nai,resume_screening,2,2,2000,400,2000\n"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains("\nother,infrastructure,1,,,,50000\n"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains("\ntotals,total,,,,,56000\n"),
        "{}",
        csv.text
    );

    // the day's AI cost goes to the ledger once, however often the job runs
    assert_eq!(
        costs::post_ai_day(&app.db, &mr, today).await.unwrap(),
        6_000
    );
    assert_eq!(costs::post_ai_day(&app.db, &mr, today).await.unwrap(), 0);
    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/ledger?from={today}&to={today}"),
            &fin,
            None,
        )
        .await;
    let ledger = res.json();
    assert_eq!(ledger["balanced"], true, "{ledger}");
    let net = |account: &str| {
        ledger["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == account)
            .map(|a| a["net_paise"].as_i64().unwrap())
    };
    assert_eq!(net("costs"), Some(56_000));
    assert_eq!(net("payables"), Some(-56_000));
    // another platform's FINANCE sees none of it
    let other = app.token(Role::User, &[Capability::Finance], "my-analytics-school");
    let r = app
        .req(
            Method::GET,
            &format!("/api/finance/reports/pipeline-cost?from={today}&to={today}"),
        )
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await
        .json();
    assert_eq!(r["ai_paise"], 99_999);
    assert_eq!(r["other_paise"], 0);
}

/// Mentor payouts from tokens' `payout.changed`: outstanding until paid, a paid one posted to
/// the ledger once, a late or repeated event changing nothing.
#[tokio::test]
async fn payouts_are_outstanding_until_paid_and_posted_once() {
    use finance::service::payouts::{self, PayoutChanged};
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (mentor_a, mentor_b) = (Uuid::now_v7(), Uuid::now_v7());
    let (p1, p2, p3, p4) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let now = Utc::now();
    let event = |payout: Uuid, mentor: Uuid, status: &str, tokens: i64, secs: i64| PayoutChanged {
        payout_id: payout,
        mentor_id: mentor,
        platform_id: mr.id,
        status: status.into(),
        tokens,
        value_paise: tokens * 1_000,
        at: now + chrono::Duration::seconds(secs),
    };
    for e in [
        event(p1, mentor_a, "requested", 20, 0),
        event(p2, mentor_b, "requested", 5, 1),
        event(p1, mentor_a, "approved", 20, 2),
        event(p1, mentor_a, "paid", 20, 3),
        // delivered again, and a late `requested`: nothing changes
        event(p1, mentor_a, "paid", 20, 3),
        event(p1, mentor_a, "requested", 20, 0),
        // approved, not yet paid: owed (accrued in the ledger)
        event(p3, mentor_b, "requested", 7, 4),
        event(p3, mentor_b, "approved", 7, 5),
        // approved, then rejected: the accrual reversed
        event(p4, mentor_a, "approved", 3, 6),
        event(p4, mentor_a, "rejected", 3, 7),
    ] {
        payouts::apply(&app.db, &mr, &e).await.unwrap();
    }
    let bad = PayoutChanged {
        status: "lost".into(),
        ..event(p2, mentor_b, "requested", 5, 1)
    };
    assert!(matches!(
        payouts::apply(&app.db, &mr, &bad).await,
        Err(finance::FinanceError::Invalid(..))
    ));

    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let today = finance::tax::ist_date(now);
    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/payouts?from={today}&to={today}"),
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let r = res.json();
    assert_eq!(r["outstanding"].as_array().unwrap().len(), 2);
    assert_eq!(r["outstanding"][0]["payout_id"], json!(p2));
    assert_eq!(r["outstanding"][1]["payout_id"], json!(p3));
    assert_eq!(r["outstanding"][1]["status"], "approved");
    assert_eq!(r["outstanding_paise"], 12_000);
    assert_eq!(r["paid"].as_array().unwrap().len(), 1);
    assert_eq!(r["paid"][0]["status"], "paid");
    assert_eq!(r["paid_paise"], 20_000);
    assert_eq!(
        count(
            &app,
            "SELECT sum(amount_paise)::bigint FROM finance_ledger WHERE account = 'payouts'"
        )
        .await,
        27_000,
        "paid 20,000 and approved 7,000 (the rejected one reversed)"
    );
    // what is owed for approved payouts is in `payables`
    assert_eq!(
        count(
            &app,
            "SELECT sum(amount_paise)::bigint FROM finance_ledger WHERE account = 'payables'"
        )
        .await,
        -7_000
    );
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT sum(amount_paise)::bigint FROM finance_ledger WHERE account = 'bank'"
        )
        .await,
        -20_000
    );
    let csv = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/payouts?from={today}&to={today}&format=csv"),
            &fin,
            None,
        )
        .await;
    assert!(
        csv.text
            .contains(&format!("\noutstanding,{p2},{mentor_b},requested,5,5000,")),
        "{}",
        csv.text
    );
    app.call(
        Method::GET,
        &format!("/api/finance/reports/payouts?from={today}&to={today}"),
        &app.user_token(),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
}

/// Deliveries of `payout.changed` for new payouts racing each other (the same event several
/// times, and `approved` against `paid`): each payout booked once, from whichever arrived
/// first, and the ledger balanced (before the fix, two deliveries that both read "no copy
/// yet" both posted: `payouts` counted twice, or a duplicate-key failure).
#[tokio::test]
async fn concurrent_payout_events_book_each_payout_once() {
    use finance::service::payouts::{self, PayoutChanged};
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let now = Utc::now();
    let payouts_n: i64 = 20;
    let mut tasks = Vec::new();
    for i in 0..payouts_n {
        let (payout, mentor) = (Uuid::now_v7(), Uuid::now_v7());
        for status in ["approved", "paid", "approved", "paid", "approved", "paid"] {
            let e = PayoutChanged {
                payout_id: payout,
                mentor_id: mentor,
                platform_id: mr.id,
                status: status.into(),
                tokens: 10 + i,
                value_paise: (10 + i) * 1_000,
                at: now,
            };
            let (db, mr) = (app.db.clone(), mr.clone());
            tasks.push(tokio::spawn(
                async move { payouts::apply(&db, &mr, &e).await },
            ));
        }
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().expect("every delivery applies");
    }
    let owed: i64 = (0..payouts_n).map(|i| (10 + i) * 1_000).sum();
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM finance_payouts WHERE status = 'paid'"
        )
        .await,
        payouts_n
    );
    let sum = |account: &'static str| {
        let app = &app;
        async move {
            count(
                app,
                &format!(
                    "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger WHERE account = '{account}'"
                ),
            )
            .await
        }
    };
    assert_eq!(sum("payouts").await, owed, "each payout's value once");
    assert_eq!(sum("bank").await, -owed, "each paid once");
    assert_eq!(sum("payables").await, 0, "nothing left owed");
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger"
        )
        .await,
        0,
        "balanced"
    );
}
