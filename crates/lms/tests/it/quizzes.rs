//! Timed quizzes: attempts, saved answers, submits graded once, the server's clock,
//! accommodations, pinned question versions, the sweeper, other platforms.

use std::time::Duration;

use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::{TestOptions, spawn_app, spawn_app_with};

use crate::quiz_fixtures::{
    attempt, count, enrolled_student, learner_in, offering_course, question, quiz, save,
    seconds_between, start, submit, three_questions,
};

#[tokio::test]
async fn a_student_saves_answers_reconnects_and_the_submit_grades_what_was_saved() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (course_id, _, student) = enrolled_student(&app, &admin, "quizzed").await;
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi.clone(), numeric.clone()],
        json!({"course_id": course_id}),
    )
    .await;
    let quiz_id = quiz["id"].as_str().unwrap();

    // a quiz of a course needs an enrolment
    let outsider = app.user_token();
    start(&app, &outsider, quiz_id)
        .await
        .assert_problem(403, "not_enrolled");

    let res = start(&app, &student, quiz_id).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let started = res.json();
    let attempt_id = started["attempt_id"].as_str().unwrap().to_owned();
    assert_eq!(started["questions"].as_array().unwrap().len(), 3);
    assert!(
        !res.text.contains("\"answer\""),
        "no answers in the attempt: {}",
        res.text
    );
    assert!(
        started["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["correct_answer"].is_null())
    );
    assert!((seconds_between(&started["started_at"], &started["deadline"]) - 600.0).abs() < 1.0);

    // answers one by one; a stale seq never overwrites a newer answer
    let r = save(&app, &student, &attempt_id, &mcq, json!(1), 2).await;
    assert_eq!(
        (r.status, r.json()["applied"].clone()),
        (200, json!(true)),
        "{}",
        r.text
    );
    let r = save(&app, &student, &attempt_id, &mcq, json!(0), 1).await;
    assert_eq!(
        (
            r.status,
            r.json()["applied"].clone(),
            r.json()["seq"].clone()
        ),
        (200, json!(false), json!(2))
    );
    let r = save(&app, &student, &attempt_id, &mcq, json!(1), 2).await;
    assert_eq!(
        r.json()["applied"],
        false,
        "the same seq again changes nothing"
    );
    assert_eq!(
        save(&app, &student, &attempt_id, &multi, json!([2, 0]), 1)
            .await
            .status,
        200
    );
    assert_eq!(
        save(&app, &student, &attempt_id, &numeric, json!(3.5), 1)
            .await
            .status,
        200
    );
    // a malformed answer names the field
    let bad = save(&app, &student, &attempt_id, &mcq, json!(7), 3).await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "answer"
    );
    // another user's attempt is not found
    assert_eq!(
        save(&app, &outsider, &attempt_id, &mcq, json!(0), 9)
            .await
            .status,
        404
    );

    // reconnect: every saved answer comes back, the order is the same
    let again = attempt(&app, &student, &attempt_id).await;
    let answers = again["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 3, "{again}");
    let of = |q: &str| answers.iter().find(|a| a["question_id"] == q).unwrap()["answer"].clone();
    assert_eq!(
        (of(&mcq), of(&multi), of(&numeric)),
        (json!(1), json!([2, 0]), json!(3.5))
    );
    assert_eq!(again["questions"], started["questions"]);
    // starting again while in progress answers the same attempt
    let view = app
        .call(
            Method::GET,
            &format!("/api/quizzes/{quiz_id}"),
            &student,
            None,
        )
        .await
        .json();
    assert_eq!(view["in_progress_attempt_id"], attempt_id.as_str());
    assert_eq!(
        (
            view["question_count"].clone(),
            view["duration_seconds"].clone()
        ),
        (json!(3), json!(600))
    );
    let resumed = start(&app, &student, quiz_id).await;
    assert_eq!(
        (
            resumed.status,
            resumed.json()["attempt_id"].as_str().unwrap()
        ),
        (200, attempt_id.as_str())
    );

    // an empty submit grades the saved answers: 2 + 3 + 0 of 10, passing at 50 %
    let res = submit(&app, &student, &attempt_id, json!([])).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.json(),
        json!({"score": 5.0, "max_score": 10.0, "passed": true})
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'quiz.passed'",
            vec![]
        )
        .await,
        1
    );

    // the learner's view of the quiz and the admin's list of attempts
    let mine = app
        .call(
            Method::GET,
            &format!("/api/quizzes/{quiz_id}"),
            &student,
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            mine["attempts_used"].clone(),
            mine["best_score"].clone(),
            mine["passed"].clone(),
            mine["in_progress_attempt_id"].clone()
        ),
        (json!(1), json!(5.0), json!(true), json!(null))
    );
    app.call(
        Method::GET,
        &format!("/api/quizzes/{quiz_id}"),
        &outsider,
        None,
    )
    .await
    .assert_problem(403, "not_enrolled");
    let listed = app
        .call(
            Method::GET,
            &format!("/api/admin/quizzes/{quiz_id}/attempts"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(listed["items"][0]["attempt_id"], attempt_id.as_str());
    assert_eq!(listed["items"][0]["score"], 5.0);
    submit(&app, &student, &attempt_id, json!([]))
        .await
        .assert_problem(409, "attempt_submitted");
    save(&app, &student, &attempt_id, &numeric, json!(2.25), 5)
        .await
        .assert_problem(409, "attempt_submitted");
    let done = attempt(&app, &student, &attempt_id).await;
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["result"]["score"], 5.0);
    assert!(
        done["questions"][0]["correct_answer"].is_null(),
        "score_only shows no answers"
    );
}

