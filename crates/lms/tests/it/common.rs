//! Fixtures of the LMS tests: courses with content, enrolments.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestApp;

/// Creates a course (published or not) with one module holding a lesson and a document-less
/// link; answers the course JSON.
pub async fn course(app: &TestApp, admin: &str, slug: &str, published: bool) -> Value {
    let res = app
        .call(
            Method::POST,
            "/api/admin/courses",
            admin,
            Some(json!({
                "title": format!("Course {slug}"), "slug": slug, "description": "Learn things",
                "price_paise": 499_900, "gst_inclusive": true, "published": published,
            })),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// Adds a module with a lesson and a link; answers (module id, lesson id, link id).
pub async fn content(app: &TestApp, admin: &str, course_id: &str) -> (String, String, String) {
    let module = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/modules"),
            admin,
            Some(json!({"title": "Basics", "position": 1})),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.text);
    let module = module.json()["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (kind, title, extra) in [
        ("lesson", "Welcome", json!({"body": "secret lesson text"})),
        (
            "link",
            "Reading",
            json!({"url": "https://example.com/read"}),
        ),
    ] {
        let mut body = json!({"kind": kind, "title": title, "position": ids.len()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app
            .call(
                Method::POST,
                &format!("/api/admin/courses/{course_id}/modules/{module}/items"),
                admin,
                Some(body),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        ids.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    (module, ids[0].clone(), ids[1].clone())
}

/// Grants `course_id` to `user_id`; answers the response.
pub async fn grant(
    app: &TestApp,
    admin: &str,
    user_id: &str,
    course_id: &str,
) -> testkit::TestResponse {
    app.call(
        Method::POST,
        "/api/admin/course-enrollments",
        admin,
        Some(json!({"user_id": user_id, "course_id": course_id})),
    )
    .await
}
