//! Job posts: HR creates, the public lists open ones with cursor pagination.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{PLATFORM, call, field, hr, open_post};

#[tokio::test]
async fn hr_opens_posts_and_the_public_lists_only_open_ones() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);

    let draft = open_post(&app, &hr, json!({"status": "draft", "title": "Draft role"})).await;
    assert_eq!(draft["status"], "draft");
    assert!(draft["published_at"].is_null());
    let first = open_post(&app, &hr, json!({"title": "First"})).await;
    assert_eq!(
        first["stages"],
        json!([
            "applied",
            "screening",
            "quiz",
            "interview",
            "offer",
            "hired"
        ]),
        "the engineering family's stage template"
    );
    let second = open_post(&app, &hr, json!({"title": "Second", "family": null})).await;
    assert_eq!(second["family"], "general");

    let draft_id = draft["id"].as_str().unwrap();
    let res = call(
        &app,
        Method::GET,
        &format!("/api/job-posts/{draft_id}"),
        None,
        None,
    )
    .await;
    res.assert_problem(404, "not_found");

    // the public list, one per page, newest first
    let page1 = call(&app, Method::GET, "/api/job-posts?limit=1", None, None).await;
    assert_eq!(page1.status, 200, "{}", page1.text);
    let page1 = page1.json();
    assert_eq!(page1["items"][0]["title"], "Second");
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = call(
        &app,
        Method::GET,
        &format!("/api/job-posts?limit=1&cursor={cursor}"),
        None,
        None,
    )
    .await
    .json();
    assert_eq!(page2["items"][0]["title"], "First");
    assert!(page2["next_cursor"].is_null(), "the draft is not listed");

    // opening the draft publishes it
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/admin/job-posts/{draft_id}"),
        Some(&hr),
        Some(json!({"status": "open"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.json()["published_at"].is_string());
    let res = call(
        &app,
        Method::GET,
        &format!("/api/job-posts/{draft_id}"),
        None,
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/admin/job-posts/{draft_id}"),
        Some(&hr),
        Some(json!({"status": "draft"})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "status"
    );

    // HR sees every post
    let all = call(&app, Method::GET, "/api/admin/job-posts", Some(&hr), None).await;
    assert_eq!(all.json()["items"].as_array().unwrap().len(), 3);
    app.stop().await;
}

#[tokio::test]
async fn a_post_is_validated_and_only_hr_creates_one() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let body = json!({
        "title": "Analyst", "description": "", "location": "Pune", "remote": false,
        "skills": ["sql"], "salary_min_paise": 90, "salary_max_paise": 10, "status": "open",
    });
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-posts",
        Some(&hr),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "salary_max_paise"
    );

    let mut bad_family = body.clone();
    bad_family["salary_min_paise"] = json!(null);
    bad_family["family"] = json!("astronauts");
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-posts",
        Some(&hr),
        Some(bad_family),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "family"
    );

    let mut twice = body.clone();
    twice["salary_min_paise"] = json!(null);
    twice["screening_questions"] = json!([
        {"id": "notice", "question": "Notice period?"},
        {"id": "notice", "question": "Again?"},
    ]);
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-posts",
        Some(&hr),
        Some(twice),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "screening_questions"
    );

    let user = app.token(kernel::auth::Role::User, &[], PLATFORM);
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-posts",
        Some(&user),
        Some(body.clone()),
    )
    .await;
    res.assert_problem(403, "forbidden");
    let res = call(&app, Method::POST, "/api/admin/job-posts", None, Some(body)).await;
    res.assert_problem(401, "unauthorized");
    app.stop().await;
}

#[tokio::test]
async fn seeded_templates_carry_their_family_stages() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let res = call(
        &app,
        Method::GET,
        "/api/admin/job-templates",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let items = res.json()["items"].as_array().unwrap().clone();
    let analyst = items
        .iter()
        .find(|t| t["title"] == "Data Analyst")
        .expect("seeded Data Analyst");
    assert_eq!(analyst["family"], "engineering");
    assert_eq!(analyst["stages"][2], "quiz");

    let post = open_post(
        &app,
        &hr,
        json!({"template_id": analyst["id"], "family": null}),
    )
    .await;
    assert_eq!(post["family"], "engineering");
    app.stop().await;
}

#[tokio::test]
async fn a_platform_without_the_hire_module_has_no_job_posts() {
    let app = spawn_app().await;
    let res = app
        .req(Method::GET, "/api/job-posts")
        .platform("my-analytics-school")
        .send()
        .await;
    res.assert_problem(404, "not_found");
    app.stop().await;
}
