//! The graders' library API on the client directly, against a wiremock Judge0: `run_cases`
//! grades each case in order, stops after a compilation error, checks every limit before
//! sending anything, polls an unfinished submission by token within the timeout, and sends
//! the token in a renamed header for RapidAPI-style hosts.

use integrations::judge0::{Judge0, Judge0Config, RuntimeSignal, TestCase, Verdict};
use kernel::config::Env;
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use crate::judge0::{TOKEN, answer, b64, hits, on_submission};

fn client(server: &MockServer, extra: &[(&str, &str)]) -> Judge0 {
    let uri = server.uri();
    let mut pairs = vec![("JUDGE0_URL", uri.as_str()), ("JUDGE0_AUTH_TOKEN", TOKEN)];
    pairs.extend_from_slice(extra);
    let config = Judge0Config::from_env(&Env::from_pairs(&pairs)).unwrap();
    Judge0::from_config(&config, reqwest::Client::new()).unwrap()
}

fn case(stdin: &str, expected: &str) -> TestCase {
    TestCase {
        stdin: stdin.into(),
        expected_output: expected.into(),
    }
}

#[tokio::test]
async fn run_cases_grades_each_case_in_order() {
    let judge0 = MockServer::start().await;
    for (stdin, reply) in [
        ("1", answer(3, "Accepted", json!({"stdout": "2"}))),
        ("2", answer(4, "Wrong Answer", json!({"stdout": "5"}))),
        ("3", answer(3, "Accepted", json!({"stdout": "6"}))),
        ("4", answer(9, "Runtime Error (SIGFPE)", json!({}))),
    ] {
        on_submission(
            &judge0,
            json!({"source_code": b64("double"), "stdin": b64(stdin)}),
            reply,
        )
        .await;
    }
    let j = client(&judge0, &[]);
    let cases = [
        case("1", "2"),
        case("2", "4"),
        case("3", "6"),
        case("4", "8"),
    ];
    let results = j.run_cases(71, "double", &cases).await.unwrap();
    let summary: Vec<(bool, Verdict)> = results.iter().map(|r| (r.passed, r.verdict)).collect();
    assert_eq!(
        summary,
        vec![
            (true, Verdict::Accepted),
            (false, Verdict::WrongAnswer),
            (true, Verdict::Accepted),
            (false, Verdict::RuntimeError),
        ]
    );
    let last = results[3].execution.as_ref().unwrap();
    assert_eq!(last.signal, Some(RuntimeSignal::Sigfpe));
    assert_eq!(
        results[1].execution.as_ref().unwrap().stdout.as_deref(),
        Some("5")
    );
    let received = judge0.received_requests().await.unwrap();
    assert_eq!(received.len(), 4);
    let sent: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(sent["expected_output"], b64("2"));
}

#[tokio::test]
async fn run_cases_stops_after_a_compilation_error_and_checks_limits_first() {
    let judge0 = MockServer::start().await;
    on_submission(
        &judge0,
        json!({"source_code": b64("int main( {")}),
        answer(
            6,
            "Compilation Error",
            json!({"compile_output": "expected ')'"}),
        ),
    )
    .await;
    let j = client(&judge0, &[("JUDGE0_MAX_STDIN_BYTES", "4")]);
    let cases = [case("1", "1"), case("2", "2"), case("3", "3")];
    let results = j.run_cases(50, "int main( {", &cases).await.unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0]
            .execution
            .as_ref()
            .unwrap()
            .compile_output
            .as_deref(),
        Some("expected ')'")
    );
    assert!(
        results
            .iter()
            .all(|r| !r.passed && r.verdict == Verdict::CompilationError)
    );
    assert!(results[1..].iter().all(|r| r.execution.is_none()));
    assert_eq!(hits(&judge0).await, 1, "the other cases are not sent");

    // a case over the limit, or a language off the list, sends nothing at all
    let err = j
        .run_cases(50, "x", &[case("1", "1"), case("12345", "1")])
        .await
        .unwrap_err();
    assert_eq!(
        kernel::AppError::from(err).problem().errors.unwrap()[0].field,
        "stdin"
    );
    let err = j.run_cases(73, "x", &cases).await.unwrap_err();
    assert!(!err.is_retryable());
    assert_eq!(hits(&judge0).await, 1);
    assert!(j.run_cases(50, "x", &[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unfinished_answer_is_polled_by_token_until_done() {
    let judge0 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/submissions"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"token": "abc-123"})))
        .mount(&judge0)
        .await;
    Mock::given(method("GET"))
        .and(path("/submissions/abc-123"))
        .and(query_param("base64_encoded", "true"))
        .and(header("X-Auth-Token", TOKEN))
        .respond_with(answer(3, "Accepted", json!({"stdout": "done"})))
        .mount(&judge0)
        .await;
    let j = client(&judge0, &[]);
    let results = j.run_cases(71, "x", &[case("", "done")]).await.unwrap();
    assert!(results[0].passed);
    assert_eq!(
        results[0].execution.as_ref().unwrap().stdout.as_deref(),
        Some("done")
    );
    // the same, when Judge0 never finishes: our timeout
    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/submissions"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"token": "t-1", "status": {"id": 1, "description": "In Queue"}}),
            ),
        )
        .mount(&slow)
        .await;
    Mock::given(method("GET"))
        .and(path("/submissions/t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"token": "t-1", "status": {"id": 2, "description": "Processing"}}),
        ))
        .mount(&slow)
        .await;
    let j = client(&slow, &[("JUDGE0_TIMEOUT_SECONDS", "1")]);
    let err = j.run_cases(71, "x", &[case("", "")]).await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(kernel::AppError::from(err).code(), "judge0_timeout");
}

#[tokio::test]
async fn a_renamed_auth_header_carries_the_token_for_rapidapi_hosts() {
    let judge0 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/submissions"))
        .and(header("X-RapidAPI-Key", TOKEN))
        .and(header("X-RapidAPI-Host", "127.0.0.1"))
        .respond_with(answer(3, "Accepted", json!({})))
        .expect(1)
        .mount(&judge0)
        .await;
    let j = client(&judge0, &[("JUDGE0_AUTH_HEADER", "X-RapidAPI-Key")]);
    let results = j.run_cases(71, "x", &[case("", "")]).await.unwrap();
    assert!(results[0].passed);
    let received = judge0.received_requests().await.unwrap();
    assert!(received[0].headers.get("x-auth-token").is_none());
}
