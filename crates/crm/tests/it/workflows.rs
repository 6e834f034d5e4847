//! The workflow engine: Journey 5 (vendor lead -> run -> WhatsApp through a fake Cloud API ->
//! stage change -> the next workflow), runs pinned to their version, the effect ledger under
//! replay, the depth guard.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, eventually, spawn_app, spawn_app_with};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::common::{self, count, push};

async fn workflow(app: &TestApp, admin: &str, body: Value) -> String {
    let res = app
        .call(Method::POST, "/api/admin/workflows", admin, Some(body))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let published = app
        .call(
            Method::POST,
            &format!("/api/admin/workflows/{id}/publish"),
            admin,
            None,
        )
        .await;
    assert_eq!(published.status, 201, "{}", published.text);
    id
}

async fn runs(app: &TestApp, admin: &str, id: &str) -> Vec<Value> {
    let res = app
        .call(
            Method::GET,
            &format!("/api/admin/workflows/{id}/runs"),
            admin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn journey_5_vendor_lead_whatsapp_step_and_the_stage_change_starts_the_next_workflow() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/1055/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "messages": [{"id": "wamid.J5"}]
        })))
        .expect(1)
        .mount(&api)
        .await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("WHATSAPP_API_BASE", api.uri())
            .env("WHATSAPP_ACCESS_TOKEN", "wa-token")
            .env("WHATSAPP_PHONE_NUMBER_ID", "1055"),
    )
    .await;
    let worker = app.start_worker().await;
    let admin = app.admin_token();
    common::agent(&app, &admin, &[], 100, 1, true).await;
    common::approve_template(&app, &admin, "welcome_1").await;
    let welcome = workflow(
        &app,
        &admin,
        json!({"name": "welcome", "trigger": {"event": "lead.created"}, "steps": [
            {"kind": "send_whatsapp", "id": "greet", "template": "welcome_1"},
            {"kind": "set_stage", "id": "contacted", "stage": "contacted"},
        ]}),
    )
    .await;
    let follow = workflow(
        &app,
        &admin,
        json!({"name": "follow-up", "trigger": {"event": "lead.stage_changed", "stage": "contacted"}, "steps": [
            {"kind": "create_task", "id": "call", "title": "Call back", "due_in_minutes": 60},
        ]}),
    )
    .await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let res = push(&app, &key, &common::person(5)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let lead = res.json()["id"].as_str().unwrap().to_owned();

    let done = eventually(30, || {
        let (app, admin, follow) = (&app, &admin, &follow);
        async move {
            let r = runs(app, admin, follow).await;
            (r.first().is_some_and(|r| r["status"] == "completed")).then_some(r)
        }
    })
    .await
    .expect("the follow-up workflow did not complete");
    assert_eq!(done[0]["depth"], json!(1), "started by a workflow step");
    let first = runs(&app, &admin, &welcome).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["status"], json!("completed"));
    assert_eq!(first[0]["version"], json!(1));
    assert_eq!(first[0]["lead_id"], json!(lead));
    let steps = first[0]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["step_id"], json!("greet"));
    assert_eq!(steps[0]["status"], json!("done"));
    assert_eq!(steps[0]["attempts"], json!(1));
    assert!(steps[0]["output"]["message_id"].is_string());

    eventually(20, || {
        let app = &app;
        async move {
            (count(
                app,
                "SELECT count(*) FROM whatsapp_messages WHERE status = 'sent'",
            )
            .await
                == 1)
                .then_some(())
        }
    })
    .await
    .expect("the WhatsApp message was not sent");
    let detail = common::detail(&app, &admin, &lead).await.json();
    assert_eq!(detail["lead"]["stage"], json!("contacted"));
    assert_eq!(detail["tasks"][0]["title"], json!("Call back"));
    let kinds: Vec<&str> = detail["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"whatsapp") && kinds.contains(&"task"),
        "{kinds:?}"
    );
    worker.stop().await;
    assert_eq!(api.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn runs_keep_their_version_and_a_replayed_step_performs_nothing_again() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    common::approve_template(&app, &admin, "welcome_v1").await;
    common::approve_template(&app, &admin, "welcome_v2").await;
    let id = workflow(
        &app,
        &admin,
        json!({"name": "welcome", "trigger": {"event": "lead.created"}, "steps": [
            {"kind": "send_whatsapp", "id": "greet", "template": "welcome_v1"},
        ]}),
    )
    .await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead: Uuid = push(&app, &key, &common::person(1)).await.json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let tenant = app
        .ctx
        .tenants
        .resolve(&app.db, Some("mr-mentor"))
        .await
        .unwrap();
    use crm::{
        dto::workflows::TriggerEvent,
        service::{
            workflow_steps::{self, StepOutcome},
            workflows,
        },
    };
    let started = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "event-1",
    )
    .await
    .unwrap();
    assert_eq!(started.len(), 1);
    let run_v1 = started[0].run_id;
    // the same event again starts nothing new (its run's first step is handed out again)
    let again = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "event-1",
    )
    .await
    .unwrap();
    assert_eq!(again.iter().map(|s| s.run_id).collect::<Vec<_>>(), [run_v1]);

    // a new version is published while the first run is in flight
    let draft = app
        .call(
            Method::PUT,
            &format!("/api/admin/workflows/{id}"),
            &admin,
            Some(json!({"trigger": {"event": "lead.created"}, "steps": [
                {"kind": "send_whatsapp", "id": "greet", "template": "welcome_v2"},
            ]})),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.text);
    let v2 = app
        .call(
            Method::POST,
            &format!("/api/admin/workflows/{id}/publish"),
            &admin,
            None,
        )
        .await;
    assert_eq!(v2.json()["version"], json!(2));

    let out = workflow_steps::run_step(&app.ctx, &tenant, run_v1, "greet")
        .await
        .unwrap();
    assert_eq!(out, StepOutcome::Completed);
    // replayed (a retry, a second replica, a replay from history): nothing is sent again
    let replay = workflow_steps::run_step(&app.ctx, &tenant, run_v1, "greet")
        .await
        .unwrap();
    assert_eq!(replay, StepOutcome::Idle);
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!("UPDATE workflow_runs SET status = 'running' WHERE id = '{run_v1}'"),
    )
    .await
    .unwrap();
    let forced = workflow_steps::run_step(&app.ctx, &tenant, run_v1, "greet")
        .await
        .unwrap();
    assert_eq!(forced, StepOutcome::Completed);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM whatsapp_messages WHERE template_name = 'welcome_v1'"
        )
        .await,
        1,
        "the run in flight finished on its version, once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'send-whatsapp'"
        )
        .await,
        1
    );

    let started = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "event-2",
    )
    .await
    .unwrap();
    workflow_steps::run_step(&app.ctx, &tenant, started[0].run_id, "greet")
        .await
        .unwrap();
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM whatsapp_messages WHERE template_name = 'welcome_v2'"
        )
        .await,
        1
    );
    let history = runs(&app, &admin, &id).await;
    let versions: Vec<i64> = history
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    let greet = &history[1]["steps"][0];
    assert_eq!(
        greet["attempts"],
        json!(2),
        "the forced replay counted, did not send"
    );
    assert_eq!(greet["output"]["replayed"], json!(true));
}

