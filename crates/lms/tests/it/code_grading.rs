//! Code questions graded through the `CodeRunner` trait (a fake runner here; Judge0 in
//! production), called through the service API since the test app has no runner.

use futures::future::BoxFuture;
use kernel::{AppError, auth::Role};
use lms::{
    dto::attempts::SubmittedAnswer,
    service::{
        attempts,
        code_runner::{CaseResult, CodeRunner, TestCase, output_matches},
    },
};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use testkit::spawn_app;
use uuid::Uuid;

use crate::{
    common,
    quiz_fixtures::{learner_in, offering_course, question, quiz},
};

/// "Runs" a program by treating its source as a table `input=output;…`.
struct FakeRunner;

impl CodeRunner for FakeRunner {
    fn run_cases<'a>(
        &'a self,
        _language_id: i32,
        source: &'a str,
        cases: &'a [TestCase],
    ) -> BoxFuture<'a, Result<Vec<CaseResult>, AppError>> {
        Box::pin(async move {
            Ok(cases
                .iter()
                .map(|c| {
                    let out = source
                        .split(';')
                        .find_map(|pair| pair.strip_prefix(&format!("{}=", c.stdin)))
                        .unwrap_or("");
                    let passed = output_matches(out, &c.expected_output);
                    CaseResult {
                        passed,
                        status: if passed { "Accepted" } else { "Wrong Answer" }.into(),
                    }
                })
                .collect())
        })
    }
}

#[tokio::test]
async fn code_answers_earn_credit_per_passing_case_through_the_runner() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (user_id, _) = app.user(Role::User, &[], "mr-mentor");
    let code = question(
        &app,
        &admin,
        json!({"kind": "code", "prompt": "Double the input", "answer": "print(2*int(input()))", "marks": 6,
               "partial_credit": true, "language_id": 71,
               "test_cases": [{"stdin": "1", "expected_output": "2"}, {"stdin": "2", "expected_output": "4"},
                              {"stdin": "5", "expected_output": "10", "hidden": true}]}),
    )
    .await;
    let quiz = quiz(&app, &admin, std::slice::from_ref(&code), json!({})).await;
    let quiz_id: Uuid = quiz["id"].as_str().unwrap().parse().unwrap();
    let platform: Uuid = app
        .db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT id FROM platforms WHERE slug = 'mr-mentor'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let tenant = attempts::tenant_of(&app.db, platform).await.unwrap();
    let runner = FakeRunner;
    // a quiz of no course is taken through a course that offers it
    let course = offering_course(&app, &admin, "coded", &[&quiz_id.to_string()]).await;
    let granted = common::grant(&app, &admin, &user_id.to_string(), &course).await;
    assert_eq!(granted.status, 201, "{}", granted.text);

    let (view, created) =
        attempts::start(&app.db, &tenant, user_id, false, quiz_id, 30, Some(&runner))
            .await
            .unwrap();
    assert!(created);
    let q = &view.questions[0];
    assert_eq!(q.sample_cases.len(), 2, "hidden cases are not shown");
    assert_eq!(q.language_id, Some(71));

    // two of three cases pass: 6 × 2/3
    let result = attempts::submit(
        &app.db,
        &tenant,
        user_id,
        view.attempt_id,
        30,
        Some(&runner),
        vec![SubmittedAnswer {
            question_id: code.parse().unwrap(),
            answer: json!("1=2;2=4;5=11"),
        }],
    )
    .await
    .unwrap();
    assert_eq!(
        (result.score, result.max_score, result.passed),
        (4.0, 6.0, true)
    );
}

/// An app whose code runner is `judge0`, with one code question written by the admin:
/// (app, admin token, question id).
async fn with_judge0(
    judge0: &wiremock::MockServer,
    question_body: serde_json::Value,
) -> (testkit::TestApp, String, String) {
    let app =
        testkit::spawn_app_with(testkit::TestOptions::default().env("JUDGE0_URL", judge0.uri()))
            .await;
    let admin = app.admin_token();
    let code = question(&app, &admin, question_body).await;
    (app, admin, code)
}

fn judge0_answer(status: u64, description: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(201).set_body_json(json!({
        "stdout": null, "stderr": null, "compile_output": null, "message": null,
        "time": "0.010", "memory": 3000, "token": "4b9d0c2e-1f7a-4c55-9d3e-2a6b8f0e1d7c",
        "status": {"id": status, "description": description}
    }))
}

