//! The credential proxy against wiremock providers: the key is added server-side and seen
//! only by the provider, never by the caller even when the provider echoes it; SSRF and
//! traversal paths, other methods and oversized bodies are refused before anything is sent;
//! only admins may call; the monthly budget refuses; every call is recorded and audited.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

use crate::common::*;

async fn proxy(t: &AiApp, provider: &str, body: Value) -> testkit::TestResponse {
    t.send(
        Method::POST,
        &format!("/api/credential-proxy/{provider}"),
        Some(body),
    )
    .await
}

fn no_key(text: &str) {
    assert!(!text.contains(LEAKY), "the key leaked: {text}");
    assert!(!text.contains(&LEAKY[..8]), "a key prefix leaked: {text}");
    assert!(
        !text.contains(&LEAKY[LEAKY.len() - 8..]),
        "a key suffix leaked: {text}"
    );
}

#[tokio::test]
async fn requests_carry_the_key_only_to_the_provider() {
    let logs = testkit::logs::capture();
    let t = ai_app().await;
    t.keys(&["openai", "anthropic"], LEAKY).await;
    let request = json!({"model": "gpt-x", "messages": [{"role": "user", "content": "hi"}]});
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("authorization", format!("Bearer {LEAKY}").as_str()))
        .and(body_json(&request))
        .respond_with(
            openai_answer("hello", 10, 5)
                .insert_header("x-ratelimit-remaining-requests", "99")
                .insert_header("set-cookie", "session=provider")
                .insert_header("x-internal-trace", "abc"),
        )
        .expect(1)
        .mount(&t.providers.openai)
        .await;
    let res = proxy(
        &t,
        "openai",
        json!({"method": "post", "path": "/chat/completions", "body": request}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["status"], 200);
    assert_eq!(body["body"]["choices"][0]["message"]["content"], "hello");
    assert_eq!(body["headers"]["x-ratelimit-remaining-requests"], "99");
    assert!(body["headers"].get("set-cookie").is_none(), "{body}");
    assert!(body["headers"].get("x-internal-trace").is_none(), "{body}");
    no_key(&res.text);
    // the caller's own bearer token did not travel on
    let sent = &t.providers.openai.received_requests().await.unwrap()[0];
    assert_eq!(sent.headers.get_all("authorization").iter().count(), 1);

    // a provider echoing the key: the answer is scrubbed
    Mock::given(method("GET"))
        .and(path("/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "message": format!("Incorrect API key provided: {LEAKY}. Yours starts {}", &LEAKY[..8])
        }})))
        .mount(&t.providers.openai)
        .await;
    let res = proxy(&t, "openai", json!({"method": "GET", "path": "/models"})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], 401);
    assert!(res.text.contains("[redacted]"), "{}", res.text);
    no_key(&res.text);

    // Anthropic gets its own headers
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", LEAKY))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(anthropic_answer("bonjour", 7, 3))
        .expect(1)
        .mount(&t.providers.anthropic)
        .await;
    let res = proxy(
        &t,
        "anthropic",
        json!({"method": "POST", "path": "/v1/messages", "body": {"model": "claude-x", "max_tokens": 10, "messages": []}}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["body"]["content"][0]["text"], "bonjour");

    // recorded as agent `proxy` with the answer's tokens, and audited without bodies
    let calls = t
        .send(Method::GET, "/api/admin/ai-calls?agent=proxy", None)
        .await;
    assert_eq!(calls.status, 200, "{}", calls.text);
    let items = calls.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{}", calls.text);
    assert!(items.iter().all(|c| c["agent"] == "proxy"));
    let anthropic = &items[0];
    assert_eq!(anthropic["provider"], "anthropic");
    assert_eq!(anthropic["model"], "claude-x");
    assert_eq!(anthropic["tokens_in"], 7);
    assert_eq!(items[1]["outcome"], "client_error");
    assert_eq!(items[2]["outcome"], "ok");
    let audit = t
        .send(Method::GET, "/api/admin/audit-log?limit=100", None)
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert_eq!(
        audit.text.matches("credential_proxy.called").count(),
        3,
        "{}",
        audit.text
    );
    no_key(&audit.text);
    assert!(!audit.text.contains("bonjour"));

    if let Some(logs) = logs {
        no_key(&logs.text());
    }
}

