//! Four vendors pushing at once with 30 % duplicates: exactly the distinct people become
//! leads, every answer for one person carries one id, each lead is assigned once and the
//! active agents' shares differ by at most one.

use std::collections::HashMap;

use futures::StreamExt;
use serde_json::json;
use testkit::{TestOptions, spawn_app_with};

use crate::common::{self, count, push};

const DISTINCT: u32 = 280;
const DUPLICATES: u32 = 120;

#[tokio::test]
async fn four_vendors_in_parallel_with_thirty_percent_duplicates() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("VENDOR_LEAD_RATE_LIMIT", "100000/60")
            .env("DB_POOL_MAX", "10"),
    )
    .await;
    let admin = app.admin_token();
    let mut agents = Vec::new();
    for _ in 0..3 {
        agents.push(common::agent(&app, &admin, &[], 10_000, 1, true).await.0);
    }
    let idle = common::agent(&app, &admin, &[], 10_000, 1, false).await.0;
    let mut keys = Vec::new();
    for v in 0..4 {
        keys.push(common::vendor_key(&app, &admin, &format!("vendor-{v}")).await);
    }

    // (person, body, vendor): every person once, then 120 repeats of earlier people sent by
    // another vendor, half with the phone spelled differently, half matching on the email only
    let mut calls: Vec<(u32, serde_json::Value, usize)> = (0..DISTINCT)
        .map(|n| (n, common::person(n), (n % 4) as usize))
        .collect();
    for k in 0..DUPLICATES {
        // phone repeats for even people below 120, email repeats for people from 141 on: a
        // person repeated both ways could first arrive with the repeat's other phone, and a
        // later repeat carrying only the first phone would rightly be another person
        let n = if k % 2 == 0 { k } else { 140 + k };
        let body = if k % 2 == 0 {
            json!({"full_name": format!("Again {n}"), "phone": format!("+91 {}", common::phone(n))})
        } else {
            json!({
                "full_name": format!("Again {n}"),
                "phone": format!("97{:08}", 20_000_000 + k),
                "email": format!("PERSON{n}+again@example.com"),
            })
        };
        calls.push((n, body, ((n + 1) % 4) as usize));
    }
    // interleave repeats with first arrivals so some race their original
    let mut order: Vec<usize> = (0..calls.len()).collect();
    order.sort_by_key(|i| (i * 7919) % calls.len());

    let answers: Vec<(u32, u16, serde_json::Value)> =
        futures::stream::iter(order.into_iter().map(|i| {
            let (n, body, vendor) = calls[i].clone();
            let key = keys[vendor].clone();
            let app = &app;
            async move {
                let res = push(app, &key, &body).await;
                (
                    n,
                    res.status,
                    serde_json::from_str(&res.text).unwrap_or_default(),
                )
            }
        }))
        .buffer_unordered(16)
        .collect()
        .await;

    let created = answers.iter().filter(|a| a.1 == 201).count();
    let repeated = answers.iter().filter(|a| a.1 == 200).count();
    assert_eq!(
        (created, repeated),
        (DISTINCT as usize, DUPLICATES as usize),
        "{:?}",
        answers
            .iter()
            .filter(|a| a.1 != 200 && a.1 != 201)
            .take(3)
            .collect::<Vec<_>>()
    );
    let mut id_of: HashMap<u32, String> = HashMap::new();
    for (n, _, body) in &answers {
        let id = body["id"].as_str().unwrap().to_owned();
        let known = id_of.entry(*n).or_insert_with(|| id.clone());
        assert_eq!(*known, id, "person {n} answered with two ids");
    }

    assert_eq!(
        count(&app, "SELECT count(*) FROM leads").await,
        i64::from(DISTINCT)
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM leads WHERE owner_id IS NULL").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM (SELECT lead_id FROM lead_activities WHERE kind = 'assigned' \
             GROUP BY lead_id HAVING count(*) = 1) x"
        )
        .await,
        i64::from(DISTINCT),
        "each lead assigned exactly once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM lead_activities WHERE kind = 're_inquiry'"
        )
        .await,
        i64::from(DUPLICATES)
    );
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(duplicates), 0)::bigint FROM vendor_lead_quality"
        )
        .await,
        i64::from(DUPLICATES)
    );
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(leads_created), 0)::bigint FROM vendor_lead_quality"
        )
        .await,
        i64::from(DISTINCT)
    );
    let mut shares = Vec::new();
    for a in &agents {
        shares.push(
            count(
                &app,
                &format!("SELECT count(*) FROM leads WHERE owner_id = '{a}'"),
            )
            .await,
        );
    }
    let (min, max) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
    assert!(max - min <= 1, "spread {shares:?}");
    assert_eq!(shares.iter().sum::<i64>(), i64::from(DISTINCT));
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM leads WHERE owner_id = '{idle}'")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'lead.created'"
        )
        .await,
        i64::from(DISTINCT)
    );
}
