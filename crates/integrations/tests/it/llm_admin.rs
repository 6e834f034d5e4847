//! Agent configuration (GET/PUT, validation, audit) and sealed credentials (write-only,
//! never in any answer, even when providers echo them back in their errors).

use reqwest::Method;
use serde_json::{Value, json};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path_regex},
};

use crate::common::*;

#[tokio::test]
async fn agent_config_reads_defaults_validates_and_audits_changes() {
    let t = ai_app().await;
    let res = t
        .send(Method::GET, "/api/admin/agent-config/course_plan", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let seeded = res.json();
    assert_eq!(seeded["agent"], "course_plan");
    assert_eq!(seeded["providers"].as_array().unwrap().len(), 4);
    assert_eq!(seeded["providers"][0]["provider"], "openai");

    t.send(Method::GET, "/api/admin/agent-config/poetry", None)
        .await
        .assert_problem(404, "not_found");

    let put = |providers: Value| {
        t.send(
            Method::PUT,
            "/api/admin/agent-config/course_plan",
            Some(json!({"providers": providers})),
        )
    };
    let mut hot = entry("openai", "gpt-x");
    hot["temperature"] = json!(2.5);
    let res = put(json!([hot])).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert!(problem.to_string().contains("temperature"), "{problem}");
    let res = put(json!([])).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert!(problem.to_string().contains("providers"), "{problem}");
    let six: Vec<Value> = (0..6).map(|_| entry("groq", "llama-x")).collect();
    put(json!(six))
        .await
        .assert_problem(422, "validation_failed");
    let mut bad_model = entry("openai", "gpt x; drop");
    bad_model["max_output_tokens"] = json!(100);
    let problem = put(json!([bad_model]))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem.to_string().contains("model"), "{problem}");
    let problem = put(json!([{"provider": "mistral", "model": "m"}]))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "providers[0].provider");

    let res = put(json!([entry("groq", "llama-x"), entry("openai", "gpt-x")])).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let got = t
        .send(Method::GET, "/api/admin/agent-config/course_plan", None)
        .await
        .json();
    assert_eq!(got["providers"][0]["provider"], "groq");
    assert_eq!(got["providers"][1]["model"], "gpt-x");

    let audit = t
        .send(
            Method::GET,
            "/api/admin/audit-log?action=agent_config.updated",
            None,
        )
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    let items = audit.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "refused changes leave no entry: {items:?}");
    assert_eq!(items[0]["target_id"], "course_plan");
    assert_eq!(items[0]["before"]["providers"][0]["provider"], "openai");
    assert_eq!(items[0]["after"]["providers"][0]["provider"], "groq");
    assert!(items[0]["request_id"].is_string());

    // a plain user cannot read or change it
    let user = t.app.user_token();
    t.app
        .req(Method::GET, "/api/admin/agent-config/course_plan")
        .bearer(&user)
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn credentials_are_write_only_and_never_leak() {
    let logs = testkit::logs::capture();
    let t = ai_app().await;
    let listed = t.send(Method::GET, "/api/admin/credentials", None).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json(), json!([]));

    let mut bodies = Vec::new();
    let res = t
        .send(
            Method::PUT,
            "/api/admin/credentials/openai",
            Some(json!({"value": LEAKY})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["set"], true);
    bodies.push(res.text.clone());
    t.keys(&["anthropic", "gemini", "groq"], LEAKY).await;
    t.send(
        Method::PUT,
        "/api/admin/credentials/mistral",
        Some(json!({"value": LEAKY})),
    )
    .await
    .assert_problem(404, "not_found");
    t.send(
        Method::PUT,
        "/api/admin/credentials/openai",
        Some(json!({"value": "short"})),
    )
    .await
    .assert_problem(422, "validation_failed");

    let listed = t.send(Method::GET, "/api/admin/credentials", None).await;
    let listed_json = listed.json();
    let items = listed_json.as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["anthropic", "gemini", "groq", "openai"]);
    assert!(
        items
            .iter()
            .all(|c| c["set"] == true && c["updated_at"].is_string())
    );
    bodies.push(listed.text.clone());

    // sealed at rest
    let stored: Vec<String> = {
        use sea_orm::{ConnectionTrait, Statement};
        t.app
            .db
            .query_all_raw(Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT sealed FROM ai_credentials",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "sealed").unwrap())
            .collect()
    };
    assert_eq!(stored.len(), 4);
    assert!(
        stored
            .iter()
            .all(|s| s.starts_with("v1:") && !s.contains(LEAKY))
    );

    // every provider fails, echoing the key it was sent in its error message
    let echo = format!("Incorrect API key provided: {LEAKY}");
    Mock::given(method("POST"))
        .and(path_regex(".*"))
        .respond_with(error_answer(500, &echo))
        .mount(&t.providers.openai)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(".*"))
        .respond_with(error_answer(429, &echo))
        .mount(&t.providers.anthropic)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(".*"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("garbage {LEAKY}")))
        .mount(&t.providers.groq)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(".*"))
        .respond_with(error_answer(401, &echo))
        .mount(&t.providers.gemini)
        .await;
    t.agent(
        "workflow_text",
        &[
            ("openai", "a"),
            ("anthropic", "b"),
            ("groq", "c"),
            ("gemini", "d"),
        ],
    )
    .await;
    let res = t.complete("workflow_text", json!("x"), None).await;
    let problem = res.assert_problem(502, "ai_provider_error");
    assert!(
        problem["detail"].as_str().unwrap().contains("[redacted]"),
        "{problem}"
    );
    bodies.push(res.text.clone());
    // timeouts and schema failures too
    t.providers.openai.reset().await;
    on_chat(
        &t.providers.openai,
        openai_answer(&format!("{{\"k\": \"{LEAKY}\"}}"), 1, 1)
            .set_delay(std::time::Duration::from_millis(TIMEOUT_MS * 3)),
    )
    .await;
    t.agent("workflow_text", &[("openai", "a")]).await;
    let res = t
        .complete("workflow_text", json!("x"), Some(json!({"type": "array"})))
        .await;
    assert_eq!(res.status, 502, "{}", res.text);
    bodies.push(res.text.clone());

    for uri in [
        "/api/admin/ai-calls?limit=100",
        "/api/admin/ai-usage",
        "/api/admin/credentials",
        "/api/admin/audit-log?limit=100",
        "/api/admin/agent-config/workflow_text",
    ] {
        let res = t.send(Method::GET, uri, None).await;
        assert_eq!(res.status, 200, "{uri}: {}", res.text);
        bodies.push(res.text.clone());
    }
    let audit = t
        .send(
            Method::GET,
            "/api/admin/audit-log?action=credential.stored",
            None,
        )
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 4);
    for body in &bodies {
        assert!(!body.contains(LEAKY), "the key leaked: {body}");
        assert!(!body.contains("canary"), "part of the key leaked: {body}");
    }
    // and no log line of the process (this test's failing calls included) holds it
    if let Some(logs) = logs {
        let text = logs.text();
        assert!(
            text.contains("LLM attempt failed"),
            "the failing calls were logged: {text}"
        );
        assert!(!text.contains("canary"), "the key reached a log line");
    }
    // the key reached the providers only in headers
    let sent = &t.providers.gemini.received_requests().await.unwrap()[0];
    assert!(!sent.url.as_str().contains(LEAKY));
    assert_eq!(
        sent.headers
            .get("x-goog-api-key")
            .unwrap()
            .to_str()
            .unwrap(),
        LEAKY
    );

    // a plain ADMIN of another platform sees none of it
    let other = t.app.token(kernel::auth::Role::Admin, &[], "mr-hire");
    let res = t
        .app
        .req(Method::GET, "/api/admin/credentials")
        .platform("mr-hire")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json(), json!([]));
}