#[tokio::test]
async fn ssrf_paths_methods_and_big_bodies_are_refused_before_sending() {
    let t = ai_app().await;
    t.keys(&["openai", "gemini"], LEAKY).await;
    let attacks = [
        "http://169.254.169.254/latest/meta-data",
        "//evil.example/chat/completions",
        "/chat/completions/../../admin",
        "/%2e%2e/admin",
        "/chat%2fcompletions",
        "/@evil.example/x",
        "/chat/completions?key=x",
        "chat/completions",
        "/files",
        "/chat\\completions",
    ];
    for attack in attacks {
        let res = proxy(&t, "openai", json!({"method": "POST", "path": attack})).await;
        let problem = res.assert_problem(422, "proxy_path_forbidden");
        assert_eq!(problem["errors"][0]["field"], "path", "{attack}: {problem}");
    }
    let res = proxy(
        &t,
        "gemini",
        json!({"method": "POST", "path": "/v1beta/models/../../x:generateContent"}),
    )
    .await;
    res.assert_problem(422, "proxy_path_forbidden");
    let res = proxy(&t, "openai", json!({"method": "DELETE", "path": "/models"})).await;
    assert_eq!(
        res.assert_problem(422, "proxy_method_forbidden")["errors"][0]["field"],
        "method"
    );
    let res = proxy(
        &t,
        "openai",
        json!({"method": "GET", "path": "/models", "query": {"key": "other"}}),
    )
    .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "query"
    );
    let big = "x".repeat(600 * 1024);
    let res = proxy(
        &t,
        "openai",
        json!({"method": "POST", "path": "/chat/completions", "body": {"prompt": big}}),
    )
    .await;
    res.assert_problem(413, "proxy_body_too_large");
    proxy(&t, "mistral", json!({"method": "GET", "path": "/models"}))
        .await
        .assert_problem(404, "not_found");
    proxy(
        &t,
        "anthropic",
        json!({"method": "GET", "path": "/v1/models"}),
    )
    .await
    .assert_problem(503, "provider_not_configured");
    assert_eq!(hits(&t.providers.openai).await, 0);
    assert_eq!(hits(&t.providers.gemini).await, 0);
}

#[tokio::test]
async fn only_admins_may_call_and_the_budget_refuses() {
    let t = ai_app().await;
    t.keys(&["groq"], LEAKY).await;
    let body = json!({"method": "POST", "path": "/chat/completions", "body": {"model": "llama-x"}});
    for role in [Role::User, Role::Expert, Role::Sales] {
        let token = t.app.token(role, &[], "mr-mentor");
        t.app
            .req(Method::POST, "/api/credential-proxy/groq")
            .bearer(&token)
            .json(&body)
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
    t.app
        .req(Method::POST, "/api/credential-proxy/groq")
        .json(&body)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    let superadmin = t.app.superadmin_token();
    on_chat(&t.providers.groq, openai_answer("ok", 1_000, 100)).await;
    let res = t
        .app
        .req(Method::POST, "/api/credential-proxy/groq")
        .bearer(&superadmin)
        .json(&body)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // 1000 × 6800 + 100 × 34000 per million = 6.8 + 3.4 → 11 paise: over a 5-paise budget
    let set = t
        .send(
            Method::PUT,
            "/api/system-config/AI_MONTHLY_BUDGET_PAISE",
            Some(json!({"value": 5})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let refused = proxy(&t, "groq", body.clone()).await;
    refused.assert_problem(429, "ai_budget_exhausted");
    assert!(refused.header("retry-after").is_some());
    assert_eq!(hits(&t.providers.groq).await, 1);
    let calls = t
        .send(Method::GET, "/api/admin/ai-calls?agent=proxy", None)
        .await;
    let items = calls.json()["items"].as_array().unwrap().clone();
    assert_eq!(items[0]["outcome"], "refused_budget", "{}", calls.text);
    assert_eq!(items[1]["cost_paise"], 11, "{}", calls.text);
}