#[tokio::test]
async fn concurrent_starts_make_one_attempt_and_concurrent_submits_grade_once() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let quiz = quiz(&app, &admin, &[mcq.clone(), multi, numeric], json!({})).await;
    let quiz_id = quiz["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "concurrent", &[quiz_id]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;

    let answers = futures::future::join_all((0..6).map(|_| start(&app, &student, quiz_id))).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|r| r.json()["attempt_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "one attempt for every tab");
    assert_eq!(
        count(&app, "SELECT count(*) FROM quiz_attempts", vec![]).await,
        1
    );
    let attempt_id = ids.into_iter().next().unwrap();

    let body = json!([{"question_id": mcq, "answer": 1}]);
    let submits = futures::future::join_all(
        (0..6).map(|_| submit(&app, &student, &attempt_id, body.clone())),
    )
    .await;
    let ok = submits.iter().filter(|r| r.status == 200).count();
    let refused = submits
        .iter()
        .filter(|r| r.status == 409 && r.json()["code"] == "attempt_submitted")
        .count();
    assert_eq!(
        (ok, refused),
        (1, 5),
        "{:?}",
        submits.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let graded = submits.iter().find(|r| r.status == 200).unwrap().json();
    assert_eq!(
        graded,
        json!({"score": 2.0, "max_score": 10.0, "passed": false})
    );
    let stored = attempt(&app, &student, &attempt_id).await;
    assert_eq!(stored["result"]["score"], 2.0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'quiz.passed'",
            vec![]
        )
        .await,
        0
    );

    // max_attempts 2: one more, then attempts_exhausted
    let second = start(&app, &student, quiz_id).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.json()["attempt_no"], 2);
    let second_id = second.json()["attempt_id"].as_str().unwrap().to_owned();
    assert_eq!(
        submit(&app, &student, &second_id, json!([])).await.status,
        200
    );
    start(&app, &student, quiz_id)
        .await
        .assert_problem(409, "attempts_exhausted");
}