#[tokio::test]
async fn another_platforms_admin_can_neither_read_nor_change_this_platforms_ai() {
    let t = ai_app().await;
    let other = t.app.token(kernel::auth::Role::Admin, &[], "mr-hire");
    for (m, uri, body) in [
        (Method::GET, "/api/admin/agent-config/course_plan", None),
        (
            Method::PUT,
            "/api/admin/agent-config/course_plan",
            Some(json!({"providers": [entry("groq", "x")]})),
        ),
        (
            Method::PUT,
            "/api/admin/credentials/openai",
            Some(json!({"value": LEAKY})),
        ),
        (Method::GET, "/api/admin/ai-calls", None),
        (Method::GET, "/api/admin/ai-usage", None),
    ] {
        let mut req = t.app.req(m, uri).platform("mr-mentor").bearer(&other);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.assert_problem(403, "wrong_platform");
    }
    // nothing changed on mr-mentor: seeded providers, no key, no audit entry
    let got = t
        .send(Method::GET, "/api/admin/agent-config/course_plan", None)
        .await
        .json();
    assert_eq!(got["providers"][0]["provider"], "openai");
    let keys = t.send(Method::GET, "/api/admin/credentials", None).await;
    assert_eq!(keys.json(), json!([]));
    // mr-hire's own configuration is its own
    let res = t
        .app
        .req(Method::PUT, "/api/admin/agent-config/course_plan")
        .platform("mr-hire")
        .bearer(&other)
        .json(&json!({"providers": [entry("groq", "hire-model")]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let mine = t
        .send(Method::GET, "/api/admin/agent-config/course_plan", None)
        .await
        .json();
    assert_eq!(mine["providers"][0]["provider"], "openai");
    let audit = t
        .send(
            Method::GET,
            "/api/admin/audit-log?action=agent_config.updated",
            None,
        )
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 0);
}
