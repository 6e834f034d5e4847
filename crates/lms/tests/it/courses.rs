//! Courses, the public catalogue, grants and the enrolled student's course page.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common;

#[tokio::test]
async fn the_catalogue_lists_published_courses_with_modules_and_hides_drafts_and_content() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let published = common::course(&app, &admin, "data-science", true).await;
    common::course(&app, &admin, "draft-course", false).await;
    let id = published["id"].as_str().unwrap();
    common::content(&app, &admin, id).await;

    let list = app.get("/api/courses").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    let slugs: Vec<&str> = items.iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["data-science"]);
    assert_eq!(items[0]["modules"][0]["title"], "Basics");
    assert_eq!(items[0]["price_paise"], 499_900);
    assert_eq!(items[0]["gst_inclusive"], true);

    let page = app.get("/api/courses/data-science").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let module = &page.json()["modules"][0];
    assert_eq!(module["items"].as_array().unwrap().len(), 2);
    assert!(
        !page.text.contains("secret lesson text") && !page.text.contains("example.com/read"),
        "the public page shows content: {}",
        page.text
    );
    app.get("/api/courses/draft-course")
        .await
        .assert_problem(404, "not_found");

    // a slug is unique per platform, and another platform has its own catalogue
    let again = app
        .call(
            Method::POST,
            "/api/admin/courses",
            &admin,
            Some(json!({"title": "x", "slug": "data-science", "price_paise": 0, "gst_inclusive": false})),
        )
        .await;
    let problem = again.assert_problem(409, "slug_taken");
    assert_eq!(problem["errors"][0]["field"], "slug");
    let other = app
        .req(Method::GET, "/api/courses")
        .platform("my-analytics-school")
        .send()
        .await;
    assert_eq!(other.json()["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn bad_course_input_names_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    for (body, field) in [
        (
            json!({"title": "", "slug": "a", "price_paise": 0, "gst_inclusive": true}),
            "title",
        ),
        (
            json!({"title": "t", "slug": "Not A Slug", "price_paise": 0, "gst_inclusive": true}),
            "slug",
        ),
        (
            json!({"title": "t", "slug": "ok", "price_paise": -1, "gst_inclusive": true}),
            "price_paise",
        ),
    ] {
        let res = app
            .call(Method::POST, "/api/admin/courses", &admin, Some(body))
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{}", res.text);
    }
    let course = common::course(&app, &admin, "c1", true).await;
    let id = course["id"].as_str().unwrap();
    let module = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{id}/modules"),
            &admin,
            Some(json!({"title": "m", "position": 0})),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{id}/modules/{module}/items"),
            &admin,
            Some(json!({"kind": "quiz", "title": "q", "position": 0})),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "ref_id"
    );
    // a ref_id must name a quiz of this platform
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{id}/modules/{module}/items"),
            &admin,
            Some(json!({"kind": "quiz", "title": "q", "position": 0,
                        "ref_id": "0196a5e0-0000-7000-8000-0000000000aa"})),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "ref_id"
    );
    let question = app
        .call(
            Method::POST,
            "/api/question-bank",
            &admin,
            Some(json!({"kind": "mcq", "prompt": "1 + 1?", "options": ["1", "2"], "answer": 1, "marks": 1})),
        )
        .await
        .json()["id"]
        .clone();
    let quiz = app
        .call(
            Method::POST,
            "/api/admin/quizzes",
            &admin,
            Some(
                json!({"title": "Check", "course_id": id, "duration_seconds": 60,
                        "question_ids": [question], "max_attempts": 1, "pass_percent": 50}),
            ),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.text);
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{id}/modules/{module}/items"),
            &admin,
            Some(json!({"kind": "quiz", "title": "Check", "position": 1, "ref_id": quiz.json()["id"]})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

#[tokio::test]
async fn a_grant_is_idempotent_and_opens_the_course_page_and_progress() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "rust-101", true).await;
    let course_id = course["id"].as_str().unwrap();
    let (_, lesson, link) = common::content(&app, &admin, course_id).await;

    let page = format!("/api/student/courses/{course_id}");
    app.call(Method::GET, &page, &token, None)
        .await
        .assert_problem(403, "not_enrolled");

    let first = common::grant(&app, &admin, &student.to_string(), course_id).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = common::grant(&app, &admin, &student.to_string(), course_id).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(first.json()["id"], again.json()["id"]);

    let res = app.call(Method::GET, &page, &token, None).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["modules"][0]["items"][0]["body"], "secret lesson text");
    assert_eq!(
        body["modules"][0]["items"][1]["url"],
        "https://example.com/read"
    );
    assert_eq!(
        body["progress"],
        json!({"completed": 0, "total": 2, "percent": 0})
    );

    let done = app
        .call(
            Method::POST,
            &format!("{page}/items/{lesson}/complete"),
            &token,
            None,
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json()["progress"]["percent"], 50);
    // a repeat keeps the first time and counts once
    let repeat = app
        .call(
            Method::POST,
            &format!("{page}/items/{lesson}/complete"),
            &token,
            None,
        )
        .await;
    assert_eq!(repeat.json()["completed_at"], done.json()["completed_at"]);
    assert_eq!(repeat.json()["progress"]["completed"], 1);
    let res = app.call(Method::GET, &page, &token, None).await.json();
    assert_eq!(res["modules"][0]["items"][0]["completed"], true);
    assert_eq!(res["modules"][0]["items"][1]["completed"], false);
    // an item of another course is not this course's
    let other = common::course(&app, &admin, "other", true).await;
    let (_, foreign, _) = common::content(&app, &admin, other["id"].as_str().unwrap()).await;
    app.call(
        Method::POST,
        &format!("{page}/items/{foreign}/complete"),
        &token,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    // the AI student profile carries the enrolment and its progress
    let profile = app
        .call(
            Method::GET,
            &format!("/api/ai/student-profile/{student}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    let section = &profile.json()["sections"]["enrollments"];
    assert_eq!(section["active"], 1);
    assert_eq!(section["courses"][0]["title"], "Course rust-101");
    assert_eq!(section["courses"][0]["items_completed"], 1);
    assert_eq!(section["courses"][0]["items_total"], 2);
    let _ = link;
}

#[tokio::test]
async fn tenants_do_not_see_or_enrol_across_platforms() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let course = common::course(&app, &admin, "mm-course", true).await;
    let course_id = course["id"].as_str().unwrap();
    // an admin of another platform cannot see or change it, nor grant it
    let other_admin = app.token(Role::Admin, &[], "my-analytics-school");
    let res = app
        .req(Method::GET, &format!("/api/admin/courses/{course_id}"))
        .bearer(&other_admin)
        .platform("my-analytics-school")
        .send()
        .await;
    res.assert_problem(404, "not_found");
    let (student, _) = app.user(Role::User, &[], "my-analytics-school");
    let res = app
        .req(Method::POST, "/api/admin/course-enrollments")
        .bearer(&other_admin)
        .platform("my-analytics-school")
        .json(&json!({"user_id": student, "course_id": course_id}))
        .send()
        .await;
    res.assert_problem(404, "not_found");
    // this platform's admin cannot enrol another platform's user
    let res = common::grant(&app, &admin, &student.to_string(), course_id).await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "user_id"
    );
    // a batch lead must hold the capability on this platform
    let (plain, _) = app.user(Role::User, &[], "mr-mentor");
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            Some(json!({"name": "B1", "starts_on": "2027-01-10", "batch_lead_id": plain})),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "batch_lead_id"
    );
    let (lead, _) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/batches"),
            &admin,
            Some(json!({"name": "B1", "starts_on": "2027-01-10", "batch_lead_id": lead})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(
        res.json()["capacity"],
        60,
        "the platform's default capacity"
    );
}
