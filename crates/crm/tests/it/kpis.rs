//! Targets with attainment; the dashboard served from `kpiQueue`'s cache only.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{self, push};

#[tokio::test]
async fn targets_attain_and_the_dashboard_reads_only_the_cache() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a1, t1) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (a2, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let mut mine = None;
    for n in 80..82 {
        let id = push(&app, &key, &common::person(n)).await.json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let d = common::detail(&app, &admin, &id).await.json();
        if d["lead"]["owner_id"] == json!(a1.to_string()) {
            mine = Some(id);
        }
    }
    let mine = mine.expect("one lead each");
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{mine}/stage"),
            &t1,
            Some(json!({"stage": "won"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let today = (chrono::Utc::now() + chrono::Duration::minutes(330)).date_naive();
    let res = app
        .call(
            Method::POST,
            "/api/admin/crm/targets",
            &admin,
            Some(json!({"agent_id": a1, "period_start": today, "period_end": today + chrono::Duration::days(29), "won_target": 2})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["won"], json!(1));
    assert_eq!(res.json()["attainment_percent"], json!(50.0));
    app.call(
        Method::POST,
        "/api/admin/crm/targets",
        &admin,
        Some(json!({"agent_id": a2, "team_id": a2, "period_start": today, "period_end": today, "won_target": 1})),
    )
    .await
    .assert_problem(422, "validation_failed");
    let res = app
        .call(
            Method::POST,
            "/api/admin/crm/targets",
            &admin,
            Some(json!({"agent_id": a2, "period_start": today, "period_end": today, "won_target": 3})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // nothing computed yet: the dashboard says so instead of computing
    let empty = app
        .call(Method::GET, "/api/sales/dashboard", &admin, None)
        .await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.json()["computed_at"], serde_json::Value::Null);

    assert!(crm::service::kpis::refresh_all(&app.db).await.unwrap() >= 1);
    let board = app
        .call(Method::GET, "/api/sales/dashboard", &admin, None)
        .await
        .json();
    let k = &board["kpis"];
    assert_eq!(k["leads_total"], json!(2));
    assert_eq!(k["won_this_month"], json!(1));
    assert_eq!(k["created_this_month"], json!(2));
    assert_eq!(k["conversion_percent"], json!(50.0));
    assert_eq!(k["by_stage"]["won"], json!(1));
    assert_eq!(k["agents"].as_array().unwrap().len(), 2);
    assert_eq!(k["targets"].as_array().unwrap().len(), 2);
    // an agent sees their own row and target only
    let own = app
        .call(Method::GET, "/api/sales/dashboard", &t1, None)
        .await
        .json();
    let agents = own["kpis"]["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["user_id"], json!(a1.to_string()));
    assert_eq!(agents[0]["won_this_month"], json!(1));
    assert_eq!(own["kpis"]["targets"].as_array().unwrap().len(), 1);
    // a new lead changes nothing until the next computation
    push(&app, &key, &common::person(82)).await;
    let stale = app
        .call(Method::GET, "/api/sales/dashboard", &admin, None)
        .await
        .json();
    assert_eq!(stale["kpis"]["leads_total"], json!(2));
    crm::service::kpis::refresh_all(&app.db).await.unwrap();
    let fresh = app
        .call(Method::GET, "/api/sales/dashboard", &admin, None)
        .await
        .json();
    assert_eq!(fresh["kpis"]["leads_total"], json!(3));
}
