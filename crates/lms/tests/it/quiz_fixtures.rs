//! Fixtures of the quiz tests: questions, quizzes, enrolled students, outbox counts.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse};

use crate::common;

/// Adds a question to the bank; answers its id.
pub async fn question(app: &TestApp, admin: &str, body: Value) -> String {
    let res = app
        .call(Method::POST, "/api/question-bank", admin, Some(body))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// Three questions worth 10 marks: mcq (2 marks, option 1), multi (3 marks, options 0 and
/// 2), numeric (5 marks, 2.25 ± 0.01). Answers their ids.
pub async fn three_questions(app: &TestApp, admin: &str) -> [String; 3] {
    let mcq = question(
        app,
        admin,
        json!({"kind": "mcq", "prompt": "2 + 2?", "options": ["3", "4", "5"], "answer": 1,
               "marks": 2, "tags": ["arithmetic"], "difficulty": "easy"}),
    )
    .await;
    let multi = question(
        app,
        admin,
        json!({"kind": "multi", "prompt": "Primes?", "options": ["2", "4", "5", "9"], "answer": [0, 2],
               "marks": 3, "tags": ["primes"]}),
    )
    .await;
    let numeric = question(
        app,
        admin,
        json!({"kind": "numeric", "prompt": "9 / 4 as a decimal?", "answer": 2.25, "tolerance": 0.01,
               "marks": 5, "difficulty": "hard"}),
    )
    .await;
    [mcq, multi, numeric]
}

/// Creates a quiz; `extra` fields override the defaults. Answers the quiz JSON.
pub async fn quiz(app: &TestApp, admin: &str, questions: &[String], extra: Value) -> Value {
    let mut body = json!({"title": "Arithmetic check", "duration_seconds": 600, "question_ids": questions,
                          "max_attempts": 2, "pass_percent": 50});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app
        .call(Method::POST, "/api/admin/quizzes", admin, Some(body))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// A published course and a student enrolled in it: (course id, student id, student token).
pub async fn enrolled_student(app: &TestApp, admin: &str, slug: &str) -> (String, String, String) {
    let (id, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(app, admin, slug, true).await;
    let course_id = course["id"].as_str().unwrap().to_owned();
    let res = common::grant(app, admin, &id.to_string(), &course_id).await;
    assert_eq!(res.status, 201, "{}", res.text);
    (course_id, id.to_string(), token)
}

/// A published course offering the quizzes (of no course) as items of one module: how
/// learners reach a shared quiz. Answers the course id.
pub async fn offering_course(app: &TestApp, admin: &str, slug: &str, quiz_ids: &[&str]) -> String {
    let course = common::course(app, admin, slug, true).await;
    let course_id = course["id"].as_str().unwrap().to_owned();
    let module = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/modules"),
            admin,
            Some(json!({"title": "Checks", "position": 0})),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.text);
    let module = module.json()["id"].as_str().unwrap().to_owned();
    for (position, quiz_id) in quiz_ids.iter().enumerate() {
        let item = app
            .call(
                Method::POST,
                &format!("/api/admin/courses/{course_id}/modules/{module}/items"),
                admin,
                Some(
                    json!({"kind": "quiz", "title": "Check", "position": position,
                            "ref_id": quiz_id}),
                ),
            )
            .await;
        assert_eq!(item.status, 201, "{}", item.text);
    }
    course_id
}

/// A new learner of the platform enrolled in `course_id`: (user id, token).
pub async fn learner_in(app: &TestApp, admin: &str, course_id: &str) -> (uuid::Uuid, String) {
    let (id, token) = app.user(Role::User, &[], "mr-mentor");
    let res = common::grant(app, admin, &id.to_string(), course_id).await;
    assert_eq!(res.status, 201, "{}", res.text);
    (id, token)
}

/// Starts an attempt.
pub async fn start(app: &TestApp, token: &str, quiz_id: &str) -> TestResponse {
    app.call(
        Method::POST,
        &format!("/api/quizzes/{quiz_id}/attempts"),
        token,
        None,
    )
    .await
}

/// Saves an answer.
pub async fn save(
    app: &TestApp,
    token: &str,
    attempt: &str,
    question: &str,
    answer: Value,
    seq: i64,
) -> TestResponse {
    app.call(
        Method::PUT,
        &format!("/api/quiz-attempts/{attempt}/answers/{question}"),
        token,
        Some(json!({"answer": answer, "seq": seq})),
    )
    .await
}

/// Submits an attempt with these answers.
pub async fn submit(app: &TestApp, token: &str, attempt: &str, answers: Value) -> TestResponse {
    app.call(
        Method::POST,
        &format!("/api/quiz-attempts/{attempt}/submit"),
        token,
        Some(json!({"answers": answers})),
    )
    .await
}

/// Reads an attempt.
pub async fn attempt(app: &TestApp, token: &str, attempt: &str) -> Value {
    let res = app
        .call(
            Method::GET,
            &format!("/api/quiz-attempts/{attempt}"),
            token,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

/// One number of SQL.
pub async fn count(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    app.db
        .query_one_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Seconds between two RFC 3339 times of a JSON value.
pub fn seconds_between(from: &Value, to: &Value) -> f64 {
    let from = chrono::DateTime::parse_from_rfc3339(from.as_str().unwrap()).unwrap();
    let to = chrono::DateTime::parse_from_rfc3339(to.as_str().unwrap()).unwrap();
    (to - from).num_milliseconds() as f64 / 1000.0
}
