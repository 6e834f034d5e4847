//! `GET /api/student/dashboard` runs a constant number of SQL statements whatever the number
//! of enrolments (counted on the wire by `testkit::SqlLog`), and shows each enrolment's
//! progress.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use testkit::{SqlLog, TestApp, spawn_app_with};
use uuid::Uuid;

/// `n` published courses of 5 items each, the student enrolled in all, 2 items of each done.
pub async fn enrol_in_courses(app: &TestApp, student: Uuid, n: i64, tag: &str) {
    app.db
        .execute_unprepared(&format!(
            "WITH p AS (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
             c AS (
               INSERT INTO courses (id, platform_id, slug, title, price_paise, status, published_at)
               SELECT gen_random_uuid(), p.id, '{tag}-' || i, 'Course ' || i, 100000, 'published', now()
                 FROM p, generate_series(1, {n}) i
               RETURNING id, platform_id),
             m AS (
               INSERT INTO course_modules (id, platform_id, course_id, title, position)
               SELECT gen_random_uuid(), c.platform_id, c.id, 'Module', 0 FROM c
               RETURNING id, platform_id, course_id),
             it AS (
               INSERT INTO course_items (id, platform_id, course_id, module_id, kind, title, position)
               SELECT gen_random_uuid(), m.platform_id, m.course_id, m.id, 'lesson', 'Item ' || k, k
                 FROM m, generate_series(1, 5) k
               RETURNING id, platform_id, course_id, position),
             e AS (
               INSERT INTO enrollments (id, platform_id, user_id, course_id, source)
               SELECT gen_random_uuid(), c.platform_id, '{student}', c.id, 'grant' FROM c
               RETURNING id, platform_id, course_id)
             INSERT INTO item_progress (enrollment_id, item_id, platform_id, user_id, course_id)
             SELECT e.id, it.id, e.platform_id, '{student}', e.course_id
               FROM e JOIN it ON it.course_id = e.course_id WHERE it.position <= 2"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_dashboard_is_a_constant_number_of_statements() {
    let log = SqlLog::start().await.unwrap();
    let app = spawn_app_with(log.options()).await;
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    enrol_in_courses(&app, student, 1, "one").await;
    // warm up: tenant cache, user directory, the pool's connection
    let res = app
        .call(Method::GET, "/api/student/dashboard", &token, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    log.take();

    let one = app
        .call(Method::GET, "/api/student/dashboard", &token, None)
        .await;
    let with_one = log.take();
    assert_eq!(one.json()["enrollments"].as_array().unwrap().len(), 1);
    assert_eq!(one.json()["enrollments"][0]["progress"]["percent"], 40);

    enrol_in_courses(&app, student, 9, "nine").await;
    let ten = app
        .call(Method::GET, "/api/student/dashboard", &token, None)
        .await;
    let with_ten = log.take();
    let body = ten.json();
    assert_eq!(body["enrollments"].as_array().unwrap().len(), 10);
    assert_eq!(
        body["progress"],
        serde_json::json!({"completed": 20, "total": 50, "percent": 40})
    );
    assert!(body["xp"].is_number() && body["streak"].is_number());
    eprintln!(
        "dashboard statements: 1 enrolment {}, 10 enrolments {}",
        with_one.len(),
        with_ten.len()
    );
    assert_eq!(
        with_one.len(),
        with_ten.len(),
        "{with_one:#?}\n{with_ten:#?}"
    );
    assert!(with_ten.len() <= 6, "{with_ten:#?}");
}