#[tokio::test]
async fn workflows_that_trigger_each_other_stop_at_the_depth_guard_with_a_visible_error() {
    let app = spawn_app().await;
    let worker = app.start_worker().await;
    let admin = app.admin_token();
    let (_, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let ping = workflow(
        &app,
        &admin,
        json!({"name": "ping", "trigger": {"event": "lead.stage_changed", "stage": "contacted"}, "steps": [
            {"kind": "set_stage", "id": "to-qualified", "stage": "qualified"},
        ]}),
    )
    .await;
    let pong = workflow(
        &app,
        &admin,
        json!({"name": "pong", "trigger": {"event": "lead.stage_changed", "stage": "qualified"}, "steps": [
            {"kind": "set_stage", "id": "to-contacted", "stage": "contacted"},
        ]}),
    )
    .await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead = push(&app, &key, &common::person(3)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{lead}/stage"),
            &agent,
            Some(json!({"stage": "contacted"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let failed = eventually(30, || {
        let (app, admin, ping, pong) = (&app, &admin, &ping, &pong);
        async move {
            let all = [runs(app, admin, ping).await, runs(app, admin, pong).await].concat();
            all.into_iter().find(|r| r["status"] == "failed")
        }
    })
    .await
    .expect("no run was stopped");
    assert!(
        failed["error"].as_str().unwrap().starts_with("depth_limit"),
        "{failed}"
    );
    assert_eq!(failed["depth"], json!(4));
    assert!(failed["steps"].as_array().unwrap().is_empty());
    // and nothing runs after it
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let total = runs(&app, &admin, &ping).await.len() + runs(&app, &admin, &pong).await.len();
    assert_eq!(total, 5, "depths 0 to 3 ran, depth 4 stopped");
    worker.stop().await;
}

#[tokio::test]
async fn a_failed_run_retries_from_its_failed_step_and_a_cancelled_run_runs_nothing_more() {
    use crm::{
        dto::workflows::TriggerEvent,
        service::{
            workflow_steps::{self, StepOutcome},
            workflows,
        },
    };
    let app = spawn_app().await;
    let admin = app.admin_token();
    common::approve_template(&app, &admin, "brochure").await;
    let id = workflow(
        &app,
        &admin,
        json!({"name": "two-steps", "trigger": {"event": "lead.created"}, "steps": [
            {"kind": "create_task", "id": "a", "title": "Call", "due_in_minutes": 30},
            {"kind": "send_whatsapp", "id": "b", "template": "brochure"},
        ]}),
    )
    .await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead: Uuid = push(&app, &key, &common::person(9)).await.json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let tenant = app
        .ctx
        .tenants
        .resolve(&app.db, Some("mr-mentor"))
        .await
        .unwrap();
    let run = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "e-1",
    )
    .await
    .unwrap()[0]
        .run_id;
    assert_eq!(
        workflow_steps::run_step(&app.ctx, &tenant, run, "a")
            .await
            .unwrap(),
        StepOutcome::Next {
            step: "b".into(),
            delay_ms: 0
        }
    );
    // step b's last attempt failed (what the worker records after the queue's retries)
    workflow_steps::fail_step(&app.ctx, run, "b", "provider down", 5)
        .await
        .unwrap();
    let history = runs(&app, &admin, &id).await;
    assert_eq!(history[0]["status"], json!("failed"));
    assert_eq!(history[0]["error"], json!("step b: provider down"));
    assert_eq!(history[0]["steps"][1]["status"], json!("failed"));
    assert_eq!(history[0]["steps"][1]["attempts"], json!(5));

    let retried = app
        .call(
            Method::POST,
            &format!("/api/admin/workflows/{id}/runs/{run}/retry"),
            &admin,
            None,
        )
        .await;
    assert_eq!(retried.status, 202, "{}", retried.text);
    assert_eq!(
        retried.json()["step_id"],
        json!("b"),
        "from the failed step"
    );
    assert_eq!(
        workflow_steps::run_step(&app.ctx, &tenant, run, "b")
            .await
            .unwrap(),
        StepOutcome::Completed
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM lead_tasks WHERE lead_id = '{lead}'")
        )
        .await,
        1,
        "step a did not run again"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM whatsapp_messages").await,
        1
    );
    app.call(
        Method::POST,
        &format!("/api/admin/workflows/{id}/runs/{run}/retry"),
        &admin,
        None,
    )
    .await
    .assert_problem(422, "validation_failed");

    let second = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "e-2",
    )
    .await
    .unwrap()[0]
        .run_id;
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/workflows/{id}/runs/{second}/cancel"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    assert_eq!(
        workflow_steps::run_step(&app.ctx, &tenant, second, "a")
            .await
            .unwrap(),
        StepOutcome::Idle
    );
    assert_eq!(
        runs(&app, &admin, &id).await[0]["status"],
        json!("cancelled")
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE action IN ('workflow_run.retried', 'workflow_run.cancelled')").await,
        2
    );
}

#[tokio::test]
async fn a_run_stuck_without_progress_gets_its_next_step_queued_again() {
    use crm::{dto::workflows::TriggerEvent, service::workflows};
    let app = spawn_app().await;
    let admin = app.admin_token();
    workflow(
        &app,
        &admin,
        json!({"name": "stuck", "trigger": {"event": "lead.created"}, "steps": [
            {"kind": "create_task", "id": "a", "title": "Call", "due_in_minutes": 30},
        ]}),
    )
    .await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead: Uuid = push(&app, &key, &common::person(4)).await.json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let tenant = app
        .ctx
        .tenants
        .resolve(&app.db, Some("mr-mentor"))
        .await
        .unwrap();
    let run = workflows::start_runs(
        &app.db,
        tenant.id,
        TriggerEvent::LeadCreated,
        None,
        lead,
        0,
        "e-1",
    )
    .await
    .unwrap()[0]
        .run_id;
    let crm = crm::Crm::new(&app.ctx, &app.jobs, app.config.crm.clone());
    let idle = chrono::Duration::minutes(10);
    assert_eq!(
        crm::workers::sweep_stale(&crm, idle).await.unwrap(),
        0,
        "not idle yet"
    );
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "UPDATE workflow_runs SET updated_at = now() - interval '20 minutes' WHERE id = '{run}'"
        ),
    )
    .await
    .unwrap();
    assert_eq!(crm::workers::sweep_stale(&crm, idle).await.unwrap(), 1);
    assert_eq!(
        crm::workers::sweep_stale(&crm, idle).await.unwrap(),
        0,
        "touched: not swept again at once"
    );
}
