//! A student's whole path through HTTP, as one test: the public catalogue -> a paid enrolment
//! (wiremock Razorpay; the capture webhook delivered twice and before the checkout's
//! verification: enrolled once) -> the course page -> a quiz attempt with answers saved as
//! they go -> submit -> score -> an assignment handed in -> graded by the batch lead -> the
//! dashboard shows it all.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;

use crate::{
    common,
    orders::{app_with_razorpay, place, verify, webhook},
    quiz_fixtures::{quiz, save, start, submit, three_questions},
};

#[tokio::test]
async fn catalogue_to_paid_enrolment_to_quiz_score_to_graded_assignment() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (lead_id, lead) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");

    // the admin builds a course: content, a batch led by the lead, a quiz and an assignment
    let course = common::course(&app, &admin, "analytics-bootcamp", true).await;
    let course_id = course["id"].as_str().unwrap().to_owned();
    let (_, lesson, _) = common::content(&app, &admin, &course_id).await;
    let batch = common::batch(
        &app,
        &admin,
        &course_id,
        "Cohort 1",
        Some(&lead_id.to_string()),
    )
    .await;
    let questions = three_questions(&app, &admin).await;
    let quiz = quiz(
        &app,
        &admin,
        &questions,
        json!({"course_id": course_id, "pass_percent": 60}),
    )
    .await;
    let quiz_id = quiz["id"].as_str().unwrap().to_owned();
    let due = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let assignment = common::assignment(
        &app,
        &admin,
        &course_id,
        json!({"title": "Clean a dataset", "instructions": "Use pandas", "due_at": due, "max_points": 20}),
    )
    .await;
    let assignment_id = assignment["id"].as_str().unwrap().to_owned();

    // 1. the catalogue shows it
    let catalogue = app.get("/api/courses").await.json();
    assert_eq!(catalogue["items"][0]["slug"], "analytics-bootcamp");
    let page = app.get("/api/courses/analytics-bootcamp").await;
    assert_eq!(page.status, 200, "{}", page.text);

    // 2. a paid enrolment; the webhook twice and first, then the checkout's verification
    testkit::razorpay::expect_order(&rzp, "order_PATH", 499_900).await;
    let order = app
        .call(
            Method::POST,
            "/api/course-enrollment/orders",
            &student,
            Some(json!({"course_id": course_id, "batch_id": batch})),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.text);
    let captured = json!({
        "entity": "event", "event": "payment.captured",
        "payload": {"payment": {"entity": {"id": "pay_PATH", "order_id": "order_PATH",
            "amount": 499_900, "currency": "INR", "status": "captured"}}}
    });
    assert_eq!(
        webhook(&app, "evt_path_1", &captured).await.json()["status"],
        "credited"
    );
    assert_eq!(
        webhook(&app, "evt_path_2", &captured).await.json()["status"],
        "already_credited"
    );
    assert_eq!(
        verify(&app, &student, "order_PATH", "pay_PATH")
            .await
            .json()["status"],
        "captured"
    );
    place(&app, &student, &course_id)
        .await
        .assert_problem(409, "already_enrolled");

    // 3. the course page, seated in the batch, and a lesson done
    let page = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{course_id}"),
            &student,
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json()["enrollment"]["batch_id"], batch.as_str());
    let done = app
        .call(
            Method::POST,
            &format!("/api/student/courses/{course_id}/items/{lesson}/complete"),
            &student,
            None,
        )
        .await;
    assert_eq!(done.json()["progress"]["percent"], 50);

    // 4. the quiz: answers saved as they go, then the submit grades them
    let started = start(&app, &student, &quiz_id).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let attempt = started.json()["attempt_id"].as_str().unwrap().to_owned();
    let [mcq, multi, numeric] = &questions;
    assert_eq!(
        save(&app, &student, &attempt, mcq, json!(1), 1)
            .await
            .status,
        200
    );
    assert_eq!(
        save(&app, &student, &attempt, multi, json!([0, 2]), 1)
            .await
            .status,
        200
    );
    let graded = submit(
        &app,
        &student,
        &attempt,
        json!([{"question_id": numeric, "answer": 2.25}]),
    )
    .await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(
        (
            graded.json()["score"].as_f64(),
            graded.json()["max_score"].as_f64(),
            graded.json()["passed"].clone()
        ),
        (Some(10.0), Some(10.0), json!(true))
    );

    // 5. the assignment, handed in and graded by the batch lead
    let handed = common::submit(
        &app,
        &student,
        &course_id,
        &assignment_id,
        json!({"text": "notebook link"}),
    )
    .await;
    assert_eq!(handed.status, 201, "{}", handed.text);
    let grade = app
        .call(
            Method::POST,
            &format!(
                "/api/grading/submissions/{}/grade",
                handed.json()["id"].as_str().unwrap()
            ),
            &lead,
            Some(json!({"points": 18, "feedback": "Tidy work"})),
        )
        .await;
    assert_eq!(grade.status, 200, "{}", grade.text);
    let mine = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{course_id}/assignments"),
            &student,
            None,
        )
        .await
        .json();
    let text = mine.to_string();
    assert!(text.contains("Tidy work") && text.contains("18"), "{text}");

    // 6. the dashboard: enrolled once, the quiz passed (not pending), the work handed in
    let dash = app
        .call(Method::GET, "/api/student/dashboard", &student, None)
        .await
        .json();
    assert_eq!(dash["enrollments"].as_array().unwrap().len(), 1);
    assert_eq!(dash["enrollments"][0]["batch"], "Cohort 1");
    assert_eq!(
        dash["pending_quizzes"].as_array().unwrap().len(),
        0,
        "{dash}"
    );
    assert_eq!(
        dash["pending_assignments"].as_array().unwrap().len(),
        0,
        "{dash}"
    );
    // 7. the AI student profile sees the enrolment and the passed quiz
    let profile = app
        .call(
            Method::GET,
            &format!("/api/ai/student-profile/{student_id}"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(profile["sections"]["enrollments"]["active"], 1);
    assert_eq!(profile["sections"]["quizzes"]["passed"], 1);
    assert_eq!(profile["sections"]["quizzes"]["average_percent"], 100.0);
}
