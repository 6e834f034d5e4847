//! Candidate quizzes: the LMS's quiz engine on mr-hire (which has no `lms` module), sent from
//! the pipeline at a stage, taken by the candidate without an account, the result on the
//! application.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

use crate::common::{PLATFORM, applied, call, field, hr, open_post};

/// A two-question quiz on mr-hire made by its admin (5 marks); answers its id.
pub async fn hire_quiz(app: &TestApp) -> (String, String, String) {
    let admin = app.token(Role::Admin, &[], PLATFORM);
    let mut ids = Vec::new();
    for body in [
        json!({"kind": "mcq", "prompt": "SELECT 1 + 1?", "options": ["1", "2"], "answer": 1, "marks": 2}),
        json!({"kind": "numeric", "prompt": "Rows in an empty table?", "answer": 0, "tolerance": 0, "marks": 3}),
    ] {
        let res = call(
            app,
            Method::POST,
            "/api/question-bank",
            Some(&admin),
            Some(body),
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text);
        ids.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    let res = call(
        app,
        Method::POST,
        "/api/admin/quizzes",
        Some(&admin),
        Some(
            json!({"title": "SQL basics", "duration_seconds": 600, "question_ids": ids,
                    "max_attempts": 1, "pass_percent": 60}),
        ),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    (
        res.json()["id"].as_str().unwrap().to_owned(),
        ids[0].clone(),
        ids[1].clone(),
    )
}

/// Takes the quiz behind `url` as the candidate (mr-hire, no account): both answers right.
pub async fn take(app: &TestApp, url: &str, mcq: &str, numeric: &str) -> Value {
    let token = url.rsplit('/').next().unwrap();
    let base = format!("/api/candidate-quiz/{token}");
    let res = app
        .req(Method::POST, &format!("{base}/start"))
        .platform(PLATFORM)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .req(Method::POST, &format!("{base}/submit"))
        .platform(PLATFORM)
        .json(&json!({"answers": [{"question_id": mcq, "answer": 1}, {"question_id": numeric, "answer": 0}]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

#[tokio::test]
async fn hr_sends_a_quiz_at_a_stage_and_reads_the_result() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Nia",
        "nia@example.com",
        "9000077777",
        &["SQL"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/stage"),
        Some(&hr),
        Some(json!({"stage": "quiz"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let (quiz_id, mcq, numeric) = hire_quiz(&app).await;

    let path = format!("/api/admin/job-applications/{id}/quizzes");
    let sent = call(
        &app,
        Method::POST,
        &path,
        Some(&hr),
        Some(json!({"quiz_id": quiz_id})),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let sent = sent.json();
    assert_eq!(sent["stage"], "quiz");
    let url = sent["url"].as_str().unwrap().to_owned();
    assert!(url.contains("/candidate-quiz/"), "{url}");
    let again = call(
        &app,
        Method::POST,
        &path,
        Some(&hr),
        Some(json!({"quiz_id": quiz_id})),
    )
    .await;
    assert_eq!(
        field(&again.assert_problem(409, "quiz_already_sent")),
        "quiz_id"
    );
    let unknown = call(
        &app,
        Method::POST,
        &path,
        Some(&hr),
        Some(json!({"quiz_id": "0196a5e0-0000-7000-8000-00000000beef"})),
    )
    .await;
    assert_eq!(
        field(&unknown.assert_problem(422, "validation_failed")),
        "quiz_id"
    );

    let before = call(&app, Method::GET, &path, Some(&hr), None).await.json();
    assert_eq!(before["items"][0]["state"], "not_started");
    let graded = take(&app, &url, &mcq, &numeric).await;
    assert_eq!(graded["passed"], true);
    let after = call(&app, Method::GET, &path, Some(&hr), None).await.json();
    assert_eq!(
        (
            after["items"][0]["state"].clone(),
            after["items"][0]["score"].clone(),
            after["items"][0]["passed"].clone()
        ),
        (json!("submitted"), json!(5.0), json!(true))
    );

    app.stop().await;
}
