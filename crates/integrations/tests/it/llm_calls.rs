//! Running agents against wiremock providers: fallback order on 429, 5xx and timeouts, no
//! fallback on another 4xx, structured output, the monthly budget, and the call records.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use wiremock::{
    Mock,
    matchers::{header, method, path},
};

use crate::common::*;

#[tokio::test]
async fn providers_fall_back_in_order_on_429_5xx_and_timeouts() {
    let t = ai_app().await;
    t.keys(&["openai", "anthropic", "gemini", "groq"], "sk-test-key-1")
        .await;
    t.agent(
        "workflow_text",
        &[
            ("openai", "gpt-x"),
            ("anthropic", "claude-x"),
            ("groq", "llama-x"),
            ("gemini", "gemini-x"),
        ],
    )
    .await;
    on_chat(&t.providers.openai, error_answer(429, "slow down")).await;
    on_messages(&t.providers.anthropic, error_answer(503, "overloaded")).await;
    on_chat(
        &t.providers.groq,
        openai_answer("late", 1, 1).set_delay(Duration::from_millis(TIMEOUT_MS * 3)),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v1beta/models/gemini-x:generateContent"))
        .and(header("x-goog-api-key", "sk-test-key-1"))
        .respond_with(gemini_answer("Hello from Gemini", 1_000, 500))
        .mount(&t.providers.gemini)
        .await;

    let res = t.complete("workflow_text", json!("hello"), None).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["provider"], "gemini");
    assert_eq!(body["text"], "Hello from Gemini");
    assert_eq!(body["tokens_in"], 1_000);
    assert_eq!(body["tokens_out"], 500);
    // 1000 × 1000 / 1e6 + 500 × 2000 / 1e6 = 1 + 1 paise
    assert_eq!(body["cost_paise"], 2);

    // each failing provider was tried twice (one retry), in the configured order
    assert_eq!(hits(&t.providers.openai).await, 2);
    assert_eq!(hits(&t.providers.anthropic).await, 2);
    assert_eq!(hits(&t.providers.groq).await, 2);
    assert_eq!(hits(&t.providers.gemini).await, 1);
    let expected: Vec<(String, String)> = [
        ("openai", "rate_limited"),
        ("openai", "rate_limited"),
        ("anthropic", "server_error"),
        ("anthropic", "server_error"),
        ("groq", "timeout"),
        ("groq", "timeout"),
        ("gemini", "ok"),
    ]
    .iter()
    .map(|(p, o)| ((*p).to_owned(), (*o).to_owned()))
    .collect();
    assert_eq!(t.outcomes().await, expected);

    // the prompt was rendered and the key sent as a bearer token
    let sent = &t.providers.openai.received_requests().await.unwrap()[0];
    let sent_body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(sent_body["model"], "gpt-x");
    assert_eq!(sent_body["messages"][0]["content"], "Say: hello");
    assert_eq!(
        sent.headers.get("authorization").unwrap().to_str().unwrap(),
        "Bearer sk-test-key-1"
    );

    // the record of the answer: tokens, cost, prompt version, request id
    let calls = t
        .send(
            Method::GET,
            "/api/admin/ai-calls?agent=workflow_text&limit=1",
            None,
        )
        .await;
    assert_eq!(calls.status, 200, "{}", calls.text);
    let last = &calls.json()["items"][0];
    assert_eq!(last["outcome"], "ok");
    assert_eq!(last["model"], "gemini-x");
    assert_eq!(last["prompt_version"], "t1");
    assert_eq!(last["tokens_in"], 1_000);
    assert_eq!(last["cost_paise"], 2);
    assert!(last["request_id"].is_string());
    assert!(calls.json()["next_cursor"].is_string());

    // finance's monthly summary
    let usage = t.send(Method::GET, "/api/admin/ai-usage", None).await;
    assert_eq!(usage.status, 200, "{}", usage.text);
    let usage = usage.json();
    assert_eq!(usage["total_cost_paise"], 2);
    assert_eq!(usage["agents"][0]["agent"], "workflow_text");
    assert_eq!(usage["agents"][0]["calls"], 7);
    assert_eq!(usage["agents"][0]["ok_calls"], 1);
    let old = t
        .send(Method::GET, "/api/admin/ai-usage?month=2020-01", None)
        .await;
    assert_eq!(old.status, 200, "{}", old.text);
    assert_eq!(old.json()["total_cost_paise"], 0);
    t.send(Method::GET, "/api/admin/ai-usage?month=2020-13", None)
        .await
        .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_bad_request_does_not_fall_back() {
    let t = ai_app().await;
    t.keys(&["openai", "anthropic"], "sk-test-key-2").await;
    t.agent(
        "course_plan",
        &[("openai", "gpt-x"), ("anthropic", "claude-x")],
    )
    .await;
    on_chat(
        &t.providers.openai,
        error_answer(400, "max_tokens is too large"),
    )
    .await;
    on_messages(&t.providers.anthropic, anthropic_answer("never", 1, 1)).await;

    let res = t
        .complete("course_plan", json!({"topic": "SQL"}), None)
        .await;
    let problem = res.assert_problem(502, "ai_provider_error");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("max_tokens is too large"),
        "{problem}"
    );
    assert_eq!(hits(&t.providers.openai).await, 1);
    assert_eq!(hits(&t.providers.anthropic).await, 0);
    assert_eq!(
        t.outcomes().await,
        vec![("openai".to_owned(), "client_error".to_owned())]
    );
}

