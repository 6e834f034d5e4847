//! Assignment: weighted round-robin over active agents with free capacity, sticky owners
//! for re-inquiries, audited reassignment, the sweep of leads that found no free agent.

use std::collections::HashMap;

use kernel::auth::Capability;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;
use uuid::Uuid;

use crate::common::{self, count, push};

async fn open_leads(app: &testkit::TestApp, admin: &str) -> HashMap<Uuid, i64> {
    let res = app
        .call(Method::GET, "/api/admin/crm/agents", admin, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["user_id"].as_str().unwrap().parse().unwrap(),
                a["open_leads"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn new_leads_go_round_robin_by_weight_skipping_inactive_and_full_agents() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (b, _) = common::agent(&app, &admin, &[], 100, 2, true).await;
    let (c, _) = common::agent(&app, &admin, &[], 100, 1, false).await;
    let (d, _) = common::agent(&app, &admin, &[], 1, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    for n in 0..13 {
        let res = push(&app, &key, &common::person(n)).await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let open = open_leads(&app, &admin).await;
    assert_eq!(
        (open[&a], open[&b], open[&c], open[&d]),
        (4, 8, 0, 1),
        "weight 2 takes twice as many, the inactive none, the full one its capacity"
    );
    for (agent, n) in [(a, 4), (b, 8), (d, 1)] {
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) FROM leads WHERE owner_id = '{agent}'")
            )
            .await,
            n
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM lead_activities WHERE kind = 'assigned'"
        )
        .await,
        13
    );
}

#[tokio::test]
async fn a_re_inquiry_keeps_its_owner_and_a_reassignment_is_audited_and_on_the_timeline() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a, a_token) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (b, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (head, head_token) = app.user(
        kernel::auth::Role::Sales,
        &[Capability::SalesHead],
        "mr-mentor",
    );
    let team = app
        .call(
            Method::POST,
            "/api/admin/crm/teams",
            &admin,
            Some(json!({"name": "North", "head_id": head})),
        )
        .await;
    assert_eq!(team.status, 201, "{}", team.text);
    let team_id = team.json()["id"].as_str().unwrap().to_owned();
    for agent in [a, b] {
        let res = app
            .call(
                Method::POST,
                &format!("/api/admin/crm/teams/{team_id}/members"),
                &admin,
                Some(json!({"user_id": agent})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let key = common::vendor_key(&app, &admin, "adda").await;
    let first = push(&app, &key, &common::person(1)).await;
    let id = first.json()["id"].as_str().unwrap().to_owned();
    let owner = common::detail(&app, &admin, &id).await.json()["lead"]["owner_id"].clone();
    // more leads move the round-robin on; the re-inquiry still keeps its owner
    push(&app, &key, &common::person(2)).await;
    push(&app, &key, &common::person(3)).await;
    let again = push(&app, &key, &common::person(1)).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let lead = common::detail(&app, &admin, &id).await.json();
    assert_eq!(lead["lead"]["owner_id"], owner);
    let assigned = lead["activities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "assigned")
        .count();
    assert_eq!(assigned, 1);

    // a plain agent cannot reassign; the head moves it within the team
    let to: Uuid = if owner == json!(a) { b } else { a };
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/assign"),
            &a_token,
            Some(json!({"owner_id": to})),
        )
        .await;
    res.assert_problem(403, "forbidden");
    let before = open_leads(&app, &admin).await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/assign"),
            &head_token,
            Some(json!({"owner_id": to})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let lead = res.json();
    assert_eq!(lead["lead"]["owner_id"], json!(to));
    let last = lead["activities"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], json!("reassigned"));
    assert_eq!(last["actor_id"], json!(head));
    assert_eq!(last["data"]["from"], owner);
    let after = open_leads(&app, &admin).await;
    assert_eq!(after[&to], before[&to] + 1);
    let from: Uuid = serde_json::from_value(owner).unwrap();
    assert_eq!(after[&from], before[&from] - 1);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM audit_log WHERE action = 'lead.reassigned' \
                 AND target_id = '{id}' AND actor_id = '{head}'"
            )
        )
        .await,
        1
    );
    // outside the team: 422 on owner_id
    let (outsider, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/assign"),
            &head_token,
            Some(json!({"owner_id": outsider})),
        )
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("owner_id"));
}

#[tokio::test]
async fn the_sweep_assigns_leads_that_arrived_with_no_free_agent() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "adda").await;
    for n in 0..3 {
        assert_eq!(push(&app, &key, &common::person(n)).await.status, 201);
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM leads WHERE owner_id IS NULL").await,
        3
    );
    let swept = crm::service::assignment::assign_unassigned(&app.ctx, 100)
        .await
        .unwrap();
    assert_eq!((swept.assigned, swept.waiting), (0, 3), "no agent yet");
    let (a, _) = common::agent(&app, &admin, &[], 2, 1, true).await;
    let swept = crm::service::assignment::assign_unassigned(&app.ctx, 100)
        .await
        .unwrap();
    assert_eq!((swept.assigned, swept.waiting), (2, 1), "capacity 2");
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM leads WHERE owner_id = '{a}'")
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'lead.assigned'"
        )
        .await,
        2
    );
}
