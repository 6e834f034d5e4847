//! Students at risk: the daily scores of a seeded batch match a table computed by hand; the
//! batch-lead console shows a lead only their batches' students (403 for another's); the
//! super-mentor and community-manager consoles; interventions and their outcome.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use kernel::auth::{Capability, Role};
use lms::service::engagement::risk;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

use crate::common;

async fn sql(app: &TestApp, q: String) {
    app.db
        .execute_raw(Statement::from_string(DbBackend::Postgres, q))
        .await
        .unwrap();
}

fn ts(t: DateTime<Utc>) -> String {
    format!("'{}'::timestamptz", t.to_rfc3339())
}

#[tokio::test]
async fn risk_scores_of_a_seeded_batch_match_the_hand_computed_table() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (lead1, lead1_token) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let (lead2, lead2_token) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let course = common::course(&app, &admin, "risky", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let b1 = common::batch(&app, &admin, &cid, "B1", Some(&lead1.to_string())).await;
    let b2 = common::batch(&app, &admin, &cid, "B2", Some(&lead2.to_string())).await;
    let mut students = Vec::new();
    for batch in [&b1, &b1, &b1, &b2] {
        let (u, _) = app.user(Role::User, &[], "mr-mentor");
        common::seat(&app, &admin, &u.to_string(), &cid, batch).await;
        students.push(u);
    }
    let (a, b, c, d) = (students[0], students[1], students[2], students[3]);
    // whole seconds: PostgreSQL rounds to microseconds, and a day minus a rounding is 0 days
    let now = Utc::now().trunc_subsecs(0);
    let day = Duration::days(1);
    let platform: Uuid = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT platform_id FROM courses WHERE id = '{cid}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "platform_id")
        .unwrap();
    sql(
        &app,
        format!(
            "UPDATE enrollments SET created_at = {} WHERE course_id = '{cid}'",
            ts(now - day * 30)
        ),
    )
    .await;
    // Four classes ended in the window, two assignments due in it, one quiz.
    let mut classes = Vec::new();
    for ago in [20, 15, 10, 5] {
        let id = Uuid::now_v7();
        let starts = now - day * ago;
        sql(&app, format!(
            "INSERT INTO live_classes (id, platform_id, course_id, title, starts_at, ends_at, join_url)
             VALUES ('{id}', '{platform}', '{cid}', 'Class', {}, {}, 'https://meet.example.com/c')",
            ts(starts), ts(starts + Duration::hours(1)))).await;
        classes.push((id, starts));
    }
    let mut assignments = Vec::new();
    for ago in [12, 6] {
        let id = Uuid::now_v7();
        let due = now - day * ago;
        sql(
            &app,
            format!(
                "INSERT INTO assignments (id, platform_id, course_id, title, due_at, max_points)
             VALUES ('{id}', '{platform}', '{cid}', 'Work', {}, 10)",
                ts(due)
            ),
        )
        .await;
        assignments.push((id, due));
    }
    let quiz = Uuid::now_v7();
    sql(&app, format!(
        "INSERT INTO quizzes (id, platform_id, course_id, title, duration_seconds, max_attempts, pass_percent)
         VALUES ('{quiz}', '{platform}', '{cid}', 'Quiz', 600, 3, 60)")).await;
    let attend = |u: Uuid, (class, starts): (Uuid, DateTime<Utc>)| {
        format!(
            "INSERT INTO live_class_attendance (live_class_id, user_id, platform_id, joined_at)
                 VALUES ('{class}', '{u}', '{platform}', {})",
            ts(starts)
        )
    };
    let attempt = |u: Uuid, score: f64, at: DateTime<Utc>| {
        format!("INSERT INTO quiz_attempts (id, platform_id, quiz_id, user_id, attempt_no, status, started_at,
                   deadline, submitted_at, score, max_score, passed)
                 VALUES ('{}', '{platform}', '{quiz}', '{u}', 1, 'submitted', {}, {}, {}, {score}, 100, {})",
            Uuid::now_v7(), ts(at - Duration::minutes(10)), ts(at), ts(at), score >= 60.0)
    };
    let hand_in = |u: Uuid, (assignment, due): (Uuid, DateTime<Utc>), at: DateTime<Utc>| {
        let late = at > due;
        format!("INSERT INTO assignment_submissions (id, platform_id, assignment_id, user_id, version, text_answer, submitted_at,
                   late, days_late, penalty_percent)
                 VALUES ('{}', '{platform}', '{assignment}', '{u}', 1, 'my work', {}, {late}, {}, 0)",
            Uuid::now_v7(), ts(at), if late { 1 } else { 0 })
    };
    let warn = |u: Uuid, rule: &str, at: DateTime<Utc>| {
        format!("INSERT INTO student_warnings (id, platform_id, user_id, course_id, rule, day, created_at)
                 VALUES ('{}', '{platform}', '{u}', '{cid}', '{rule}', '{}', {})",
            Uuid::now_v7(), at.date_naive(), ts(at))
    };
    // A: every class, 90% a day ago, both assignments on time.
    for cl in &classes {
        sql(&app, attend(a, *cl)).await;
    }
    sql(&app, attempt(a, 90.0, now - day)).await;
    for asg in &assignments {
        sql(&app, hand_in(a, *asg, asg.1 - day)).await;
    }
    // B: two classes, 50% eight days ago, one assignment late, the other on time 7 days ago,
    // one warning.
    sql(&app, attend(b, classes[0])).await;
    sql(&app, attend(b, classes[1])).await;
    sql(&app, attempt(b, 50.0, now - day * 8)).await;
    sql(&app, hand_in(b, assignments[0], assignments[0].1 + day)).await;
    sql(&app, hand_in(b, assignments[1], now - day * 7)).await;
    sql(&app, warn(b, "missed_class", now - day * 2)).await;
    // C: nothing at all, three warnings. D (the other batch): nothing.
    for (i, rule) in ["missed_class", "missed_assignment", "inactive"]
        .iter()
        .enumerate()
    {
        sql(&app, warn(c, rule, now - day * (i as i32 + 1))).await;
    }
    // C scored 50 a week ago: the trend is +30.
    sql(&app, format!(
        "INSERT INTO student_risk_scores (id, platform_id, user_id, course_id, batch_id, day, score, parts)
         VALUES ('{}', '{platform}', '{c}', '{cid}', '{b1}', '{}', 50, '[]')",
        Uuid::now_v7(), risk::ist_day(now) - Duration::days(7))).await;

    // Twice: the second run replaces the day's rows.
    for _ in 0..2 {
        assert_eq!(
            risk::compute_platform(&app.db, platform, now)
                .await
                .unwrap(),
            4
        );
    }
    // Weights 30/20/20/20/10; parts (attendance, quizzes, lateness, inactivity, warnings):
    //   A: 0, 10, 0, 1/14 -> 7, 0              -> (200 + 140) / 100       = 3.4  -> 3
    //   B: 50, 50, (1 late + 0) / 2 -> 25, 7/14 -> 50, 1/3 -> 33
    //                                          -> (1500+1000+500+1000+330)/100 = 43.3 -> 43
    //   C: 100, 0 (no attempts), 100, 100, 100 -> (3000 + 2000 + 2000 + 1000) / 100 = 80
    //   D: 100, 0, 100, 100, 0                 -> 70
    let table = [(a, 3), (b, 43), (c, 80), (d, 70)];
    for (u, want) in table {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT score, parts, (SELECT count(*) FROM student_risk_scores s2 WHERE s2.user_id = s.user_id)::bigint AS n
                       FROM student_risk_scores s WHERE user_id = '{u}' ORDER BY day DESC LIMIT 1"
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<i32>("", "score").unwrap(),
            want,
            "student {u}"
        );
        let n: i64 = row.try_get("", "n").unwrap();
        assert_eq!(n, if u == c { 2 } else { 1 });
    }

    // Lead 1 sees B1's students, riskiest first, with reasons and trend; not D.
    let res = app
        .call(Method::GET, "/api/batchlead/students", &lead1_token, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let list = res.json();
    let rows: Vec<(String, i64, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["user_id"].as_str().unwrap().to_owned(),
                r["risk_score"].as_i64().unwrap(),
                r["at_risk"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (c.to_string(), 80, true),
            (b.to_string(), 43, false),
            (a.to_string(), 3, false)
        ]
    );
    let top: &Value = &list[0];
    assert_eq!(top["trend"], 30);
    assert_eq!(top["reasons"][0]["part"], "attendance");
    assert_eq!(top["reasons"][0]["contribution"], 30.0);
    assert_eq!(top["reasons"][0]["detail"], "missed 4 of 4 live classes");
    assert!(
        top["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["part"] != "quizzes")
    );
    let res = app
        .call(Method::GET, "/api/batchlead/students", &lead2_token, None)
        .await;
    let ids: Vec<String> = res
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec![d.to_string()]);
    // The lead of another batch: 403 on a student, on logging an intervention.
    app.call(
        Method::GET,
        &format!("/api/batchlead/students/{a}/risk"),
        &lead2_token,
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    app.call(
        Method::POST,
        "/api/batchlead/interventions",
        &lead2_token,
        Some(json!({"user_id": a, "course_id": cid, "kind": "call"})),
    )
    .await
    .assert_problem(403, "forbidden");
    // Anyone without the capability: 403.
    app.call(
        Method::GET,
        "/api/batchlead/students",
        &app.user_token(),
        None,
    )
    .await
    .assert_problem(403, "forbidden");

    // Lead 1 logs a call to C and records its outcome.
    let res = app.call(Method::POST, "/api/batchlead/interventions", &lead1_token,
        Some(json!({"user_id": c, "course_id": cid, "kind": "call", "note": "will call tonight"}))).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let iv = res.json();
    assert_eq!(
        (iv["outcome"].as_str(), iv["risk_score_at"].as_i64()),
        (Some("pending"), Some(80))
    );
    let list = app
        .call(Method::GET, "/api/batchlead/students", &lead1_token, None)
        .await
        .json();
    assert_eq!(list[0]["open_interventions"], 1);
    let id = iv["id"].as_str().unwrap();
    app.call(
        Method::PATCH,
        &format!("/api/batchlead/interventions/{id}"),
        &lead2_token,
        Some(json!({"outcome": "reached"})),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/batchlead/interventions/{id}"),
            &lead1_token,
            Some(json!({"outcome": "reached", "outcome_note": "exams at college; back next week"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.json()["resolved_at"].is_string());
    let history = app
        .call(
            Method::GET,
            &format!("/api/batchlead/students/{c}/risk"),
            &lead1_token,
            None,
        )
        .await
        .json();
    assert_eq!(history["history"].as_array().unwrap().len(), 2);
    assert_eq!(history["interventions"][0]["outcome"], "reached");

    // The super mentor sees every batch; the community manager the cohorts.
    let sm = app.token(Role::User, &[Capability::SuperMentor], "mr-mentor");
    let all = app
        .call(
            Method::GET,
            "/api/supermentor/students?min_score=60",
            &sm,
            None,
        )
        .await
        .json();
    let scores: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["risk_score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, vec![80, 70]);
    let cm = app.token(Role::User, &[Capability::Cm], "mr-mentor");
    let cohorts = app
        .call(Method::GET, "/api/cm/cohorts", &cm, None)
        .await
        .json();
    let mut seen: Vec<(String, i64, i64)> = cohorts
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["students"].as_i64().unwrap(),
                r["at_risk"].as_i64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(seen, vec![("B1".to_owned(), 3, 1), ("B2".to_owned(), 1, 1)]);
    let res = app
        .call(
            Method::GET,
            &format!("/api/cm/cohorts/{b2}/students"),
            &cm,
            None,
        )
        .await;
    assert_eq!(res.json()[0]["user_id"], d.to_string());
    app.call(Method::GET, "/api/cm/cohorts", &lead1_token, None)
        .await
        .assert_problem(403, "forbidden");
    app.call(
        Method::GET,
        &format!("/api/cm/cohorts/{}/students", Uuid::now_v7()),
        &cm,
        None,
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_batch_lead_sees_only_the_courses_of_their_batches_in_a_students_history() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (lead1, lead1_token) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let (lead2, lead2_token) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let (student, _) = app.user(Role::User, &[], "mr-mentor");
    let course_a = common::course(&app, &admin, "course-a", true).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let course_b = common::course(&app, &admin, "course-b", true).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let batch_a = common::batch(&app, &admin, &course_a, "A1", Some(&lead1.to_string())).await;
    let batch_b = common::batch(&app, &admin, &course_b, "B1", Some(&lead2.to_string())).await;
    common::seat(&app, &admin, &student.to_string(), &course_a, &batch_a).await;
    common::seat(&app, &admin, &student.to_string(), &course_b, &batch_b).await;
    let today = risk::ist_day(Utc::now());
    for (course, batch, score) in [(&course_a, &batch_a, 20), (&course_b, &batch_b, 75)] {
        sql(&app, format!(
            "INSERT INTO student_risk_scores (id, platform_id, user_id, course_id, batch_id, day, score, parts)
             SELECT '{}', platform_id, '{student}', id, '{batch}', '{today}', {score}, '[]'
               FROM courses WHERE id = '{course}'",
            Uuid::now_v7())).await;
    }
    for (token, course, note) in [
        (&lead1_token, &course_a, "a note about course A"),
        (
            &lead2_token,
            &course_b,
            "family trouble, told in confidence",
        ),
    ] {
        let res = app
            .call(
                Method::POST,
                "/api/batchlead/interventions",
                token,
                Some(
                    json!({"user_id": student, "course_id": course, "kind": "call", "note": note}),
                ),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    let history = |token: String| {
        let app = &app;
        async move {
            let res = app
                .call(
                    Method::GET,
                    &format!("/api/batchlead/students/{student}/risk"),
                    &token,
                    None,
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
            let body = res.json();
            let courses = |key: &str| -> Vec<String> {
                body[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["course_id"].as_str().unwrap().to_owned())
                    .collect()
            };
            (courses("history"), courses("interventions"), res.text)
        }
    };
    // lead 1 leads the student's batch of A only: nothing of B, its note included
    let (days, interventions, text) = history(lead1_token.clone()).await;
    assert_eq!(days, vec![course_a.clone()]);
    assert_eq!(interventions, vec![course_a.clone()]);
    assert!(!text.contains("in confidence"), "{text}");
    // lead 2 sees B's, not A's
    let (days, interventions, text) = history(lead2_token.clone()).await;
    assert_eq!(days, vec![course_b.clone()]);
    assert_eq!(interventions, vec![course_b.clone()]);
    assert!(
        text.contains("in confidence") && !text.contains("course A"),
        "{text}"
    );
    // an admin (and the super mentor) sees both
    let (days, interventions, _) = history(admin.clone()).await;
    assert_eq!((days.len(), interventions.len()), (2, 2));
    let sm = app.token(Role::User, &[Capability::SuperMentor], "mr-mentor");
    let all = app
        .call(
            Method::GET,
            &format!("/api/supermentor/students/{student}/risk"),
            &sm,
            None,
        )
        .await
        .json();
    assert_eq!(all["interventions"].as_array().unwrap().len(), 2);
}