#[tokio::test]
async fn structured_output_is_validated_retried_once_then_the_next_provider() {
    let t = ai_app().await;
    t.keys(&["openai", "anthropic"], "sk-test-key-3").await;
    t.agent(
        "resume_screening",
        &[("openai", "gpt-x"), ("anthropic", "claude-x")],
    )
    .await;
    let schema = json!({"type": "object", "required": ["score", "summary"],
        "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100},
                       "summary": {"type": "string"}}});

    // invalid once, then valid: answered by the same provider
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(openai_answer(r#"{"score": "high"}"#, 10, 5))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&t.providers.openai)
        .await;
    on_chat(
        &t.providers.openai,
        openai_answer(r#"{"score": 82, "summary": "strong SQL"}"#, 10, 7),
    )
    .await;
    let res = t
        .complete(
            "resume_screening",
            json!("resume text"),
            Some(schema.clone()),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["provider"], "openai");
    assert_eq!(
        res.json()["output"],
        json!({"score": 82, "summary": "strong SQL"})
    );
    let sent: serde_json::Value =
        serde_json::from_slice(&t.providers.openai.received_requests().await.unwrap()[0].body)
            .unwrap();
    assert_eq!(sent["response_format"]["json_schema"]["schema"], schema);
    assert_eq!(
        t.outcomes().await,
        vec![
            ("openai".to_owned(), "invalid_output".to_owned()),
            ("openai".to_owned(), "ok".to_owned()),
        ]
    );

    // invalid everywhere: each provider asked twice, then 502 ai_invalid_output
    t.providers.openai.reset().await;
    on_chat(&t.providers.openai, openai_answer("not json at all", 3, 3)).await;
    on_messages(
        &t.providers.anthropic,
        anthropic_answer(r#"{"score": 500}"#, 3, 3),
    )
    .await;
    let res = t
        .complete("resume_screening", json!("resume text"), Some(schema))
        .await;
    res.assert_problem(502, "ai_invalid_output");
    assert_eq!(hits(&t.providers.openai).await, 2);
    assert_eq!(hits(&t.providers.anthropic).await, 2);
    let outcomes = t.outcomes().await;
    assert_eq!(outcomes.len(), 6);
    assert!(
        outcomes[2..].iter().all(|(_, o)| o == "invalid_output"),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn the_monthly_budget_refuses_once_spent() {
    let t = ai_app().await;
    t.keys(&["groq"], "sk-test-key-4").await;
    t.agent("student_profile_summary", &[("groq", "llama-x")])
        .await;
    let set = t
        .send(
            Method::PUT,
            "/api/system-config/AI_MONTHLY_BUDGET_PAISE",
            Some(json!({"value": 5})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    // 2000 in × 1000 + 1500 out × 2000 per million = 2 + 3 = 5 paise: the budget
    on_chat(&t.providers.groq, openai_answer("summary", 2_000, 1_500)).await;
    let res = t
        .complete("student_profile_summary", json!("profile"), None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["cost_paise"], 5);

    let refused = t
        .complete("student_profile_summary", json!("profile"), None)
        .await;
    refused.assert_problem(429, "ai_budget_exhausted");
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=31 * 24 * 3600).contains(&retry_after), "{retry_after}");
    assert_eq!(hits(&t.providers.groq).await, 1);
    assert_eq!(
        t.outcomes().await,
        vec![
            ("groq".to_owned(), "ok".to_owned()),
            ("groq".to_owned(), "refused_budget".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_agent_without_any_key_is_not_configured_and_users_cannot_call() {
    let t = ai_app().await;
    t.complete("workflow_text", json!("x"), None)
        .await
        .assert_problem(503, "provider_not_configured");
    let outcomes = t.outcomes().await;
    assert_eq!(outcomes.len(), 4);
    assert!(outcomes.iter().all(|(_, o)| o == "not_configured"));

    let user = t.app.user_token();
    t.app
        .req(Method::POST, "/api/ai/complete")
        .bearer(&user)
        .json(&json!({"agent": "workflow_text", "input": "x"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
    t.complete("poetry", json!("x"), None)
        .await
        .assert_problem(422, "validation_failed");
}
