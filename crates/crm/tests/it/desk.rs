//! The sales desk's second part: merge with undo, rule-based assignment, the speed-to-lead
//! SLA, task reminders.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

use crate::common::{self, count, push};

async fn ingest(app: &TestApp, key: &str, body: Value) -> Uuid {
    let res = push(app, key, &body).await;
    assert!(res.status == 201 || res.status == 200, "{}", res.text);
    res.json()["id"].as_str().unwrap().parse().unwrap()
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn open_leads(app: &TestApp, admin: &str, agent: Uuid) -> i64 {
    let res = app
        .call(Method::GET, "/api/admin/crm/agents", admin, None)
        .await;
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == json!(agent.to_string()))
        .map(|a| a["open_leads"].as_i64().unwrap())
        .unwrap()
}

#[tokio::test]
async fn a_merge_moves_the_timeline_is_audited_and_undo_moves_exactly_it_back() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (agent, agent_token) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let dup = ingest(&app, &key, common::person(30)).await;
    let keep = ingest(&app, &key, common::person(31)).await;
    let note = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{dup}/notes"),
            &agent_token,
            Some(json!({"body": "Asked about EMI"})),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.text);
    let task = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{dup}/tasks"),
            &agent_token,
            Some(json!({"title": "Send brochure", "due_at": chrono::Utc::now() + chrono::Duration::hours(3)})),
        )
        .await;
    assert_eq!(task.status, 200, "{}", task.text);
    assert_eq!(open_leads(&app, &admin, agent).await, 2);

    // a plain SALES user may not merge
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{dup}/merge"),
        &agent_token,
        Some(json!({"into": keep})),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{dup}/merge"),
            &admin,
            Some(json!({"into": keep})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let merged = res.json();
    assert_eq!(merged["moved_tasks"], json!(1));
    let moved = merged["moved_activities"].as_i64().unwrap();
    assert!(moved >= 4, "created, assigned, note, task: {moved}");
    assert!(
        merged["lead"]["activities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["body"] == "Asked about EMI")
    );
    assert_eq!(merged["lead"]["tasks"][0]["title"], json!("Send brochure"));
    assert_eq!(
        open_leads(&app, &admin, agent).await,
        1,
        "the duplicate freed its place"
    );
    let gone = common::detail(&app, &admin, &dup.to_string()).await.json();
    assert_eq!(gone["lead"]["merged_into"], json!(keep.to_string()));
    let listed = app
        .call(Method::GET, "/api/sales/leads", &admin, None)
        .await
        .json();
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == json!(dup.to_string())),
        "a merged lead is not listed"
    );
    // the duplicate's phone comes again: it lands on the lead that stayed
    let again = push(&app, &key, &common::person(30)).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json()["id"], json!(keep.to_string()));
    // merged twice: refused
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{dup}/merge"),
        &admin,
        Some(json!({"into": keep})),
    )
    .await
    .assert_problem(422, "validation_failed");

    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{dup}/unmerge"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let back = res.json();
    assert_eq!(back["lead"]["merged_into"], Value::Null);
    assert!(
        back["activities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["body"] == "Asked about EMI")
    );
    assert_eq!(back["tasks"][0]["title"], json!("Send brochure"));
    let kept = common::detail(&app, &admin, &keep.to_string()).await.json();
    assert!(
        !kept["activities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["body"] == "Asked about EMI")
    );
    assert!(
        kinds(&kept).contains(&"re_inquiry".to_owned()),
        "what came after the merge stays"
    );
    assert!(kinds(&kept).contains(&"unmerged".to_owned()));
    assert_eq!(open_leads(&app, &admin, agent).await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action IN ('lead.merged', 'lead.unmerged')"
        )
        .await,
        2
    );
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{dup}/unmerge"),
        &admin,
        None,
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn rules_route_matching_leads_to_their_team_before_the_round_robin() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a1, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (a2, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (head, _) = app.user(Role::Sales, &[Capability::SalesHead], "mr-mentor");
    let team = app
        .call(
            Method::POST,
            "/api/admin/crm/teams",
            &admin,
            Some(json!({"name": "Data science desk", "head_id": head})),
        )
        .await;
    assert_eq!(team.status, 201, "{}", team.text);
    let team_id = team.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/crm/teams/{team_id}/members"),
            &admin,
            Some(json!({"user_id": a2})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.call(
        Method::POST,
        "/api/admin/crm/assignment-rules",
        &admin,
        Some(json!({"priority": 1, "course": "data-science"})),
    )
    .await
    .assert_problem(422, "validation_failed");
    let rule = app
        .call(
            Method::POST,
            "/api/admin/crm/assignment-rules",
            &admin,
            Some(json!({"priority": 1, "course": "data-science", "team_id": team_id})),
        )
        .await;
    assert_eq!(rule.status, 201, "{}", rule.text);
    let rule_id = rule.json()["id"].as_str().unwrap().to_owned();
    // a rule for an inactive agent is skipped
    let (off, _) = common::agent(&app, &admin, &[], 100, 1, false).await;
    let res = app
        .call(
            Method::POST,
            "/api/admin/crm/assignment-rules",
            &admin,
            Some(json!({"priority": 0, "region": "kerala", "agent_id": off})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let key = common::vendor_key(&app, &admin, "adda").await;
    let mut owners = Vec::new();
    for n in 40..43 {
        let mut body = common::person(n);
        body["course"] = json!("Data-Science");
        body["region"] = json!("Kerala");
        let id = ingest(&app, &key, body).await;
        let d = common::detail(&app, &admin, &id.to_string()).await.json();
        owners.push(d["lead"]["owner_id"].as_str().unwrap().to_owned());
        let assigned = d["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "assigned")
            .cloned()
            .unwrap();
        assert_eq!(assigned["data"]["rule_id"], json!(rule_id));
    }
    assert!(
        owners.iter().all(|o| *o == a2.to_string()),
        "the team's only agent: {owners:?}"
    );
    // no course: the platform-wide round-robin (a1 has fewer open leads)
    let other = ingest(&app, &key, common::person(43)).await;
    let d = common::detail(&app, &admin, &other.to_string())
        .await
        .json();
    assert_eq!(d["lead"]["owner_id"], json!(a1.to_string()));
    let listed = app
        .call(Method::GET, "/api/admin/crm/assignment-rules", &admin, None)
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/admin/crm/assignment-rules/{rule_id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
}

#[tokio::test]
async fn the_speed_to_lead_sla_reassigns_an_untouched_lead_once() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (a1, t1) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let (_a2, t2) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let set = app
        .call(
            Method::PUT,
            "/api/system-config/CRM_SPEED_TO_LEAD_MINUTES",
            &admin,
            Some(json!({"value": 30})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let key = common::vendor_key(&app, &admin, "adda").await;
    let l1 = ingest(&app, &key, common::person(50)).await;
    let l2 = ingest(&app, &key, common::person(51)).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE leads SET assigned_at = now() - interval '1 hour'",
    )
    .await
    .unwrap();
    // l2's owner worked on it; l1's did not
    let d2 = common::detail(&app, &admin, &l2.to_string()).await.json();
    let owner2 = d2["lead"]["owner_id"].as_str().unwrap().to_owned();
    let token2 = if owner2 == a1.to_string() { &t1 } else { &t2 };
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{l2}/notes"),
            token2,
            Some(json!({"body": "Called, no answer"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let before =
        common::detail(&app, &admin, &l1.to_string()).await.json()["lead"]["owner_id"].clone();
    assert_eq!(
        crm::service::assignment::sla_sweep(&app.ctx).await.unwrap(),
        1
    );
    let after = common::detail(&app, &admin, &l1.to_string()).await.json();
    assert_ne!(after["lead"]["owner_id"], before, "given to another agent");
    assert!(kinds(&after).contains(&"sla_reassigned".to_owned()));
    assert_eq!(
        common::detail(&app, &admin, &l2.to_string()).await.json()["lead"]["owner_id"],
        json!(owner2)
    );
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE leads SET assigned_at = now() - interval '1 hour'",
    )
    .await
    .unwrap();
    assert_eq!(
        crm::service::assignment::sla_sweep(&app.ctx).await.unwrap(),
        0,
        "once per lead"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'lead.sla_reassigned'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_task_reminder_notifies_and_emails_the_assignee_once() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (_, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead = ingest(&app, &key, common::person(60)).await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{lead}/tasks"),
            &agent,
            Some(json!({"title": "Call back", "due_at": chrono::Utc::now() + chrono::Duration::minutes(10)})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let task: Uuid = res.json()["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let payload: Value = {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        app.db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT payload FROM outbox WHERE job_name = 'remind-lead-task'".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "payload")
            .unwrap()
    };
    assert_eq!(payload["task_id"], json!(task.to_string()));
    assert_eq!(
        payload.as_object().unwrap().len(),
        2,
        "the platform and the task id only: {payload}"
    );
    let tenant = app
        .ctx
        .tenants
        .resolve(&app.db, Some("mr-mentor"))
        .await
        .unwrap();
    assert!(
        crm::service::reminders::remind(&app.ctx, &tenant, task)
            .await
            .unwrap()
    );
    assert!(
        !crm::service::reminders::remind(&app.ctx, &tenant, task)
            .await
            .unwrap(),
        "once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'send-notification'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'send-email'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_call_from_the_lead_is_on_its_timeline_with_its_recording() {
    use wiremock::{
        Mock, MockServer, ResponseTemplate,
        matchers::{body_string_contains, method, path},
    };
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Accounts/acme1/Calls/connect.json"))
        .and(body_string_contains("From=%2B919876543210"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Call": {"Sid": "lead-call-1", "Status": "in-progress"}
        })))
        .expect(1)
        .mount(&api)
        .await;
    let app = testkit::spawn_app_with(
        testkit::TestOptions::default()
            .env("EXOTEL_API_BASE", api.uri())
            .env("EXOTEL_SID", "acme1")
            .env("EXOTEL_API_KEY", "exo-key")
            .env("EXOTEL_API_TOKEN", "exo-token")
            .env("EXOTEL_CALLER_ID", "08047112233")
            .env("EXOTEL_WEBHOOK_TOKEN", "hook-secret"),
    )
    .await;
    let admin = app.admin_token();
    let (_, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead = ingest(&app, &key, common::person(70)).await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{lead}/call"),
            &agent,
            Some(json!({"from": "+91 98765 43210"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["calls"][0]["sid"], json!("lead-call-1"));
    assert!(kinds(&res.json()).contains(&"call".to_owned()));
    let cb = app
        .req(Method::POST, "/api/webhooks/exotel/status?token=hook-secret")
        .body(
            "CallSid=lead-call-1&Status=completed&ConversationDuration=42&RecordingUrl=https%3A%2F%2Frec.example.com%2F1.mp3".to_owned(),
            "application/x-www-form-urlencoded",
        )
        .send()
        .await;
    assert_eq!(cb.status, 200, "{}", cb.text);
    let d = common::detail(&app, &agent, &lead.to_string()).await.json();
    assert_eq!(d["calls"][0]["status"], json!("completed"));
    assert_eq!(
        d["calls"][0]["recording_url"],
        json!("https://rec.example.com/1.mp3")
    );
    // a do-not-disturb lead is not called
    app.call(
        Method::PUT,
        &format!("/api/sales/leads/{lead}/preferences"),
        &agent,
        Some(json!({"dnd": true})),
    )
    .await;
    app.call(
        Method::POST,
        &format!("/api/sales/leads/{lead}/call"),
        &agent,
        Some(json!({"from": "+91 98765 43210"})),
    )
    .await
    .assert_problem(409, "lead_do_not_disturb");
    // nor is one rung as the `from` of a call to another lead (Exotel rings `from` first)
    let quiet = ingest(&app, &key, common::person(71)).await;
    let res = app
        .call(
            Method::PUT,
            &format!("/api/sales/leads/{quiet}/preferences"),
            &admin,
            Some(json!({"dnd": true})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let other = ingest(&app, &key, common::person(72)).await;
    let refused = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{other}/call"),
            &agent,
            Some(json!({"from": common::phone(71)})),
        )
        .await
        .assert_problem(409, "lead_do_not_disturb");
    assert_eq!(refused["errors"][0]["field"], json!("from"), "{refused}");
    assert_eq!(
        api.received_requests().await.unwrap().len(),
        1,
        "Exotel saw the first call only"
    );
    api.verify().await;
}
