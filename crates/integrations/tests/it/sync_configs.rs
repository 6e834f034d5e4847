//! Sync configs through the admin API: validation, the key stored sealed and never shown
//! (answers, job data, run errors, log lines), and another platform's admin who cannot see,
//! change, run or proxy through a config.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path_regex},
};

use crate::sync_support::*;

#[tokio::test]
async fn configs_are_validated_and_audited() {
    let t =
        sync_app_with(testkit::TestOptions::default().env("SYNC_MIN_INTERVAL_SECS", "60")).await;
    let ok = json!({"name": "School", "api_key": "graphy-key-123", "interval_seconds": 60});
    let res = t
        .send(Method::POST, "/api/graphy/sync-configs", Some(ok.clone()))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let created = res.json();
    assert_eq!(created["api_key_set"], true);
    assert_eq!(created["enabled"], true);
    assert!(created.get("api_key").is_none());
    t.send(Method::POST, "/api/graphy/sync-configs", Some(ok.clone()))
        .await
        .assert_problem(409, "sync_config_exists");
    let mut short = ok.clone();
    short["name"] = json!("other");
    short["interval_seconds"] = json!(30);
    let body = t
        .send(Method::POST, "/api/graphy/sync-configs", Some(short))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "interval_seconds");
    let mut exams = ok.clone();
    exams["name"] = json!("other");
    exams["filters"] = json!({"exam_ids": ["ex-1"]});
    t.send(Method::POST, "/api/graphy/sync-configs", Some(exams))
        .await
        .assert_problem(422, "validation_failed");
    let nudges = json!({"name": "n", "api_key": "graphy-key-123", "interval_seconds": 60, "reminders_enabled": true});
    t.send(Method::POST, "/api/graphy/sync-configs", Some(nudges))
        .await
        .assert_problem(422, "validation_failed");
    let nudges = json!({"name": "n", "api_key": "ezexam-key-123", "interval_seconds": 60, "reminders_enabled": true, "reminder_template": "t"});
    t.send(Method::POST, "/api/ezexam/sync-configs", Some(nudges))
        .await
        .assert_problem(422, "validation_failed");
    let bad_url = json!({"name": "u", "api_key": "graphy-key-123", "interval_seconds": 60, "base_url": "ftp://x"});
    t.send(Method::POST, "/api/graphy/sync-configs", Some(bad_url))
        .await
        .assert_problem(422, "validation_failed");
    // a platform ADMIN cannot point the sync (and the key, and the proxies) at an internal
    // address: only SYNC_ALLOWED_HOSTS may be named
    for internal in [
        "http://169.254.169.254/latest/meta-data",
        "http://localhost:6379",
        "http://10.0.0.5",
        "http://127.0.0.1.nip.io",
    ] {
        let body = json!({"name": "ssrf", "api_key": "graphy-key-123", "interval_seconds": 60, "base_url": internal});
        let res = t
            .send(Method::POST, "/api/graphy/sync-configs", Some(body))
            .await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.json()["errors"][0]["field"], "base_url", "{internal}");
    }

    let id = created["id"].as_str().unwrap();
    let res = t
        .send(
            Method::PATCH,
            &format!("/api/graphy/sync-configs/{id}"),
            Some(json!({"interval_seconds": 120, "filters": {"course_ids": ["crs-1"]}})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["filters"], json!({"course_ids": ["crs-1"]}));
    let audit = t
        .rows(&format!(
            "SELECT action FROM audit_log WHERE target_id = '{id}' ORDER BY created_at"
        ))
        .await;
    let actions: Vec<&str> = audit
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["sync_config.created", "sync_config.updated"]);
    let listed = t
        .send(Method::GET, "/api/graphy/sync-configs", None)
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        t.send(Method::GET, "/api/ezexam/sync-configs", None)
            .await
            .json(),
        json!([])
    );
}