#[tokio::test]
async fn code_answers_are_graded_through_judge0() {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use wiremock::{
        Mock, MockServer,
        matchers::{body_partial_json, method, path},
    };

    let judge0 = MockServer::start().await;
    let source = "print(2*int(input()))";
    for (stdin, status, description) in [("1", 3, "Accepted"), ("2", 4, "Wrong Answer")] {
        Mock::given(method("POST"))
            .and(path("/submissions"))
            .and(body_partial_json(json!({
                "language_id": 71, "source_code": STANDARD.encode(source), "stdin": STANDARD.encode(stdin)
            })))
            .respond_with(judge0_answer(status, description))
            .expect(1)
            .mount(&judge0)
            .await;
    }
    let (app, admin, code) = with_judge0(
        &judge0,
        json!({"kind": "code", "prompt": "Double the input", "answer": source, "marks": 4,
               "partial_credit": true, "language_id": 71,
               "test_cases": [{"stdin": "1", "expected_output": "2"}, {"stdin": "2", "expected_output": "4", "hidden": true}]}),
    )
    .await;
    // a language Judge0 is not allowed to run is refused when the question is written
    let refused = app
        .call(
            Method::POST,
            "/api/question-bank",
            &admin,
            Some(json!({"kind": "code", "prompt": "Brainfuck?", "answer": "+", "marks": 1, "language_id": 44,
                        "test_cases": [{"stdin": "", "expected_output": ""}]})),
        )
        .await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "language_id"
    );
    let quiz = quiz(&app, &admin, std::slice::from_ref(&code), json!({})).await;
    let course = offering_course(&app, &admin, "judged", &[quiz["id"].as_str().unwrap()]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let started = crate::quiz_fixtures::start(&app, &student, quiz["id"].as_str().unwrap()).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let attempt_id = started.json()["attempt_id"].as_str().unwrap().to_owned();
    let graded = crate::quiz_fixtures::submit(
        &app,
        &student,
        &attempt_id,
        json!([{"question_id": code, "answer": source}]),
    )
    .await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(
        graded.json(),
        json!({"score": 2.0, "max_score": 4.0, "passed": true})
    );
    judge0.verify().await;
}

/// Judge0 takes seconds per case: the submit runs the programs before it locks the attempt,
/// so while Judge0 works the attempt row is free (a save still lands) and no transaction is
/// open; a program changed by that save is run again under the lock and graded as saved.
#[tokio::test]
async fn the_code_runner_runs_outside_the_attempts_lock() {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use std::time::Duration;
    use wiremock::{
        Mock, MockServer,
        matchers::{body_partial_json, method, path},
    };

    let judge0 = MockServer::start().await;
    let (first, second) = ("print(1)", "print(2*int(input()))");
    // the saved program is slow to run; the one saved while it runs is not
    for (source, answer) in [
        (
            first,
            judge0_answer(4, "Wrong Answer").set_delay(Duration::from_millis(1500)),
        ),
        (second, judge0_answer(3, "Accepted")),
    ] {
        Mock::given(method("POST"))
            .and(path("/submissions"))
            .and(body_partial_json(
                json!({"source_code": STANDARD.encode(source)}),
            ))
            .respond_with(answer)
            .expect(1)
            .mount(&judge0)
            .await;
    }
    let (app, admin, code) = with_judge0(
        &judge0,
        json!({"kind": "code", "prompt": "Double the input", "answer": second, "marks": 4,
               "language_id": 71, "test_cases": [{"stdin": "1", "expected_output": "2"}]}),
    )
    .await;
    let quiz = quiz(&app, &admin, std::slice::from_ref(&code), json!({})).await;
    let course = offering_course(&app, &admin, "judged", &[quiz["id"].as_str().unwrap()]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let started = crate::quiz_fixtures::start(&app, &student, quiz["id"].as_str().unwrap()).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let attempt_id = started.json()["attempt_id"].as_str().unwrap().to_owned();
    let saved =
        crate::quiz_fixtures::save(&app, &student, &attempt_id, &code, json!(first), 1).await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    let submitting = crate::quiz_fixtures::submit(&app, &student, &attempt_id, json!([]));
    let meanwhile = async {
        // Judge0 is working on the saved program
        tokio::time::sleep(Duration::from_millis(600)).await;
        let locked = app
            .db
            .query_one_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) FROM pg_stat_activity
                  WHERE datname = current_database() AND state LIKE 'idle in transaction%'
                    AND query LIKE '%attempt%'",
                [],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        let lockable = app
            .db
            .execute_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT id FROM quiz_attempts WHERE id = $1 FOR UPDATE NOWAIT",
                [attempt_id.parse::<Uuid>().unwrap().into()],
            ))
            .await;
        let resaved =
            crate::quiz_fixtures::save(&app, &student, &attempt_id, &code, json!(second), 2).await;
        (locked, lockable, resaved)
    };
    let (graded, (idle_in_transaction, lockable, resaved)) = tokio::join!(submitting, meanwhile);
    assert_eq!(
        idle_in_transaction, 0,
        "no transaction on the attempt is open while the code runner works"
    );
    assert!(
        lockable.is_ok(),
        "the attempt is not locked while the code runner works: {lockable:?}"
    );
    assert_eq!(resaved.status, 200, "{}", resaved.text);
    assert_eq!(graded.status, 200, "{}", graded.text);
    // graded on the program saved last, which ran under the lock
    assert_eq!(
        graded.json(),
        json!({"score": 4.0, "max_score": 4.0, "passed": true})
    );
    judge0.verify().await;
}