#[tokio::test]
async fn a_learners_accommodation_applies_to_every_quiz_without_per_quiz_setup() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, multi, _] = three_questions(&app, &admin).await;
    let short = quiz(
        &app,
        &admin,
        std::slice::from_ref(&mcq),
        json!({"duration_seconds": 600, "max_attempts": 1}),
    )
    .await;
    let long = quiz(
        &app,
        &admin,
        std::slice::from_ref(&multi),
        json!({"duration_seconds": 1200, "max_attempts": 1}),
    )
    .await;
    let course = offering_course(
        &app,
        &admin,
        "accommodated",
        &[short["id"].as_str().unwrap(), long["id"].as_str().unwrap()],
    )
    .await;
    let (student_id, student) = learner_in(&app, &admin, &course).await;

    let path = format!("/api/admin/learners/{student_id}/accommodations");
    let none = app.call(Method::GET, &path, &admin, None).await;
    assert_eq!(
        (none.status, none.json()["time_multiplier"].clone()),
        (200, json!(1.0))
    );
    app.call(
        Method::PUT,
        &path,
        &admin,
        Some(json!({"time_multiplier": 9})),
    )
    .await
    .assert_problem(422, "validation_failed");
    let set = app
        .call(
            Method::PUT,
            &path,
            &admin,
            Some(json!({"time_multiplier": 1.5, "extra_attempts": 1, "note": "dyslexia"})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(
        app.call(Method::PUT, &path, &app.user_token(), Some(json!({})))
            .await
            .status,
        403
    );

    let seen = app
        .call(
            Method::GET,
            &format!("/api/quizzes/{}", short["id"].as_str().unwrap()),
            &student,
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            seen["duration_seconds"].clone(),
            seen["max_attempts"].clone()
        ),
        (json!(900), json!(2))
    );
    for (q, expected) in [(&short, 900.0), (&long, 1800.0)] {
        let res = start(&app, &student, q["id"].as_str().unwrap()).await;
        assert_eq!(res.status, 201, "{}", res.text);
        let a = res.json();
        let took = seconds_between(&a["started_at"], &a["deadline"]);
        assert!(
            (took - expected).abs() < 1.0,
            "{took} instead of {expected}"
        );
        assert_eq!(
            submit(&app, &student, a["attempt_id"].as_str().unwrap(), json!([]))
                .await
                .status,
            200
        );
    }
    // the extra attempt applies too: max_attempts 1 + 1
    let quiz_id = short["id"].as_str().unwrap();
    let second = start(&app, &student, quiz_id).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        submit(
            &app,
            &student,
            second.json()["attempt_id"].as_str().unwrap(),
            json!([])
        )
        .await
        .status,
        200
    );
    start(&app, &student, quiz_id)
        .await
        .assert_problem(409, "attempts_exhausted");
    // a learner without accommodations gets the quiz's own time
    let (_, plain) = learner_in(&app, &admin, &course).await;
    let res = start(&app, &plain, long["id"].as_str().unwrap()).await;
    assert!(
        (seconds_between(&res.json()["started_at"], &res.json()["deadline"]) - 1200.0).abs() < 1.0
    );
}

#[tokio::test]
async fn a_submit_after_deadline_and_grace_is_expired_and_grades_the_saved_answers() {
    let app = spawn_app_with(TestOptions::default().env("QUIZ_SUBMIT_GRACE_SECONDS", "1")).await;
    let admin = app.admin_token();
    let [mcq, multi, _] = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi.clone()],
        json!({"duration_seconds": 2}),
    )
    .await;
    let course = offering_course(&app, &admin, "expiring", &[quiz["id"].as_str().unwrap()]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let res = start(&app, &student, quiz["id"].as_str().unwrap()).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let attempt_id = res.json()["attempt_id"].as_str().unwrap().to_owned();
    assert_eq!(
        save(&app, &student, &attempt_id, &mcq, json!(1), 1)
            .await
            .status,
        200
    );

    tokio::time::sleep(Duration::from_millis(3300)).await;
    save(&app, &student, &attempt_id, &multi, json!([0, 2]), 1)
        .await
        .assert_problem(409, "attempt_expired");
    submit(
        &app,
        &student,
        &attempt_id,
        json!([{"question_id": multi, "answer": [0, 2]}]),
    )
    .await
    .assert_problem(409, "attempt_expired");
    let after = attempt(&app, &student, &attempt_id).await;
    assert_eq!(after["status"], "auto_submitted");
    assert_eq!(
        after["result"],
        json!({"score": 2.0, "max_score": 5.0, "passed": false}),
        "only the saved answer counts"
    );
    submit(&app, &student, &attempt_id, json!([]))
        .await
        .assert_problem(409, "attempt_submitted");
}

