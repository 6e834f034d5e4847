//! Stages with history and time in stage, notes, follow-up tasks, `lead.stage_changed`.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{self, count, push};

#[tokio::test]
async fn a_stage_change_keeps_history_notes_tasks_and_publishes_the_event() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (agent, token) = common::agent(&app, &admin, &[], 10, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let id = push(&app, &key, &common::person(1)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/stage"),
            &token,
            Some(json!({"stage": "contacted", "note": "called, wants a brochure"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let lead = res.json();
    assert_eq!(lead["lead"]["stage"], json!("contacted"));
    let history = lead["stage_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["stage"], json!("new"));
    assert!(history[0]["left_at"].is_string());
    assert!(history[0]["seconds_in_stage"].as_i64().unwrap() >= 0);
    assert_eq!(history[1]["stage"], json!("contacted"));
    assert_eq!(history[1]["left_at"], json!(null));
    assert_eq!(history[1]["changed_by"], json!(agent));
    assert_eq!(history[1]["note"], json!("called, wants a brochure"));
    let last = lead["activities"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], json!("stage_changed"));
    assert_eq!(last["data"], json!({"from": "new", "to": "contacted"}));
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM outbox WHERE job_name = 'lead.stage_changed' \
                 AND payload->>'lead_id' = '{id}'"
            )
        )
        .await,
        1
    );

    // the same stage again changes nothing
    let same = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/stage"),
            &token,
            Some(json!({"stage": "contacted"})),
        )
        .await;
    assert_eq!(same.json()["stage_history"].as_array().unwrap().len(), 2);

    let note = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/notes"),
            &token,
            Some(json!({"body": "prefers evenings"})),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.text);
    let task = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/tasks"),
            &token,
            Some(json!({"title": "Call back", "due_at": "2030-01-02T10:00:00Z"})),
        )
        .await;
    assert_eq!(task.status, 200, "{}", task.text);
    let lead = task.json();
    assert_eq!(lead["tasks"][0]["title"], json!("Call back"));
    assert_eq!(lead["tasks"][0]["assignee_id"], json!(agent));
    assert_eq!(lead["tasks"][0]["due_at"], json!("2030-01-02T10:00:00Z"));
    let kinds: Vec<&str> = lead["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "assigned", "stage_changed", "note", "task"]
    );

    // closing the lead frees a place in the agent's capacity
    let won = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/stage"),
            &token,
            Some(json!({"stage": "won"})),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    assert_eq!(
        count(
            &app,
            &format!("SELECT open_leads::bigint FROM sales_agents WHERE user_id = '{agent}'")
        )
        .await,
        0
    );

    let bad = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{id}/stage"),
            &token,
            Some(json!({"stage": "archived"})),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
}
