//! The Judge0 proxy against a wiremock Judge0: programs go out base64-encoded with the
//! deployment's token (seen only by Judge0, never answered or logged), verdicts come back
//! typed and decoded; the allow-list, size limits and per-user rate limit refuse before
//! anything is sent; Judge0 down, failing or slow answers 503 / 502 / 504 with a clear code.
//! The graders' library API is tested on the client directly in `judge0_client`.

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, header, method, path, query_param},
};

/// A recognisable Judge0 token: it must never come back in any answer or log line.
pub(crate) const TOKEN: &str = "j0-LEAK-canary-4d1e9b7a5c";

pub(crate) fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// Judge0's finished answer (`base64_encoded=true`).
pub(crate) fn answer(status: u64, description: &str, fields: Value) -> ResponseTemplate {
    let mut body = json!({
        "stdout": null, "stderr": null, "compile_output": null, "message": null,
        "time": "0.012", "memory": 3136, "token": "4b9d0c2e-1f7a-4c55-9d3e-2a6b8f0e1d7c",
        "status": {"id": status, "description": description}
    });
    for (name, value) in fields.as_object().cloned().unwrap_or_default() {
        body[name] = value.as_str().map_or(Value::Null, |t| b64(t).into());
    }
    ResponseTemplate::new(201).set_body_json(body)
}

/// Mounts `answer` for a submission whose body contains `body` (base64 fields already
/// encoded).
pub(crate) async fn on_submission(server: &MockServer, body: Value, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/submissions"))
        .and(query_param("base64_encoded", "true"))
        .and(query_param("wait", "true"))
        .and(header("X-Auth-Token", TOKEN))
        .and(body_partial_json(body))
        .respond_with(answer)
        .mount(server)
        .await;
}

pub(crate) async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// The app with Judge0 at `url`, the canary token and a 1 s timeout, plus `extra`.
async fn app_at(url: &str, extra: &[(&str, &str)]) -> TestApp {
    let mut options = TestOptions::default()
        .env("JUDGE0_URL", url)
        .env("JUDGE0_AUTH_TOKEN", TOKEN)
        .env("JUDGE0_TIMEOUT_SECONDS", "1");
    for (name, value) in extra {
        options = options.env(name, *value);
    }
    spawn_app_with(options).await
}

async fn submit(app: &TestApp, token: &str, body: Value) -> TestResponse {
    let res = app
        .req(Method::POST, "/api/judge0/submissions")
        .bearer(token)
        .json(&body)
        .send()
        .await;
    no_token(&res);
    res
}

/// The token is in neither the body nor any header of an answer.
fn no_token(res: &TestResponse) {
    assert!(!res.text.contains(TOKEN), "the token leaked: {}", res.text);
    assert!(!res.text.contains(&TOKEN[..10]), "a token prefix leaked");
    for (name, value) in &res.headers {
        assert!(
            !value.to_str().unwrap_or_default().contains(TOKEN),
            "the token leaked in {name}"
        );
    }
}

#[tokio::test]
async fn an_accepted_run_goes_out_base64_with_the_token_and_comes_back_decoded() {
    let logs = testkit::logs::capture();
    let judge0 = MockServer::start().await;
    // non-ASCII and a NUL-free control character round-trip through base64
    let source = "print(input() + ' ✓')\n\t# ünïcode";
    on_submission(
        &judge0,
        json!({"language_id": 71, "source_code": b64(source), "stdin": b64("hi")}),
        answer(3, "Accepted", json!({"stdout": "hi ✓\n"})),
    )
    .await;
    let app = app_at(&judge0.uri(), &[]).await;
    let user = app.user_token();
    let res = submit(
        &app,
        &user,
        json!({"language_id": 71, "source_code": source, "stdin": "hi"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["status_id"], 3);
    assert_eq!(body["stdout"], "hi ✓\n");
    assert_eq!(body["signal"], Value::Null);
    assert_eq!(body["time"], 0.012);
    assert_eq!(body["memory"], 3136);
    assert!(
        body.get("token").is_none(),
        "Judge0's submission token is not passed on"
    );
    let received = judge0.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0]
            .headers
            .get("x-auth-token")
            .unwrap()
            .to_str()
            .unwrap(),
        TOKEN
    );
    if let Some(logs) = logs {
        assert!(!logs.text().contains(TOKEN), "the token reached a log line");
    }
}