/// A submit refused for one bad answer runs no program: every sent answer is checked before
/// Judge0 is called, on the learner's route and the candidate's, however often it is sent.
#[tokio::test]
async fn a_refused_submit_runs_no_code() {
    use wiremock::{
        Mock, MockServer,
        matchers::{method, path},
    };

    let judge0 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/submissions"))
        .respond_with(judge0_answer(3, "Accepted"))
        .mount(&judge0)
        .await;
    let source = "print(2*int(input()))";
    let (app, admin, code) = with_judge0(
        &judge0,
        json!({"kind": "code", "prompt": "Double the input", "answer": source, "marks": 4,
               "language_id": 71, "test_cases": [{"stdin": "1", "expected_output": "2"},
                                                 {"stdin": "2", "expected_output": "4", "hidden": true}]}),
    )
    .await;
    let mcq = question(
        &app,
        &admin,
        json!({"kind": "mcq", "prompt": "2 + 2?", "options": ["3", "4"], "answer": 1, "marks": 1}),
    )
    .await;
    let questions = [code.clone(), mcq.clone()];
    let runs = || async { judge0.received_requests().await.unwrap().len() };
    let refused = [
        // a code answer and an option out of range
        json!([{"question_id": code, "answer": source}, {"question_id": mcq, "answer": 7}]),
        // a code answer and a question of no attempt
        json!([{"question_id": code, "answer": source},
               {"question_id": "0196a5e0-0000-7000-8000-0000000000aa", "answer": 0}]),
    ];

    // the learner
    let learned = quiz(&app, &admin, &questions, json!({"max_attempts": 1})).await;
    let learned_id = learned["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "refused", &[learned_id]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let started = crate::quiz_fixtures::start(&app, &student, learned_id).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let attempt_id = started.json()["attempt_id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        for answers in &refused {
            let res =
                crate::quiz_fixtures::submit(&app, &student, &attempt_id, answers.clone()).await;
            assert_eq!(
                common::field(&res.assert_problem(422, "validation_failed")),
                "answers"
            );
        }
    }
    assert_eq!(runs().await, 0, "a refused submit ran code on Judge0");

    // the candidate
    let screened = quiz(&app, &admin, &questions, json!({})).await;
    let invite = app
        .call(
            Method::POST,
            &format!(
                "/api/admin/quizzes/{}/invites",
                screened["id"].as_str().unwrap()
            ),
            &admin,
            Some(json!({"email": "c@example.com", "full_name": "C"})),
        )
        .await;
    assert_eq!(invite.status, 201, "{}", invite.text);
    let base = format!(
        "/api/candidate-quiz/{}",
        invite.json()["token"].as_str().unwrap()
    );
    let started = app.req(Method::POST, &format!("{base}/start")).send().await;
    assert_eq!(started.status, 201, "{}", started.text);
    for _ in 0..3 {
        for answers in &refused {
            let res = app
                .req(Method::POST, &format!("{base}/submit"))
                .json(&json!({ "answers": answers }))
                .send()
                .await;
            assert_eq!(
                common::field(&res.assert_problem(422, "validation_failed")),
                "answers"
            );
        }
    }
    assert_eq!(
        runs().await,
        0,
        "a refused candidate submit ran code on Judge0"
    );

    // a valid submit runs the program on each case, as before
    let answers =
        json!([{"question_id": code, "answer": source}, {"question_id": mcq, "answer": 1}]);
    let graded = crate::quiz_fixtures::submit(&app, &student, &attempt_id, answers.clone()).await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(
        graded.json(),
        json!({"score": 5.0, "max_score": 5.0, "passed": true})
    );
    assert_eq!(runs().await, 2);
    let graded = app
        .req(Method::POST, &format!("{base}/submit"))
        .json(&json!({ "answers": answers }))
        .send()
        .await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(runs().await, 4);
}
