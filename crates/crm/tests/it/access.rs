//! Who sees which lead: SALES their own, a SALES_HEAD their team's, CM and ADMIN the
//! platform's; anything else is 404 (the attacker's tests).

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

use crate::common::{self, push};

async fn team(app: &TestApp, admin: &str, name: &str, head: Uuid, members: &[Uuid]) {
    let res = app
        .call(
            Method::POST,
            "/api/admin/crm/teams",
            admin,
            Some(json!({"name": name, "head_id": head})),
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

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn each_role_sees_only_its_leads_and_everything_else_is_404() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let user = app.user_token();
    let (a, a_token) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (b, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (c, c_token) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (h1, h1_token) = app.user(Role::Sales, &[Capability::SalesHead], "mr-mentor");
    let (h2, h2_token) = app.user(Role::Sales, &[Capability::SalesHead], "mr-mentor");
    let cm = app.token(Role::User, &[Capability::Cm], "mr-mentor");
    team(&app, &admin, "North", h1, &[a, b]).await;
    team(&app, &admin, "South", h2, &[c]).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let mut by_owner: std::collections::HashMap<String, Vec<String>> = Default::default();
    for n in 0..6 {
        let id = push(&app, &key, &common::person(n)).await.json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let owner = common::detail(&app, &admin, &id).await.json()["lead"]["owner_id"]
            .as_str()
            .unwrap()
            .to_owned();
        by_owner.entry(owner).or_default().push(id);
    }
    let of = |u: Uuid| by_owner[&u.to_string()].clone();
    assert_eq!((of(a).len(), of(b).len(), of(c).len()), (2, 2, 2));
    let (la, lb, lc) = (of(a)[0].clone(), of(b)[0].clone(), of(c)[0].clone());

    // SALES: own lead yes, a colleague's 404 (read, stage, note)
    assert_eq!(common::detail(&app, &a_token, &la).await.status, 200);
    common::detail(&app, &a_token, &lb)
        .await
        .assert_problem(404, "not_found");
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{lb}/stage"),
        &a_token,
        Some(json!({"stage": "lost"})),
    )
    .await
    .assert_problem(404, "not_found");
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{lb}/notes"),
        &a_token,
        Some(json!({"body": "mine now"})),
    )
    .await
    .assert_problem(404, "not_found");
    let mine = app
        .call(Method::GET, "/api/sales/leads", &a_token, None)
        .await
        .json();
    let mut expected = of(a);
    expected.sort();
    assert_eq!(ids(&mine), expected);

    // SALES_HEAD: the team's leads, not the other team's
    assert_eq!(common::detail(&app, &h1_token, &la).await.status, 200);
    assert_eq!(common::detail(&app, &h1_token, &lb).await.status, 200);
    common::detail(&app, &h1_token, &lc)
        .await
        .assert_problem(404, "not_found");
    common::detail(&app, &h2_token, &la)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(common::detail(&app, &c_token, &lc).await.status, 200);
    let team_list = app
        .call(Method::GET, "/api/sales/leads", &h1_token, None)
        .await
        .json();
    let mut expected = [of(a), of(b)].concat();
    expected.sort();
    assert_eq!(ids(&team_list), expected);

    // CM and ADMIN: the platform
    assert_eq!(common::detail(&app, &cm, &lc).await.status, 200);
    let all = app
        .call(Method::GET, "/api/sales/leads?limit=4", &admin, None)
        .await
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
    let cursor = all["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .call(
            Method::GET,
            &format!("/api/sales/leads?limit=4&cursor={cursor}"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next_cursor"], Value::Null);

    // a plain user: 403; another platform's admin: 404; an unknown id: 404
    common::detail(&app, &user, &la)
        .await
        .assert_problem(403, "forbidden");
    let other_admin = app.token(Role::Admin, &[], "my-analytics-school");
    app.req(Method::GET, &format!("/api/sales/leads/{la}"))
        .bearer(&other_admin)
        .platform("my-analytics-school")
        .send()
        .await
        .assert_problem(404, "not_found");
    common::detail(&app, &admin, &Uuid::now_v7().to_string())
        .await
        .assert_problem(404, "not_found");
}
