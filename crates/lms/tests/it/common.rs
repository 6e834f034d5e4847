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

/// Stores `bytes` under a fresh key of `platform` (as an upload would) and answers the key.
pub async fn stored(
    app: &TestApp,
    platform: &str,
    name: &str,
    content_type: &str,
    bytes: usize,
) -> String {
    let store =
        storage::Storage::from_config(&app.config.storage, &app.config.kernel.public_base_url)
            .unwrap();
    let key = storage::ObjectKey::generate(platform, None, name, chrono::Utc::now()).unwrap();
    store
        .put(
            &key,
            actix_web::web::Bytes::from(vec![b'x'; bytes]),
            content_type,
        )
        .await
        .unwrap();
    key.to_string()
}

/// Creates a batch of a course (optionally with a lead); answers its id.
pub async fn batch(
    app: &TestApp,
    admin: &str,
    course_id: &str,
    name: &str,
    lead: Option<&str>,
) -> String {
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/batches"),
            admin,
            Some(json!({"name": name, "starts_on": "2026-01-05", "batch_lead_id": lead})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// Grants `course_id` to `user_id` in a batch.
pub async fn seat(app: &TestApp, admin: &str, user_id: &str, course_id: &str, batch_id: &str) {
    let res = app
        .call(
            Method::POST,
            "/api/admin/course-enrollments",
            admin,
            Some(json!({"user_id": user_id, "course_id": course_id, "batch_id": batch_id})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

/// Creates an assignment of a course from `body`; answers it.
pub async fn assignment(app: &TestApp, admin: &str, course_id: &str, body: Value) -> Value {
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{course_id}/assignments"),
            admin,
            Some(body),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// Hands in `body` for an assignment as `token`.
pub async fn submit(
    app: &TestApp,
    token: &str,
    course_id: &str,
    assignment_id: &str,
    body: Value,
) -> testkit::TestResponse {
    app.call(
        Method::POST,
        &format!("/api/student/courses/{course_id}/assignments/{assignment_id}/submissions"),
        token,
        Some(body),
    )
    .await
}

/// The first field named by a 422 problem.
pub fn field(body: &Value) -> String {
    body["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