#[tokio::test]
async fn the_sweeper_finalises_an_overdue_attempt_with_its_saved_answers() {
    let app = spawn_app_with(TestOptions::default().env("QUIZ_SUBMIT_GRACE_SECONDS", "0")).await;
    let admin = app.admin_token();
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi, numeric.clone()],
        json!({"duration_seconds": 1, "pass_percent": 60}),
    )
    .await;
    let course = offering_course(&app, &admin, "swept", &[quiz["id"].as_str().unwrap()]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let attempt_id = start(&app, &student, quiz["id"].as_str().unwrap())
        .await
        .json()["attempt_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        save(&app, &student, &attempt_id, &mcq, json!(1), 1)
            .await
            .status,
        200
    );
    assert_eq!(
        save(&app, &student, &attempt_id, &numeric, json!(2.259), 1)
            .await
            .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let worker = app.start_worker().await;
    app.jobs
        .enqueue("mr-mentor", &lms::workers::SweepQuizAttempts {}, None)
        .await
        .unwrap();
    let done = testkit::eventually(20, || async {
        let a = attempt(&app, &student, &attempt_id).await;
        (a["status"] == "auto_submitted").then_some(a)
    })
    .await
    .expect("the sweeper finalised the attempt");
    worker.stop().await;
    assert_eq!(
        done["result"],
        json!({"score": 7.0, "max_score": 10.0, "passed": true})
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'quiz.passed'",
            vec![]
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_question_edited_after_an_attempt_started_does_not_change_that_attempt() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let mcq = question(&app, &admin, json!({"kind": "mcq", "prompt": "Capital of France?", "options": ["Paris", "Lyon"], "answer": 0, "marks": 4})).await;
    let quiz = quiz(
        &app,
        &admin,
        std::slice::from_ref(&mcq),
        json!({"review_policy": "answers_after_submit"}),
    )
    .await;
    let quiz_id = quiz["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "pinned", &[quiz_id]).await;
    let (_, first) = learner_in(&app, &admin, &course).await;
    let (_, second) = learner_in(&app, &admin, &course).await;
    let a = start(&app, &first, quiz_id).await.json();
    let attempt_id = a["attempt_id"].as_str().unwrap();

    let edited = app
        .call(
            Method::PATCH,
            &format!("/api/question-bank/{mcq}"),
            &admin,
            Some(json!({"prompt": "Largest city of France after Paris?", "answer": 1, "tags": ["geo"]})),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(
        (
            edited.json()["version"].clone(),
            edited.json()["answer"].clone()
        ),
        (json!(2), json!(1))
    );
    let tag_only = app
        .call(
            Method::PATCH,
            &format!("/api/question-bank/{mcq}"),
            &admin,
            Some(json!({"difficulty": "hard"})),
        )
        .await;
    assert_eq!(
        tag_only.json()["version"],
        2,
        "tags and difficulty write no version"
    );

    let view = attempt(&app, &first, attempt_id).await;
    assert_eq!(view["questions"][0]["prompt"], "Capital of France?");
    let graded = submit(
        &app,
        &first,
        attempt_id,
        json!([{"question_id": mcq, "answer": 0}]),
    )
    .await;
    assert_eq!(
        graded.json(),
        json!({"score": 4.0, "max_score": 4.0, "passed": true})
    );
    let reviewed = attempt(&app, &first, attempt_id).await;
    assert_eq!(
        reviewed["questions"][0]["correct_answer"], 0,
        "the pinned version's answer"
    );

    let later = start(&app, &second, quiz_id).await.json();
    assert_eq!(
        later["questions"][0]["prompt"],
        "Largest city of France after Paris?"
    );
}

#[tokio::test]
async fn the_bank_filters_and_checks_answers_against_the_kind() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [_, _, numeric] = three_questions(&app, &admin).await;
    let list = |q: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call(Method::GET, &format!("/api/question-bank{q}"), &admin, None)
                .await
                .json()
        }
    };
    assert_eq!(list("").await["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        list("?tag=primes").await["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        list("?kind=numeric").await["items"][0]["id"],
        numeric.as_str()
    );
    assert_eq!(list("?difficulty=easy").await["items"][0]["kind"], "mcq");
    let page = list("?limit=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .call(
            Method::GET,
            &format!("/api/question-bank?limit=2&cursor={cursor}"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);

    for (body, field) in [
        (
            json!({"kind": "mcq", "prompt": "?", "options": ["a", "b"], "answer": 2, "marks": 1}),
            "answer",
        ),
        (
            json!({"kind": "mcq", "prompt": "?", "options": ["a"], "answer": 0, "marks": 1}),
            "options",
        ),
        (
            json!({"kind": "numeric", "prompt": "?", "answer": "x", "marks": 1}),
            "answer",
        ),
        (
            json!({"kind": "code", "prompt": "?", "answer": "print(1)", "marks": 1}),
            "language_id",
        ),
    ] {
        let res = app
            .call(Method::POST, "/api/question-bank", &admin, Some(body))
            .await;
        assert_eq!(
            res.assert_problem(422, "validation_failed")["errors"][0]["field"],
            field,
            "{}",
            res.text
        );
    }
    let res = app
        .call(Method::POST, "/api/admin/quizzes", &admin, Some(json!({"title": "x", "duration_seconds": 60,
            "question_ids": [numeric, "0196a5e0-0000-7000-8000-000000000001"], "max_attempts": 1, "pass_percent": 50})))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "question_ids"
    );
}

#[tokio::test]
async fn code_questions_need_a_code_runner() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let code = question(
        &app,
        &admin,
        json!({"kind": "code", "prompt": "Echo the input", "answer": "print(input())", "marks": 5,
               "language_id": 71, "test_cases": [{"stdin": "1", "expected_output": "1"},
                                                 {"stdin": "2", "expected_output": "2", "hidden": true}]}),
    )
    .await;
    let quiz = quiz(&app, &admin, &[code], json!({})).await;
    let course = offering_course(&app, &admin, "coded", &[quiz["id"].as_str().unwrap()]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    start(&app, &student, quiz["id"].as_str().unwrap())
        .await
        .assert_problem(503, "provider_not_configured");
}

#[tokio::test]
async fn another_platform_cannot_see_or_attempt_the_quiz() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, _, _] = three_questions(&app, &admin).await;
    let quiz = quiz(&app, &admin, std::slice::from_ref(&mcq), json!({})).await;
    let quiz_id = quiz["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "ours", &[quiz_id]).await;
    let (_, student) = learner_in(&app, &admin, &course).await;
    let attempt_id = start(&app, &student, quiz_id).await.json()["attempt_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let other = "my-analytics-school";
    let other_admin = app.token(Role::Admin, &[], other);
    let (other_student_id, other_student) = app.user(Role::User, &[], other);
    let as_other = |method: Method, path: String, token: &str| {
        app.req(method, &path).bearer(token).platform(other).send()
    };
    assert_eq!(
        as_other(
            Method::GET,
            format!("/api/admin/quizzes/{quiz_id}"),
            &other_admin
        )
        .await
        .status,
        404
    );
    assert_eq!(
        as_other(
            Method::GET,
            format!("/api/question-bank/{mcq}"),
            &other_admin
        )
        .await
        .status,
        404
    );
    let listed = as_other(Method::GET, "/api/admin/quizzes".into(), &other_admin)
        .await
        .json();
    assert_eq!(listed["items"], json!([]));
    assert_eq!(
        as_other(
            Method::POST,
            format!("/api/quizzes/{quiz_id}/attempts"),
            &other_student
        )
        .await
        .status,
        404
    );
    assert_eq!(
        as_other(
            Method::GET,
            format!("/api/quiz-attempts/{attempt_id}"),
            &other_student
        )
        .await
        .status,
        404
    );
    assert_eq!(
        as_other(
            Method::GET,
            format!("/api/admin/quizzes/{quiz_id}/attempts"),
            &other_admin
        )
        .await
        .status,
        404
    );
    assert_eq!(
        as_other(
            Method::GET,
            format!("/api/quizzes/{quiz_id}"),
            &other_student
        )
        .await
        .status,
        404
    );
    // an admin of this platform cannot set accommodations for a user of the other
    let res = app
        .call(
            Method::PUT,
            &format!("/api/admin/learners/{other_student_id}/accommodations"),
            &admin,
            Some(json!({"time_multiplier": 2})),
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text);
    // a quiz built from another platform's questions is refused
    let res = app
        .req(Method::POST, "/api/admin/quizzes")
        .bearer(&other_admin)
        .platform(other)
        .json(&json!({"title": "x", "duration_seconds": 60, "question_ids": [mcq], "max_attempts": 1, "pass_percent": 50}))
        .send()
        .await;
    res.assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn shuffled_orders_are_per_attempt_and_survive_a_reload() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi.clone(), numeric],
        json!({"shuffle_questions": true, "shuffle_options": true}),
    )
    .await;
    let quiz_id = quiz["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "shuffled", &[quiz_id]).await;
    let mut orders = std::collections::HashSet::new();
    for _ in 0..4 {
        let (_, student) = learner_in(&app, &admin, &course).await;
        let started = start(&app, &student, quiz_id).await.json();
        let id = started["attempt_id"].as_str().unwrap();
        let reloaded = attempt(&app, &student, id).await;
        assert_eq!(
            reloaded["questions"], started["questions"],
            "a reload shows the same order"
        );
        let mut order = Vec::new();
        for q in started["questions"].as_array().unwrap() {
            let mut idx: Vec<u64> = q["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["index"].as_u64().unwrap())
                .collect();
            order.push(format!("{}:{idx:?}", q["question_id"]));
            idx.sort_unstable();
            assert_eq!(
                idx,
                (0..idx.len() as u64).collect::<Vec<_>>(),
                "every option once"
            );
        }
        orders.insert(order);
        // answers name the option's index, whatever the order shown
        let graded = submit(
            &app,
            &student,
            id,
            json!([{"question_id": mcq, "answer": 1}, {"question_id": multi, "answer": [0, 2]}]),
        )
        .await;
        assert_eq!(graded.json()["score"], 5.0);
    }
    assert!(orders.len() > 1, "four attempts, one order: {orders:?}");
}

/// A quiz of no course attached to a paid course: its id is not on the public page, and only
/// a learner enrolled in a course offering it takes it (new accounts get 403); a quiz with
/// candidate invites is for candidates only.
#[tokio::test]
async fn a_quiz_of_no_course_is_taken_only_through_a_course_offering_it() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let [mcq, multi, numeric] = three_questions(&app, &admin).await;
    let shared = quiz(
        &app,
        &admin,
        &[mcq.clone(), multi, numeric],
        json!({"review_policy": "answers_after_submit"}),
    )
    .await;
    let quiz_id = shared["id"].as_str().unwrap();
    let course = offering_course(&app, &admin, "paid-course", &[quiz_id]).await;

    // the public course page (anonymous) names no quiz id
    let page = app.get("/api/courses/paid-course").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let item = &page.json()["modules"][0]["items"][0];
    assert_eq!(item["kind"], "quiz");
    assert!(item["ref_id"].is_null(), "{}", page.text);
    assert!(!page.text.contains(quiz_id), "{}", page.text);

    // a new account, and a student of another course: 403, with no question shown
    let (_, stranger) = app.user(Role::User, &[], "mr-mentor");
    let (_, _, elsewhere) = enrolled_student(&app, &admin, "other-course").await;
    for token in [&stranger, &elsewhere] {
        start(&app, token, quiz_id)
            .await
            .assert_problem(403, "not_enrolled");
        app.call(Method::GET, &format!("/api/quizzes/{quiz_id}"), token, None)
            .await
            .assert_problem(403, "not_enrolled");
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM quiz_attempts WHERE quiz_id = $1",
            vec![quiz_id.parse::<uuid::Uuid>().unwrap().into()]
        )
        .await,
        0
    );

    // a student of the course sees the quiz on their course page and takes it
    let (_, student) = learner_in(&app, &admin, &course).await;
    let own = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{course}"),
            &student,
            None,
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(own.json()["modules"][0]["items"][0]["ref_id"], quiz_id);
    let res = start(&app, &student, quiz_id).await;
    assert_eq!(res.status, 201, "{}", res.text);
    // an admin takes it without an enrolment, as before
    let res = start(&app, &admin, quiz_id).await;
    assert_eq!(res.status, 201, "{}", res.text);

    // a screening quiz (it has candidate invites) is not for learners, even offered by a course
    let screening = quiz(&app, &admin, std::slice::from_ref(&mcq), json!({})).await;
    let screening_id = screening["id"].as_str().unwrap();
    let invite = app
        .call(
            Method::POST,
            &format!("/api/admin/quizzes/{screening_id}/invites"),
            &admin,
            Some(json!({"email": "c@example.com", "full_name": "C"})),
        )
        .await;
    assert_eq!(invite.status, 201, "{}", invite.text);
    let screened = offering_course(&app, &admin, "screened", &[screening_id]).await;
    let (_, learner) = learner_in(&app, &admin, &screened).await;
    start(&app, &learner, screening_id)
        .await
        .assert_problem(403, "forbidden");
}
