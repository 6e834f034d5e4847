//! Batch seats under concurrency.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common;

#[tokio::test]
async fn fifty_concurrent_grants_into_a_batch_of_forty_seat_exactly_forty() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    // users first: creating them blocks the test's thread, which the server shares, and an
    // idle keep-alive connection could be closed under a request meanwhile
    let students: Vec<String> = (0..50)
        .map(|_| app.user(Role::User, &[], "mr-mentor").0.to_string())
        .collect();
    let course = common::course(&app, &admin, "cohort", true).await;
    let course_id = course["id"].as_str().unwrap().to_owned();
    let batch = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            Some(json!({"name": "January", "starts_on": "2027-01-04", "capacity": 40})),
        )
        .await;
    assert_eq!(batch.status, 201, "{}", batch.text);
    let batch_id = batch.json()["id"].as_str().unwrap().to_owned();
    let calls = students.iter().map(|s| {
        app.call(
            Method::POST,
            "/api/admin/course-enrollments",
            &admin,
            Some(json!({"user_id": s, "course_id": course_id, "batch_id": batch_id})),
        )
    });
    let answers = futures::future::join_all(calls).await;
    let created = answers.iter().filter(|r| r.status == 201).count();
    let full = answers
        .iter()
        .filter(|r| r.status == 409 && r.json()["code"] == "batch_full")
        .count();
    assert_eq!(
        (created, full),
        (40, 10),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let batches = app
        .call(
            Method::GET,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(batches["items"][0]["seats_taken"], 40);
    // the refused ones were not enrolled at all (the seat and the enrolment are one transaction)
    let refused: Vec<&String> = students
        .iter()
        .zip(&answers)
        .filter(|(_, r)| r.status == 409)
        .map(|(s, _)| s)
        .collect();
    let again = common::grant(&app, &admin, refused[0], &course_id).await;
    assert_eq!(
        again.status, 201,
        "a refused student had no enrolment: {}",
        again.text
    );

    // moving a student to another batch gives the seat back
    let second = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            Some(json!({"name": "February", "starts_on": "2027-02-01", "capacity": 1})),
        )
        .await
        .json();
    let moved = answers.iter().find(|r| r.status == 201).unwrap().json();
    let res = app
        .call(
            Method::PUT,
            &format!(
                "/api/admin/course-enrollments/{}/batch",
                moved["id"].as_str().unwrap()
            ),
            &admin,
            Some(json!({"batch_id": second["id"]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let batches = app
        .call(
            Method::GET,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            None,
        )
        .await
        .json();
    let seats: Vec<i64> = batches["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["seats_taken"].as_i64().unwrap())
        .collect();
    assert_eq!(seats, [39, 1]);
    // the second batch is full now
    let res = app
        .call(
            Method::PUT,
            &format!(
                "/api/admin/course-enrollments/{}/batch",
                again.json()["id"].as_str().unwrap()
            ),
            &admin,
            Some(json!({"batch_id": second["id"]})),
        )
        .await;
    res.assert_problem(409, "batch_full");
}
