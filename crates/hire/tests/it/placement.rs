//! The placement score: from graded projects (the LMS) and Miss Ozone practice calls, scoped
//! to the student, HR and admins, and the student's batch lead; and its section of the AI
//! student profile.

use chrono::{Duration, Utc};
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestApp;

const STUDENTS: &str = "mr-mentor";

async fn get(app: &TestApp, path: &str, token: &str) -> testkit::TestResponse {
    app.req(Method::GET, path)
        .platform(STUDENTS)
        .bearer(token)
        .send()
        .await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let res = app
        .req(Method::POST, path)
        .platform(STUDENTS)
        .bearer(token)
        .json(&body)
        .send()
        .await;
    assert!(
        res.status == 200 || res.status == 201,
        "{path}: {}",
        res.text
    );
    res.json()
}

#[tokio::test]
async fn the_score_combines_projects_and_practice_calls_for_those_allowed_to_see_it() {
    let server = crate::voice::eleven("conv_practice").await;
    let app = crate::voice::voice_app(&server).await;
    let admin = app.token(Role::Admin, &[], STUDENTS);
    let (student_id, student) = app.user(Role::User, &[], STUDENTS);
    let (lead_id, lead) = app.user(Role::User, &[Capability::BatchLead], STUDENTS);
    let other_lead = app.token(Role::User, &[Capability::BatchLead], STUDENTS);
    let hr = app.token(Role::User, &[Capability::Hr], STUDENTS);
    let classmate = app.token(Role::User, &[], STUDENTS);

    // nothing known yet
    let empty = get(&app, "/api/placement-score/me", &student).await.json();
    assert_eq!(
        (empty["score"].clone(), empty["projects"]["count"].clone()),
        (Value::Null, json!(0))
    );

    // a graded project: 8 of 10
    let course = post(
        &app,
        "/api/admin/courses",
        &admin,
        json!({"title": "Analytics", "slug": "analytics",
        "description": "x", "price_paise": 100_000, "gst_inclusive": true, "published": true}),
    )
    .await;
    let cid = course["id"].as_str().unwrap();
    let batch = post(
        &app,
        &format!("/api/admin/courses/{cid}/batches"),
        &admin,
        json!({"name": "A", "starts_on": "2026-01-05", "batch_lead_id": lead_id}),
    )
    .await;
    post(
        &app,
        "/api/admin/course-enrollments",
        &admin,
        json!({"user_id": student_id, "course_id": cid, "batch_id": batch["id"]}),
    )
    .await;
    let assignment = post(
        &app,
        &format!("/api/admin/courses/{cid}/assignments"),
        &admin,
        json!({"title": "Dashboard", "due_at": Utc::now() + Duration::days(2), "max_points": 10}),
    )
    .await;
    let submission = post(
        &app,
        &format!(
            "/api/student/courses/{cid}/assignments/{}/submissions",
            assignment["id"].as_str().unwrap()
        ),
        &student,
        json!({"text": "my dashboard"}),
    )
    .await;
    post(
        &app,
        &format!(
            "/api/grading/submissions/{}/grade",
            submission["id"].as_str().unwrap()
        ),
        &lead,
        json!({"points": 8}),
    )
    .await;

    // one practice call ElevenLabs judged successful
    let config = post(
        &app,
        "/api/miss-ozone/configs",
        &admin,
        json!({"name": "Mock interview", "agent_id": "ozone-mock"}),
    )
    .await;
    crate::common::exec(
        &app,
        "UPDATE users SET phone = '9000050001' WHERE id = $1",
        vec![student_id.into()],
    )
    .await;
    let call = post(
        &app,
        "/api/miss-ozone/calls",
        &admin,
        json!({"config_id": config["id"], "user_id": student_id}),
    )
    .await;
    let el = hire::elevenlabs::ElevenLabs::from_config(&app.config.hire).unwrap();
    let id = call["id"].as_str().unwrap().parse().unwrap();
    hire::service::ozone::dial(&app.db, &el, id).await.unwrap();
    hire::service::ozone::reconcile(&app.db, &el, chrono::Duration::zero())
        .await
        .unwrap();

    let mine = get(&app, "/api/placement-score/me", &student).await.json();
    assert_eq!(mine["projects"]["percent"], 80.0, "{mine}");
    assert_eq!(mine["interviews"]["percent"], 100.0, "{mine}");
    assert_eq!(mine["quizzes"]["percent"], Value::Null);
    // (80 * 40 + 100 * 20) / 60
    assert_eq!(mine["score"], 86.7);

    let path = format!("/api/placement-score/{student_id}");
    for (who, token) in [("HR", &hr), ("the batch lead", &lead), ("an admin", &admin)] {
        let res = get(&app, &path, token).await;
        assert_eq!(
            (res.status, res.json()["score"].clone()),
            (200, json!(86.7)),
            "{who}: {}",
            res.text
        );
    }
    get(&app, &path, &other_lead)
        .await
        .assert_problem(403, "forbidden");
    get(&app, &path, &classmate)
        .await
        .assert_problem(403, "forbidden");

    // the AI student profile carries it
    let profile = get(
        &app,
        &format!("/api/ai/student-profile/{student_id}"),
        &admin,
    )
    .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_eq!(profile.json()["sections"]["placement"]["score"], 86.7);
    app.stop().await;
}