#[tokio::test]
async fn verdicts_are_typed_wrong_answer_compile_error_time_limit_runtime_error() {
    let judge0 = MockServer::start().await;
    let cases = [
        (
            "wrong",
            answer(4, "Wrong Answer", json!({"stdout": "41\n"})),
            "wrong_answer",
        ),
        (
            "broken",
            answer(
                6,
                "Compilation Error",
                json!({"compile_output": "main.c:1: error: expected ';'"}),
            ),
            "compilation_error",
        ),
        (
            "slow",
            answer(5, "Time Limit Exceeded", json!({})),
            "time_limit_exceeded",
        ),
        (
            "crash",
            answer(11, "Runtime Error (NZEC)", json!({"stderr": "Traceback"})),
            "runtime_error",
        ),
    ];
    for (source, reply, _) in &cases {
        on_submission(&judge0, json!({"source_code": b64(source)}), reply.clone()).await;
    }
    let app = app_at(&judge0.uri(), &[]).await;
    let user = app.user_token();
    for (source, _, verdict) in &cases {
        let res = submit(
            &app,
            &user,
            json!({"language_id": 50, "source_code": source, "expected_output": "42"}),
        )
        .await;
        assert_eq!(res.status, 200, "{source}: {}", res.text);
        assert_eq!(res.json()["status"], *verdict, "{source}");
    }
    let body = submit(
        &app,
        &user,
        json!({"language_id": 50, "source_code": "broken"}),
    )
    .await
    .json();
    assert_eq!(body["compile_output"], "main.c:1: error: expected ';'");
    let body = submit(
        &app,
        &user,
        json!({"language_id": 50, "source_code": "crash"}),
    )
    .await
    .json();
    assert_eq!(
        (body["signal"].as_str(), body["stderr"].as_str()),
        (Some("NZEC"), Some("Traceback"))
    );
    // the expected output travelled base64-encoded too
    let first = &judge0.received_requests().await.unwrap()[0];
    let sent: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(sent["expected_output"], b64("42"));
}

#[tokio::test]
async fn a_slow_judge0_is_our_timeout_504() {
    let judge0 = MockServer::start().await;
    on_submission(
        &judge0,
        json!({}),
        answer(3, "Accepted", json!({})).set_delay(Duration::from_secs(5)),
    )
    .await;
    let app = app_at(&judge0.uri(), &[]).await;
    let user = app.user_token();
    let started = Instant::now();
    let res = submit(&app, &user, json!({"language_id": 71, "source_code": "x"})).await;
    res.assert_problem(504, "judge0_timeout");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn judge0_down_or_failing_is_503_judge0_unavailable() {
    // nothing listens on a port just released
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = app_at(&format!("http://127.0.0.1:{port}"), &[]).await;
    let user = app.user_token();
    let res = submit(&app, &user, json!({"language_id": 71, "source_code": "x"})).await;
    let body = res.assert_problem(503, "judge0_unavailable");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("could not connect"),
        "{body}"
    );
    drop(app);

    let judge0 = MockServer::start().await;
    let echo = format!("internal failure, token {TOKEN}");
    on_submission(
        &judge0,
        json!({"source_code": b64("500")}),
        ResponseTemplate::new(500).set_body_string(echo.clone()),
    )
    .await;
    on_submission(
        &judge0,
        json!({"source_code": b64("401")}),
        ResponseTemplate::new(401).set_body_json(json!({"error": format!("bad token {TOKEN}")})),
    )
    .await;
    on_submission(
        &judge0,
        json!({"source_code": b64("422")}),
        ResponseTemplate::new(422)
            .set_body_json(json!({"language_id": [format!("no such language ({TOKEN})")]})),
    )
    .await;
    on_submission(
        &judge0,
        json!({"source_code": b64("garbage")}),
        ResponseTemplate::new(201).set_body_string("<html>"),
    )
    .await;
    let app = app_at(&judge0.uri(), &[]).await;
    let user = app.user_token();
    for (source, status, code) in [
        ("500", 503, "judge0_unavailable"),
        ("401", 503, "judge0_unavailable"),
        ("422", 502, "judge0_error"),
        ("garbage", 502, "judge0_error"),
    ] {
        let res = submit(
            &app,
            &user,
            json!({"language_id": 71, "source_code": source}),
        )
        .await;
        res.assert_problem(status, code);
    }
    assert_eq!(hits(&judge0).await, 4);
}