#[tokio::test]
async fn the_key_is_sealed_and_never_leaves() {
    let logs = testkit::logs::capture();
    let t = sync_app().await;
    // Graphy refuses every call, echoing the key it was sent
    Mock::given(method("GET"))
        .and(path_regex(".*"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"message": format!("invalid token {LEAKY}")}})),
        )
        .mount(&t.graphy)
        .await;
    let mut bodies = Vec::new();
    let res = t
        .send(Method::POST, "/api/graphy/sync-configs", Some(json!({"name": "leaky", "api_key": LEAKY, "interval_seconds": 3600, "enabled": false})))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    bodies.push(res.text.clone());
    let id = res.json()["id"].as_str().unwrap().to_owned();
    bodies.push(
        t.send(Method::GET, "/api/graphy/sync-configs", None)
            .await
            .text,
    );
    bodies.push(
        t.send(Method::GET, &format!("/api/graphy/sync-configs/{id}"), None)
            .await
            .text,
    );
    let res = t
        .send(
            Method::PATCH,
            &format!("/api/graphy/sync-configs/{id}"),
            Some(json!({"api_key": LEAKY})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    bodies.push(res.text);
    // the proxy's error names Graphy's complaint, not the key
    let res = t
        .send(
            Method::GET,
            &format!("/api/graphy/learners?config_id={id}"),
            None,
        )
        .await;
    let problem = res.assert_problem(502, "external_api_error");
    assert!(
        problem["detail"].as_str().unwrap().contains("[redacted]"),
        "{problem}"
    );
    bodies.push(res.text);

    let worker = t.app.start_worker().await;
    t.run_now("graphy", id.parse().unwrap()).await;
    let runs = t
        .wait_run("graphy", id.parse().unwrap(), "failed", WAIT)
        .await;
    bodies.push(serde_json::to_string(&runs).unwrap());
    // the job as the queue dashboard shows it: an id, no key
    let superadmin = t.app.superadmin_token();
    let res = t
        .app
        .req(
            Method::GET,
            "/api/admin/queues/mrlearnSyncQueue/jobs?state=delayed",
        )
        .bearer(&superadmin)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.text.contains(&id), "{}", res.text);
    bodies.push(res.text);
    for body in &bodies {
        assert!(!body.contains(LEAKY), "the key leaked: {body}");
    }
    // it was sent, as a bearer token
    let sent = t.graphy.received_requests().await.unwrap();
    assert!(sent.iter().any(|r| {
        r.headers
            .get("authorization")
            .is_some_and(|v| v == &format!("Bearer {LEAKY}"))
    }));
    assert!(sent.iter().all(|r| !r.url.as_str().contains(LEAKY)));
    // sealed at rest
    let stored = t
        .rows("SELECT api_key_sealed FROM mrlearn_sync_configs")
        .await;
    let sealed = stored[0]["api_key_sealed"].as_str().unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(LEAKY));
    let audit = t
        .rows("SELECT before::text AS b, after::text AS a FROM audit_log")
        .await;
    assert!(!serde_json::to_string(&audit).unwrap().contains(LEAKY));
    worker.stop().await;
    if let Some(logs) = logs {
        assert!(!logs.text().contains(LEAKY), "the key reached a log line");
    }
}

#[tokio::test]
async fn another_platforms_admin_cannot_reach_a_config() {
    let t = sync_app().await;
    let id = t
        .config(
            "graphy",
            json!({"name": "mentor", "api_key": "graphy-key-123", "interval_seconds": 3600}),
        )
        .await;
    let other = t.app.token(Role::Admin, &[], "mr-hire");
    let as_other = |m: Method, uri: String, body: Option<serde_json::Value>| {
        let mut req = t.app.req(m, &uri).bearer(&other).platform("mr-hire");
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    for (m, uri, body) in [
        (Method::GET, format!("/api/graphy/sync-configs/{id}"), None),
        (
            Method::PATCH,
            format!("/api/graphy/sync-configs/{id}"),
            Some(json!({"enabled": false})),
        ),
        (
            Method::DELETE,
            format!("/api/graphy/sync-configs/{id}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/graphy/sync-configs/{id}/run"),
            None,
        ),
        (
            Method::GET,
            format!("/api/graphy/sync-configs/{id}/runs"),
            None,
        ),
        (
            Method::GET,
            format!("/api/graphy/learners?config_id={id}"),
            None,
        ),
    ] {
        as_other(m, uri, body)
            .await
            .assert_problem(404, "sync_config_not_found");
    }
    assert_eq!(
        as_other(Method::GET, "/api/graphy/sync-configs".into(), None)
            .await
            .json(),
        json!([])
    );
    // the other platform's token on this platform
    t.app
        .req(Method::GET, &format!("/api/graphy/sync-configs/{id}"))
        .bearer(&other)
        .send()
        .await
        .assert_problem(403, "wrong_platform");
    let row = t
        .send(Method::GET, &format!("/api/graphy/sync-configs/{id}"), None)
        .await
        .json();
    assert_eq!(row["enabled"], true, "unchanged");
    let outbox = t
        .rows("SELECT count(*) AS n FROM outbox WHERE queue = 'mrlearnSyncQueue'")
        .await;
    assert_eq!(outbox[0]["n"], 0, "no run was queued");
}
