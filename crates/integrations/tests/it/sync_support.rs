//! The sync tests' app: wiremock servers standing in for Graphy and EzExam (their base URLs,
//! a page size of 2 and a 1 s minimum interval in the app's environment), the outside data
//! they serve page by page, and request helpers.
#![allow(dead_code)]

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param},
};

/// Items per page in these tests.
pub const PAGE: usize = 2;

/// A recognisable key: it must never come back in any answer, job or log line.
pub const LEAKY: &str = "gk_LEAK-canary-51e9b7d3";

/// The app (HTTP and the outbox relay; workers are started by the tests) and the providers.
pub struct SyncApp {
    pub app: TestApp,
    pub admin: String,
    pub graphy: MockServer,
    pub ezexam: MockServer,
}

/// Starts the providers and the app pointing at them.
pub async fn sync_app() -> SyncApp {
    sync_app_with(TestOptions::default()).await
}

/// Like [`sync_app`] with more options.
pub async fn sync_app_with(options: TestOptions) -> SyncApp {
    let graphy = MockServer::start().await;
    let ezexam = MockServer::start().await;
    let mut with = TestOptions::default()
        .env("GRAPHY_BASE_URL", graphy.uri())
        .env("EZEXAM_BASE_URL", ezexam.uri())
        .env("SYNC_PAGE_SIZE", PAGE.to_string())
        .env("SYNC_MIN_INTERVAL_SECS", "1")
        .env("SYNC_TIMEOUT_MS", "2000")
        // the wiremock servers' host, so configs may name them as their own base URL
        .env("SYNC_ALLOWED_HOSTS", "127.0.0.1");
    // the caller's settings win
    with.env.extend(options.env);
    with.role = options.role;
    with.database_host_port = options.database_host_port;
    let app = spawn_app_with(with).await;
    let admin = app.admin_token();
    SyncApp {
        app,
        admin,
        graphy,
        ezexam,
    }
}

impl SyncApp {
    /// Sends `body` with the admin's token.
    pub async fn send(&self, m: Method, uri: &str, body: Option<Value>) -> TestResponse {
        let mut req = self.app.req(m, uri).bearer(&self.admin);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await
    }

    /// Creates a config (`kind` is `graphy` or `ezexam`) and returns its id.
    pub async fn config(&self, kind: &str, body: Value) -> Uuid {
        let res = self
            .send(
                Method::POST,
                &format!("/api/{kind}/sync-configs"),
                Some(body),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()["id"].as_str().unwrap().parse().unwrap()
    }

    /// Queues a run now.
    pub async fn run_now(&self, kind: &str, id: Uuid) {
        let res = self
            .send(
                Method::POST,
                &format!("/api/{kind}/sync-configs/{id}/run"),
                None,
            )
            .await;
        assert_eq!(res.status, 202, "{}", res.text);
    }

    /// The config's runs, newest first.
    pub async fn runs(&self, kind: &str, id: Uuid) -> Vec<Value> {
        let res = self
            .send(
                Method::GET,
                &format!("/api/{kind}/sync-configs/{id}/runs?limit=100"),
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json().as_array().unwrap().clone()
    }

    /// Waits until the config has a run in `status`; returns the runs then.
    pub async fn wait_run(&self, kind: &str, id: Uuid, status: &str, secs: u64) -> Vec<Value> {
        testkit::eventually(secs, || async {
            let runs = self.runs(kind, id).await;
            runs.iter().any(|r| r["status"] == status).then_some(runs)
        })
        .await
        .unwrap_or_else(|| panic!("no {status} run of {id} within {secs} s"))
    }

    /// The rows of a query as JSON objects (`row_to_json`).
    pub async fn rows(&self, sql: &str) -> Vec<Value> {
        self.app
            .db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT row_to_json(x)::text AS j FROM ({sql}) x"),
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_str(&r.try_get::<String>("", "j").unwrap()).unwrap())
            .collect()
    }
}

/// `n` Graphy enrolments (`enr-1`…), learners `lrn-1`… in course `crs-1` (odd) or `crs-2`.
pub fn enrolments(n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| {
            json!({"id": format!("enr-{i}"), "status": "active",
                   "enrolled_at": format!("2026-11-{:02}T10:00:00Z", i.min(28)),
                   "learner": {"id": format!("lrn-{i}"), "name": format!("Learner {i}"),
                               "email": format!("l{i}@example.com"), "phone": format!("+9198765432{i:02}")},
                   "course": {"id": format!("crs-{}", 2 - i % 2), "title": "Data Analytics"}})
        })
        .collect()
}

/// Progress of each of `n` learners (`percent` 10·i, last active long ago: stale).
pub fn progress(n: usize) -> Vec<Value> {
    let stale = "2026-01-05T10:00:00Z";
    (1..=n)
        .map(|i| {
            json!({"learner_id": format!("lrn-{i}"), "course_id": format!("crs-{}", 2 - i % 2),
                   "percent": (i * 10) as f64, "completed_lessons": i, "total_lessons": 10,
                   "last_activity_at": stale})
        })
        .collect()
}

/// The page `page` (1-based) of `items`, [`PAGE`] per page.
pub fn page_of(items: &[Value], page: usize) -> Value {
    let start = (page - 1) * PAGE;
    let data: Vec<Value> = items.iter().skip(start).take(PAGE).cloned().collect();
    json!({"data": data, "page": page, "per_page": PAGE, "has_more": start + PAGE < items.len()})
}

/// Serves `items` at `route`, page by page (the pages the listing has; one empty page when
/// it has none).
pub async fn serve(server: &MockServer, route: &str, items: &[Value]) {
    let pages = items.len().div_ceil(PAGE).max(1);
    for page in 1..=pages {
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_of(items, page)))
            .mount(server)
            .await;
    }
}

/// A Graphy with `n` enrolments and progress records.
pub async fn graphy_with(server: &MockServer, n: usize) {
    serve(server, "/v1/enrolments", &enrolments(n)).await;
    serve(server, "/v1/progress", &progress(n)).await;
}

/// How long a test waits for a queued job's effect.
pub const WAIT: u64 = 20;

/// A short pause.
pub async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}
