//! Candidate quizzes: an invite link without an account, single use, hashed at rest.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::quiz_fixtures::{count, quiz, seconds_between, three_questions};

#[tokio::test]
async fn a_candidate_takes_the_quiz_once_by_link() {
    let logs = testkit::logs::capture();
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi.clone(), numeric.clone()],
        json!({"duration_seconds": 300}),
    )
    .await;
    let quiz_id = quiz["id"].as_str().unwrap();

    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/quizzes/{quiz_id}/invites"),
            &admin,
            Some(
                json!({"email": "Asha@Example.com", "full_name": "Asha Rao", "time_multiplier": 2}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let invite = res.json();
    let token = invite["token"].as_str().unwrap().to_owned();
    assert!(
        invite["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/candidate-quiz/{token}"))
    );
    // stored hashed: the token itself is nowhere in the table
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM quiz_invites WHERE token_hash = $1",
            vec![token.clone().into()]
        )
        .await,
        0
    );

    let base = format!("/api/candidate-quiz/{token}");
    let shown = app.get(&base).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(
        (
            shown.json()["duration_seconds"].clone(),
            shown.json()["question_count"].clone()
        ),
        (json!(600), json!(3))
    );
    assert!(shown.json()["attempt"].is_null());

    let started = app.req(Method::POST, &format!("{base}/start")).send().await;
    assert_eq!(started.status, 201, "{}", started.text);
    let a = started.json();
    assert!(
        (seconds_between(&a["started_at"], &a["deadline"]) - 600.0).abs() < 1.0,
        "the invite's own 2x"
    );
    let again = app.req(Method::POST, &format!("{base}/start")).send().await;
    assert_eq!(
        (again.status, again.json()["attempt_id"].clone()),
        (200, a["attempt_id"].clone())
    );

    let saved = app
        .req(Method::PUT, &format!("{base}/answers/{mcq}"))
        .json(&json!({"answer": 1, "seq": 1}))
        .send()
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let reloaded = app.get(&base).await.json();
    assert_eq!(reloaded["attempt"]["answers"][0]["answer"], 1);

    let graded = app
        .req(Method::POST, &format!("{base}/submit"))
        .json(&json!({"answers": [{"question_id": numeric, "answer": 2.25}]}))
        .send()
        .await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(
        graded.json(),
        json!({"score": 7.0, "max_score": 10.0, "passed": true})
    );

    // spent: every route of the link is refused
    for res in [
        app.get(&base).await,
        app.req(Method::POST, &format!("{base}/start")).send().await,
        app.req(Method::POST, &format!("{base}/submit"))
            .json(&json!({}))
            .send()
            .await,
    ] {
        res.assert_problem(401, "invalid_token");
    }
    // the result, by invite (what Mr. Hire reads)
    let result = app
        .call(
            Method::GET,
            &format!("/api/admin/quiz-invites/{}", invite["id"].as_str().unwrap()),
            &admin,
            None,
        )
        .await;
    assert_eq!(result.status, 200, "{}", result.text);
    let result = result.json();
    assert_eq!(
        (
            result["state"].clone(),
            result["score"].clone(),
            result["email"].clone()
        ),
        (json!("submitted"), json!(7.0), json!("asha@example.com"))
    );
    // the link is the candidate's credential: the request log shows the path without it
    let logs = logs.or_else(|| {
        // TEST_LOG sends the logs to the terminal instead: nothing to read here
        assert!(std::env::var("TEST_LOG").is_ok(), "log capture unavailable");
        None
    });
    if let Some(logs) = logs {
        let text = logs.text();
        assert!(
            text.contains("/api/candidate-quiz/[redacted]/start"),
            "the candidate's requests were logged"
        );
        assert!(
            !text.contains(&token),
            "the candidate token reached a log line"
        );
    }
}

#[tokio::test]
async fn a_wrong_or_foreign_token_is_invalid() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, _, _] = three_questions(&app, &admin).await;
    let quiz = quiz(&app, &admin, &[mcq], json!({})).await;
    let invite = app
        .call(
            Method::POST,
            &format!(
                "/api/admin/quizzes/{}/invites",
                quiz["id"].as_str().unwrap()
            ),
            &admin,
            Some(json!({"email": "c@example.com", "full_name": "C"})),
        )
        .await
        .json();
    let token = invite["token"].as_str().unwrap();
    app.get(&format!("/api/candidate-quiz/{}", "f".repeat(64)))
        .await
        .assert_problem(401, "invalid_token");
    app.get("/api/candidate-quiz/short")
        .await
        .assert_problem(401, "invalid_token");
    // the token belongs to its platform
    app.req(Method::GET, &format!("/api/candidate-quiz/{token}"))
        .platform("my-analytics-school")
        .send()
        .await
        .assert_problem(401, "invalid_token");
    // an invite to another platform's quiz is not found
    let other_admin = app.token(kernel::auth::Role::Admin, &[], "my-analytics-school");
    let res = app
        .req(
            Method::POST,
            &format!(
                "/api/admin/quizzes/{}/invites",
                quiz["id"].as_str().unwrap()
            ),
        )
        .bearer(&other_admin)
        .platform("my-analytics-school")
        .json(&json!({"email": "c@example.com", "full_name": "C"}))
        .send()
        .await;
    assert_eq!(res.status, 404, "{}", res.text);
}
