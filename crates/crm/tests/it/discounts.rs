//! Discounts with approval limits per role (ADR 0076): within the proposer's limit on the
//! course's price approved at once, on a stated price never; above it waiting for the sales head of the lead's team or an admin; nobody
//! decides their own; two deciders at once: one wins, the other 409; on the timeline;
//! outside the caller's view 404.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

use crate::common::{self, count, push};

async fn team(app: &TestApp, admin: &str, head: Uuid, members: &[Uuid]) {
    let res = app
        .call(
            Method::POST,
            "/api/admin/crm/teams",
            admin,
            Some(json!({"name": format!("team-{head}"), "head_id": head})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    for m in members {
        let res = app
            .call(
                Method::POST,
                &format!("/api/admin/crm/teams/{id}/members"),
                admin,
                Some(json!({"user_id": m})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
}

async fn propose(app: &TestApp, token: &str, body: Value) -> testkit::TestResponse {
    app.call(Method::POST, "/api/sales/discounts", token, Some(body))
        .await
}

async fn decide(
    app: &TestApp,
    token: &str,
    id: &str,
    verb: &str,
    body: Value,
) -> testkit::TestResponse {
    app.call(
        Method::POST,
        &format!("/api/sales/discounts/{id}/{verb}"),
        token,
        Some(body),
    )
    .await
}

/// Gives the lead a course of the platform priced `paise`.
async fn course_priced(app: &TestApp, lead: &str, paise: i64) {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO courses (id, platform_id, slug, title, price_paise) \
             SELECT gen_random_uuid(), id, 'data-science', 'Data Science', {paise} FROM platforms WHERE slug = 'mr-mentor'; \
             UPDATE leads SET course = 'Data Science' WHERE id = '{lead}'"
        ))
        .await
        .unwrap();
}

struct Desk {
    app: TestApp,
    admin: String,
    agent: String,
    head: String,
    outsider: String,
    lead: String,
}

/// An agent in a head's team owning one lead, and an agent of no team.
async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (h, head) = app.user(Role::Sales, &[Capability::SalesHead], "mr-mentor");
    team(&app, &admin, h, &[a]).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let res = push(&app, &key, &common::person(1)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let lead = res.json()["id"].as_str().unwrap().to_owned();
    // the outsider joins after the lead was assigned to the agent
    let (_, outsider) = common::agent(&app, &admin, &[], 100, 1, true).await;
    Desk {
        app,
        admin,
        agent,
        head,
        outsider,
        lead,
    }
}

#[tokio::test]
async fn within_the_limit_is_approved_above_it_waits_for_the_head_or_an_admin() {
    let Desk {
        app,
        admin,
        agent,
        head,
        outsider,
        lead,
    } = desk().await;

    // no course price known: the list price must be stated
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "percent", "value": 5}),
    )
    .await;
    assert_eq!(res.status, 422, "{}", res.text);
    assert!(res.text.contains("list_price_paise"), "{}", res.text);
    // the lead's course has a price: the limits are measured against it
    course_priced(&app, &lead, 100_000).await;

    // 5 % is within SALES' 10 %: approved at once
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "percent", "value": 5}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = res.json();
    assert_eq!(
        (
            d["status"].clone(),
            d["auto_approved"].clone(),
            d["discount_paise"].clone(),
            d["final_price_paise"].clone()
        ),
        (json!("approved"), json!(true), json!(5_000), json!(95_000))
    );

    // 20 000 paise of 100 000 is 20 %: above 10 %, within the head's 25 %
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "amount", "value": 20_000, "reason": "sibling enrolled"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let pending = res.json();
    assert_eq!(pending["status"], json!("pending"));
    assert_eq!(pending["approver_role"], json!("sales_head"));
    let pid = pending["id"].as_str().unwrap().to_owned();
    // one pending per lead
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "percent", "value": 15}),
    )
    .await;
    assert_eq!(res.status, 409, "{}", res.text);
    assert_eq!(res.json()["code"], json!("discount_already_pending"));
    // nobody approves their own
    let res = decide(&app, &agent, &pid, "approve", json!({})).await;
    assert_eq!(res.status, 403, "{}", res.text);
    assert_eq!(res.json()["code"], json!("discount_own_proposal"));
    // an agent outside the team does not even see it
    let res = decide(&app, &outsider, &pid, "approve", json!({})).await;
    assert_eq!(res.status, 404, "{}", res.text);
    let res = app
        .call(
            Method::GET,
            &format!("/api/sales/discounts?lead_id={lead}"),
            &outsider,
            None,
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text);
    let res = propose(
        &app,
        &outsider,
        json!({"lead_id": lead, "kind": "percent", "value": 1}),
    )
    .await;
    assert_eq!(res.status, 404, "{}", res.text);
    // the head's approval queue holds it; the head approves
    let queue = app
        .call(
            Method::GET,
            "/api/sales/discounts?status=pending",
            &head,
            None,
        )
        .await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert_eq!(queue.json().as_array().unwrap().len(), 1);
    let res = decide(&app, &head, &pid, "approve", json!({"reason": "ok"})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], json!("approved"));
    // decided is decided
    let res = decide(&app, &admin, &pid, "reject", json!({"reason": "late"})).await;
    assert_eq!(res.status, 409, "{}", res.text);
    assert_eq!(res.json()["code"], json!("discount_already_decided"));

    // 40 %: above the head's 25 %, only an admin
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "percent", "value": 40}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let big = res.json();
    assert_eq!(big["approver_role"], json!("admin"));
    let bid = big["id"].as_str().unwrap().to_owned();
    let res = decide(&app, &head, &bid, "approve", json!({})).await;
    assert_eq!(res.status, 403, "{}", res.text);
    assert_eq!(res.json()["code"], json!("discount_over_limit"));
    let res = decide(&app, &admin, &bid, "reject", json!({})).await;
    assert_eq!(res.status, 422, "a rejection needs a reason: {}", res.text);
    let res = decide(&app, &admin, &bid, "reject", json!({"reason": "too deep"})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], json!("rejected"));
    assert_eq!(res.json()["decision_reason"], json!("too deep"));

    // on the lead's timeline and audited
    let detail = common::detail(&app, &agent, &lead).await.json();
    let actions: Vec<String> = detail["activities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "discount")
        .map(|a| a["data"]["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["proposed", "proposed", "approved", "proposed", "rejected"]
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'lead_discount.%'"
        )
        .await,
        5
    );
    let list = app
        .call(
            Method::GET,
            &format!("/api/sales/discounts?lead_id={lead}"),
            &agent,
            None,
        )
        .await;
    assert_eq!(list.json().as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_course_price_is_the_list_price_and_two_approvers_at_once_give_one_409() {
    let Desk {
        app,
        admin,
        agent,
        head,
        lead,
        ..
    } = desk().await;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO courses (id, platform_id, slug, title, price_paise) \
             SELECT gen_random_uuid(), id, 'data-science', 'Data Science', 5000000 FROM platforms WHERE slug = 'mr-mentor'; \
             UPDATE leads SET course = 'Data Science' WHERE id = '{lead}'"
        ))
        .await
        .unwrap();
    // a stated price does not override the course's
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "percent", "value": 20, "list_price_paise": 100}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = res.json();
    assert_eq!(d["price_source"], json!("course"));
    assert_eq!(d["list_price_paise"], json!(5_000_000));
    assert_eq!(d["discount_paise"], json!(1_000_000));
    assert_eq!(d["status"], json!("pending"));
    let id = d["id"].as_str().unwrap().to_owned();

    let (x, y) = tokio::join!(
        decide(&app, &head, &id, "approve", json!({})),
        decide(&app, &admin, &id, "approve", json!({}))
    );
    let mut statuses = [x.status, y.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", x.text, y.text);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'lead_discount.approved'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_stated_price_is_never_auto_approved() {
    let Desk {
        app,
        admin,
        agent,
        head,
        lead,
        ..
    } = desk().await;
    // the lead's course matches no course: the proposer states the list price, inflated so
    // that 50 000 paise looks like 0.5 %, well within SALES' 10 %
    let res = propose(
        &app,
        &agent,
        json!({"lead_id": lead, "kind": "amount", "value": 50_000, "list_price_paise": 10_000_000}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = res.json();
    assert_eq!(d["price_source"], json!("stated"));
    assert_eq!(d["status"], json!("pending"), "{d}");
    assert_eq!(d["auto_approved"], json!(false));
    assert_eq!(d["decided_by"], Value::Null);
    assert_eq!(d["approver_role"], json!("sales_head"));
    let id = d["id"].as_str().unwrap().to_owned();
    // the proposer still cannot approve it; the head of the lead's team does
    let res = decide(&app, &agent, &id, "approve", json!({})).await;
    assert_eq!(res.status, 403, "{}", res.text);
    assert_eq!(res.json()["code"], json!("discount_own_proposal"));
    let res = decide(
        &app,
        &head,
        &id,
        "approve",
        json!({"reason": "checked the price"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], json!("approved"));
    assert_eq!(res.json()["auto_approved"], json!(false));

    // not even an admin's proposal on a stated price is approved at once
    let res = propose(
        &app,
        &admin,
        json!({"lead_id": lead, "kind": "percent", "value": 1, "list_price_paise": 100_000}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["status"], json!("pending"), "{}", res.text);
    assert_eq!(res.json()["auto_approved"], json!(false));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM lead_discounts WHERE auto_approved"
        )
        .await,
        0
    );
}
