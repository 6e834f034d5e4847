//! `GET /api/student/dashboard` runs a constant number of SQL statements whatever the number
//! of enrolments, classes and assignments (counted on the wire by `testkit::SqlLog`), and
//! shows each enrolment's progress, the next classes and the work not handed in.

use kernel::auth::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use testkit::{SqlLog, TestApp, spawn_app_with};
use uuid::Uuid;

/// `n` published courses of 5 items each, the student enrolled in all, 2 items of each done,
/// a live class, two assignments and two quizzes per course with `attempts` failed attempts each.
pub async fn enrol_in_courses(app: &TestApp, student: Uuid, n: i64, attempts: i64, tag: &str) {
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
               RETURNING id, platform_id, course_id),
             pr AS (
               INSERT INTO item_progress (enrollment_id, item_id, platform_id, user_id, course_id)
               SELECT e.id, it.id, e.platform_id, '{student}', e.course_id
                 FROM e JOIN it ON it.course_id = e.course_id WHERE it.position <= 2
               RETURNING 1),
             lc AS (
               INSERT INTO live_classes (id, platform_id, course_id, title, starts_at, ends_at, join_url)
               SELECT gen_random_uuid(), c.platform_id, c.id, 'Class', now() + interval '1 day',
                      now() + interval '1 day 1 hour', 'https://meet.example/x' FROM c
               RETURNING 1),
             asg AS (
               INSERT INTO assignments (id, platform_id, course_id, title, due_at, max_points)
               SELECT gen_random_uuid(), c.platform_id, c.id, 'Essay ' || k, now() + make_interval(days => k), 10
                 FROM c, generate_series(1, 2) k
               RETURNING 1),
             qz AS (
               INSERT INTO quizzes (id, platform_id, course_id, title, duration_seconds, max_attempts, pass_percent)
               SELECT gen_random_uuid(), c.platform_id, c.id, 'Quiz ' || k, 600, 100, 60
                 FROM c, generate_series(1, 2) k
               RETURNING id, platform_id)
             INSERT INTO quiz_attempts (id, platform_id, quiz_id, user_id, attempt_no, status, started_at,
                                        deadline, submitted_at, score, max_score, passed)
             SELECT gen_random_uuid(), qz.platform_id, qz.id, '{student}', n, 'submitted',
                    now() - interval '1 day', now() - interval '1 day' + interval '10 minutes',
                    now() - interval '1 day' + interval '5 minutes', n % 5, 10, false
               FROM qz, generate_series(1, {attempts}) n"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_dashboard_is_a_constant_number_of_statements() {
    let log = SqlLog::start().await.unwrap();
    let app = spawn_app_with(log.options()).await;
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    enrol_in_courses(&app, student, 1, 1, "one").await;
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

    // ten enrolments and 200 quiz attempts in all (9 courses x 2 quizzes x 11, plus the first two)
    enrol_in_courses(&app, student, 9, 11, "nine").await;
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
    assert_eq!(body["upcoming_classes"].as_array().unwrap().len(), 10);
    assert_eq!(body["pending_assignments"].as_array().unwrap().len(), 20);
    assert_eq!(
        one.json()["pending_assignments"].as_array().unwrap().len(),
        2
    );
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
    // handing in takes an assignment off the list
    let course = &body["pending_assignments"][0];
    let res = app
        .call(
            Method::POST,
            &format!(
                "/api/student/courses/{}/assignments/{}/submissions",
                course["course_id"].as_str().unwrap(),
                course["id"].as_str().unwrap()
            ),
            &token,
            Some(serde_json::json!({"text": "my essay"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let after = app
        .call(Method::GET, "/api/student/dashboard", &token, None)
        .await
        .json();
    let ids: Vec<&str> = after["pending_assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&course["id"].as_str().unwrap()));
}
