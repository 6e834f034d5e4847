//! Issue 12: "a run's gateway killed -9 mid-step resumes without repeating a sent message".
//! The real binary runs as the worker (`gateway worker`); the workflow's WhatsApp send
//! stalls at a wiremock Cloud API, the worker is killed with SIGKILL during the call, another
//! worker process takes over: the run completes on it, and the Cloud API received the
//! message exactly once (the send's row was claimed `sending` before the call, so BullMQ's
//! stalled-job retry finds it interrupted and does not send it again).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, eventually, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

/// A `gateway worker` process of `app` (no HTTP), with WhatsApp pointed at `whatsapp`.
struct WorkerProcess(Child);

impl WorkerProcess {
    fn start(app: &TestApp, whatsapp: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_gateway"))
            .arg("worker")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_ENV", "development")
            .env(
                "DATABASE_URL",
                format!("{}/{}", testkit::postgres_server(), app.db_name),
            )
            .env("DB_POOL_MAX", "4")
            .env("REDIS_URL", app.config.kernel.redis_url.expose_secret())
            .env("REDIS_KEY_PREFIX", &app.config.kernel.redis_key_prefix)
            .env("BULLMQ_PREFIX", &app.config.kernel.bullmq_prefix)
            .env("WHATSAPP_API_BASE", whatsapp)
            .env("WHATSAPP_ACCESS_TOKEN", "wa-token")
            .env("WHATSAPP_PHONE_NUMBER_ID", "1055")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("starting a gateway worker");
        Self(child)
    }

    /// `kill -9`: no shutdown, no cleanup, as a crash.
    fn kill9(&mut self) {
        // std's Child::kill sends SIGKILL on Unix
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

async fn one_string(app: &TestApp, sql: &str) -> Option<String> {
    app.db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap()
        .and_then(|r| r.try_get_by_index::<String>(0).ok())
}

#[tokio::test]
async fn a_worker_killed_9_during_a_whatsapp_step_resumes_without_sending_it_twice() {
    let cloud = MockServer::start().await;
    // the Cloud API takes longer than the worker lives
    Mock::given(method("POST"))
        .and(path("/1055/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"messaging_product": "whatsapp", "messages": [{"id": "wamid.K9"}]}),
                )
                .set_delay(Duration::from_secs(120)),
        )
        .mount(&cloud)
        .await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("WHATSAPP_API_BASE", cloud.uri())
            .env("WHATSAPP_ACCESS_TOKEN", "wa-token")
            .env("WHATSAPP_PHONE_NUMBER_ID", "1055"),
    )
    .await;
    let admin = app.admin_token();
    let (agent, _) = app.user(Role::Sales, &[], "mr-mentor");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/admin/crm/agents/{agent}"),
            &admin,
            Some(json!({"active": true, "capacity": 10, "weight": 1})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .call(
            Method::PUT,
            "/api/admin/crm/whatsapp-templates",
            &admin,
            Some(json!({"name": "welcome_k9", "language": "en", "approved": true})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // greet, wait a little, then a task: the run is still going when the worker dies
    let until = (chrono::Utc::now() + chrono::Duration::seconds(20)).to_rfc3339();
    let res = app
        .call(
            Method::POST,
            "/api/admin/workflows",
            &admin,
            Some(json!({"name": "k9", "trigger": {"event": "lead.created"}, "steps": [
                {"kind": "send_whatsapp", "id": "greet", "template": "welcome_k9"},
                {"kind": "wait", "id": "pause", "until": until},
                {"kind": "create_task", "id": "call", "title": "Call back", "due_in_minutes": 60},
            ]})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let workflow = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/workflows/{workflow}/publish"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let mut first = WorkerProcess::start(&app, &cloud.uri());
    let res = app
        .req(Method::POST, "/api/admin/vendors")
        .bearer(&admin)
        .json(&json!({"name": "k9-vendor"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let key = res.json()["api_key"].as_str().unwrap().to_owned();
    let res = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", &key)
        .json(&json!({"full_name": "Kill Nine", "phone": "9812345678", "email": "k9@example.com"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // the send is in flight at the Cloud API: kill -9 the worker now
    eventually(60, || {
        let cloud = &cloud;
        async move {
            (!cloud
                .received_requests()
                .await
                .unwrap_or_default()
                .is_empty())
            .then_some(())
        }
    })
    .await
    .expect("the WhatsApp step never reached the Cloud API");
    first.kill9();
    let run_status = one_string(&app, "SELECT status FROM workflow_runs LIMIT 1").await;
    assert_ne!(
        run_status.as_deref(),
        Some("completed"),
        "the worker died before the run finished"
    );

    // another worker process takes over (BullMQ returns the dead worker's active jobs once
    // their locks expire)
    let _second = WorkerProcess::start(&app, &cloud.uri());
    let runs = eventually(150, || {
        let (app, admin, workflow) = (&app, &admin, &workflow);
        async move {
            let r = app
                .call(
                    Method::GET,
                    &format!("/api/admin/workflows/{workflow}/runs"),
                    admin,
                    None,
                )
                .await
                .json();
            let items = r["items"].as_array().cloned().unwrap_or_default();
            items
                .first()
                .is_some_and(|run| run["status"] == "completed")
                .then_some(items)
        }
    })
    .await
    .expect("the run did not complete on the second worker");
    let steps: Vec<Value> = runs[0]["steps"].as_array().unwrap().clone();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(steps.iter().all(|s| s["status"] == "done"), "{steps:?}");
    // the stalled send was taken up again by the second worker and not repeated
    let message = eventually(150, || {
        let app = &app;
        async move {
            one_string(app, "SELECT status FROM whatsapp_messages LIMIT 1")
                .await
                .filter(|s| s != "sending")
        }
    })
    .await
    .expect("the interrupted send was never taken up again");
    assert_eq!(message, "uncertain");
    assert_eq!(
        cloud.received_requests().await.unwrap().len(),
        1,
        "the Cloud API received the message exactly once"
    );
    assert_eq!(
        one_string(&app, "SELECT count(*)::text FROM lead_tasks")
            .await
            .as_deref(),
        Some("1")
    );
}