#[tokio::test]
async fn disallowed_languages_and_oversized_texts_are_422_and_never_sent() {
    let judge0 = MockServer::start().await;
    let app = app_at(
        &judge0.uri(),
        &[
            ("JUDGE0_LANGUAGES", "71,62"),
            ("JUDGE0_MAX_SOURCE_BYTES", "100"),
            ("JUDGE0_MAX_STDIN_BYTES", "10"),
        ],
    )
    .await;
    let user = app.user_token();
    let field = |res: &TestResponse| {
        let body = res.assert_problem(422, "validation_failed");
        body["errors"][0]["field"].as_str().unwrap().to_owned()
    };
    let res = submit(&app, &user, json!({"language_id": 50, "source_code": "x"})).await;
    assert_eq!(field(&res), "language_id");
    // 100 bytes is the limit: 51 two-byte characters are 102 bytes
    let res = submit(
        &app,
        &user,
        json!({"language_id": 71, "source_code": "é".repeat(51)}),
    )
    .await;
    assert_eq!(field(&res), "source_code");
    let res = submit(
        &app,
        &user,
        json!({"language_id": 71, "source_code": "x", "stdin": "12345678901"}),
    )
    .await;
    assert_eq!(field(&res), "stdin");
    let res = submit(&app, &user, json!({"language_id": 71, "source_code": ""})).await;
    assert_eq!(field(&res), "source_code");
    assert_eq!(hits(&judge0).await, 0, "nothing refused reaches Judge0");

    let res = app
        .req(Method::GET, "/api/judge0/languages")
        .bearer(&user)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.json(),
        json!([{"id": 71, "name": "Python (3.8.1)"}, {"id": 62, "name": "Java (OpenJDK 13.0.1)"}])
    );
}

#[tokio::test]
async fn each_user_has_a_rate_limit_with_retry_after() {
    let judge0 = MockServer::start().await;
    on_submission(&judge0, json!({}), answer(3, "Accepted", json!({}))).await;
    let app = app_at(&judge0.uri(), &[("JUDGE0_RATE_PER_MINUTE", "2")]).await;
    let (alice, bob) = (app.user_token(), app.user_token());
    let run = json!({"language_id": 71, "source_code": "x"});
    for _ in 0..2 {
        assert_eq!(submit(&app, &alice, run.clone()).await.status, 200);
    }
    let res = submit(&app, &alice, run.clone()).await;
    res.assert_problem(429, "too_many_requests");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // the refused request never reached Judge0, and another user has a window of its own
    assert_eq!(submit(&app, &bob, run).await.status, 200);
    assert_eq!(hits(&judge0).await, 3);
}

#[tokio::test]
async fn without_judge0_url_the_routes_answer_503_and_need_a_user() {
    let app = spawn_app().await;
    let user = app.user_token();
    let res = submit(&app, &user, json!({"language_id": 71, "source_code": "x"})).await;
    res.assert_problem(503, "provider_not_configured");
    let res = app
        .req(Method::GET, "/api/judge0/languages")
        .bearer(&user)
        .send()
        .await;
    res.assert_problem(503, "provider_not_configured");
    let res = app
        .req(Method::POST, "/api/judge0/submissions")
        .json(&json!({"language_id": 71, "source_code": "x"}))
        .send()
        .await;
    res.assert_problem(401, "unauthorized");
}
