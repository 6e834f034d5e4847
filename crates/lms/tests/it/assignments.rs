//! Assignments: late flags and penalties fixed at hand-in, the cutoff, resubmission before
//! the grade, grading by an admin or the student's batch lead only, rubric checks naming the
//! field, and the `assignment.submitted` event.

use chrono::{Duration, Utc};
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use testkit::spawn_app;

use crate::common;

#[tokio::test]
async fn late_work_is_flagged_with_its_penalty_and_the_cutoff_refuses() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "late-rules", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    assert_eq!(
        common::grant(&app, &admin, &student_id.to_string(), &cid)
            .await
            .status,
        201
    );
    let now = Utc::now();
    let on_time = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Essay", "due_at": now + Duration::days(2), "max_points": 10}),
    )
    .await;
    // due 2 days and an hour ago: 3 started days at 10 % a day, capped at 25 %
    let late = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Report", "due_at": now - Duration::hours(49), "max_points": 10,
               "late_penalty_percent_per_day": 10, "late_penalty_cap_percent": 25,
               "reject_after": now + Duration::days(1)}),
    )
    .await;
    let closed = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Quiz prep", "due_at": now - Duration::days(3), "max_points": 5,
               "reject_after": now - Duration::days(1)}),
    )
    .await;

    let res = common::submit(
        &app,
        &student,
        &cid,
        on_time["id"].as_str().unwrap(),
        json!({"text": "my essay"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let s = res.json();
    assert_eq!(
        (
            s["late"].clone(),
            s["penalty_percent"].clone(),
            s["version"].clone()
        ),
        (json!(false), json!(0), json!(1))
    );

    let res = common::submit(
        &app,
        &student,
        &cid,
        late["id"].as_str().unwrap(),
        json!({"text": "my report"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let s = res.json();
    assert_eq!(s["late"], true);
    assert_eq!(s["days_late"], 3);
    assert_eq!(s["penalty_percent"], 25);

    common::submit(
        &app,
        &student,
        &cid,
        closed["id"].as_str().unwrap(),
        json!({"text": "too late"}),
    )
    .await
    .assert_problem(409, "submission_closed");

    // one assignment.submitted event per hand-in, with its on_time flag
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT payload FROM outbox WHERE job_name = 'assignment.submitted' ORDER BY created_at",
        ))
        .await
        .unwrap();
    let flags: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| r.try_get::<serde_json::Value>("", "payload").unwrap()["on_time"].clone())
        .collect();
    assert_eq!(flags, [json!(true), json!(false)]);

    // the student's list shows each assignment with their submission
    let list = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/assignments"),
            &student,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    let submitted: Vec<bool> = items.iter().map(|i| i["submission"].is_object()).collect();
    // by due time: closed (none), late (yes), on time (yes)
    assert_eq!(submitted, [false, true, true]);
}

#[tokio::test]
async fn resubmission_before_the_grade_replaces_it_and_after_the_grade_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "resubmit", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    common::grant(&app, &admin, &student_id.to_string(), &cid).await;
    let a = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Notebook", "due_at": Utc::now() + Duration::days(1), "max_points": 20,
               "allowed_content_types": ["application/pdf"], "max_file_bytes": 1000}),
    )
    .await;
    let aid = a["id"].as_str().unwrap().to_owned();
    let pdf = common::stored(&app, "mr-mentor", "work.pdf", "application/pdf", 500).await;
    let first = common::submit(&app, &student, &cid, &aid, json!({"files": [{"key": pdf}]})).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first = first.json();
    assert!(first["files"][0]["url"].is_string(), "{first}");
    let second = common::submit(
        &app,
        &student,
        &cid,
        &aid,
        json!({"text": "better", "files": [{"key": pdf, "name": "Final.pdf"}]}),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second = second.json();
    assert_eq!(second["version"], 2);
    let history = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/assignments/{aid}/submissions"),
            &student,
            None,
        )
        .await
        .json();
    let states: Vec<(i64, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["version"].as_i64().unwrap(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(states, [(2, "submitted".into()), (1, "superseded".into())]);
    // the superseded version cannot be graded; the current one can
    app.call(
        Method::POST,
        &format!(
            "/api/grading/submissions/{}/grade",
            first["id"].as_str().unwrap()
        ),
        &admin,
        Some(json!({"points": 10})),
    )
    .await
    .assert_problem(404, "not_found");
    let graded = app
        .call(
            Method::POST,
            &format!(
                "/api/grading/submissions/{}/grade",
                second["id"].as_str().unwrap()
            ),
            &admin,
            Some(json!({"points": 17, "feedback": "Good"})),
        )
        .await;
    assert_eq!(graded.status, 200, "{}", graded.text);
    assert_eq!(graded.json()["grade"]["final_score"], 17.0);
    common::submit(&app, &student, &cid, &aid, json!({"text": "one more"}))
        .await
        .assert_problem(409, "submission_graded");
    // a graded assignment keeps its submissions: deleting it is refused
    app.call(
        Method::DELETE,
        &format!("/api/admin/courses/{cid}/assignments/{aid}"),
        &admin,
        None,
    )
    .await
    .assert_problem(409, "assignment_has_submissions");
}

#[tokio::test]
async fn only_an_admin_or_the_students_batch_lead_grades_and_the_rubric_is_checked() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");
    let (lead_a_id, lead_a) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let (lead_b_id, lead_b) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let plain = app.user_token();
    let elsewhere_lead = app.token(Role::User, &[Capability::BatchLead], "my-analytics-school");
    let elsewhere_admin = app.token(Role::Admin, &[], "my-analytics-school");
    let course = common::course(&app, &admin, "graded", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let batch_a = common::batch(&app, &admin, &cid, "A", Some(&lead_a_id.to_string())).await;
    common::batch(&app, &admin, &cid, "B", Some(&lead_b_id.to_string())).await;
    common::seat(&app, &admin, &student_id.to_string(), &cid, &batch_a).await;
    // a day late at 10 % a day
    let a = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Analysis", "due_at": Utc::now() - Duration::hours(2), "max_points": 10,
               "late_penalty_percent_per_day": 10,
               "rubric": [{"name": "Correctness", "points": 6}, {"name": "Style", "points": 4}]}),
    )
    .await;
    let aid = a["id"].as_str().unwrap().to_owned();
    let s = common::submit(&app, &student, &cid, &aid, json!({"text": "answer"})).await;
    assert_eq!(s.status, 201, "{}", s.text);
    let sid = s.json()["id"].as_str().unwrap().to_owned();
    let grade_path = format!("/api/grading/submissions/{sid}/grade");
    let list_path = format!("/api/grading/assignments/{aid}/submissions");
    let good = json!({"scores": [{"criterion": "Style", "points": 3}, {"criterion": "Correctness", "points": 5}], "feedback": "Tidy"});

    // another batch's lead: refused, and sees nobody to grade
    app.call(Method::POST, &grade_path, &lead_b, Some(good.clone()))
        .await
        .assert_problem(403, "forbidden");
    let theirs = app.call(Method::GET, &list_path, &lead_b, None).await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert_eq!(theirs.json()["items"].as_array().unwrap().len(), 0);
    // a plain user: refused by the capability
    app.call(Method::POST, &grade_path, &plain, Some(good.clone()))
        .await
        .assert_problem(403, "forbidden");

    // another platform's lead or admin: no such submission or assignment there
    for token in [&elsewhere_lead, &elsewhere_admin] {
        app.req(Method::POST, &grade_path)
            .platform("my-analytics-school")
            .bearer(token)
            .json(&good)
            .send()
            .await
            .assert_problem(404, "not_found");
        app.req(Method::GET, &list_path)
            .platform("my-analytics-school")
            .bearer(token)
            .send()
            .await
            .assert_problem(404, "not_found");
    }

    // the rubric is checked, naming the field
    for (body, field) in [
        (
            json!({"scores": [{"criterion": "Speed", "points": 1}, {"criterion": "Style", "points": 1}]}),
            "scores[0].criterion",
        ),
        (
            json!({"scores": [{"criterion": "Correctness", "points": 5}, {"criterion": "Style", "points": 9}]}),
            "scores[1].points",
        ),
        (
            json!({"scores": [{"criterion": "Correctness", "points": 5}]}),
            "scores",
        ),
        (json!({"points": 7}), "scores"),
        (
            json!({"scores": [{"criterion": "Style", "points": -1}]}),
            "scores[0].points",
        ),
    ] {
        let res = app
            .call(Method::POST, &grade_path, &lead_a, Some(body.clone()))
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }

    // the student's lead grades: 8 points, 10 % off for a day late
    let mine = app
        .call(Method::GET, &list_path, &lead_a, None)
        .await
        .json();
    assert_eq!(mine["items"][0]["id"], sid.as_str());
    assert_eq!(mine["items"][0]["batch_id"], batch_a.as_str());
    let res = app
        .call(Method::POST, &grade_path, &lead_a, Some(good))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let grade = res.json()["grade"].clone();
    assert_eq!(grade["raw_score"], 8);
    assert_eq!(grade["final_score"], 7.2);
    assert_eq!(
        grade["scores"][0],
        json!({"criterion": "Correctness", "points": 5})
    );
    assert_eq!(grade["graded_by"], lead_a_id.to_string());

    // an admin may regrade
    let res = app
        .call(Method::POST, &grade_path, &admin, Some(json!({"scores": [{"criterion": "correctness", "points": 6}, {"criterion": "Style", "points": 4}], "feedback": "Full marks after review"})))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // the student sees the grade and the feedback
    let list = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/assignments"),
            &student,
            None,
        )
        .await
        .json();
    let g = &list["items"][0]["submission"]["grade"];
    assert_eq!(g["final_score"], 9.0);
    assert_eq!(g["feedback"], "Full marks after review");
    assert_eq!(list["items"][0]["submission"]["status"], "graded");
}

#[tokio::test]
async fn bad_input_names_the_field_and_strangers_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");
    let outsider = app.user_token();
    let course = common::course(&app, &admin, "checks", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    common::grant(&app, &admin, &student_id.to_string(), &cid).await;
    let due = Utc::now() + Duration::days(3);
    let path = format!("/api/admin/courses/{cid}/assignments");
    for (body, field) in [
        (
            json!({"title": "x", "due_at": due, "max_points": 10, "rubric": [{"name": "A", "points": 4}]}),
            "rubric",
        ),
        (
            json!({"title": "x", "due_at": due, "max_points": 10, "rubric": [{"name": "A", "points": 5}, {"name": "a", "points": 5}]}),
            "rubric",
        ),
        (
            json!({"title": "x", "due_at": due, "max_points": 10, "rubric": [{"name": "A", "points": 0}]}),
            "rubric[0].points",
        ),
        (
            json!({"title": "x", "due_at": due, "max_points": 10, "reject_after": due - Duration::days(1)}),
            "reject_after",
        ),
        (
            json!({"title": "", "due_at": due, "max_points": 10}),
            "title",
        ),
        (
            json!({"title": "x", "due_at": due, "max_points": 10, "allowed_content_types": ["pdf"]}),
            "allowed_content_types",
        ),
    ] {
        let res = app
            .call(Method::POST, &path, &admin, Some(body.clone()))
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }
    let a = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Slides", "due_at": due, "max_points": 10, "max_files": 1,
               "allowed_content_types": ["application/pdf"], "max_file_bytes": 100}),
    )
    .await;
    let aid = a["id"].as_str().unwrap().to_owned();
    let png = common::stored(&app, "mr-mentor", "a.png", "image/png", 10).await;
    let big = common::stored(&app, "mr-mentor", "big.pdf", "application/pdf", 500).await;
    let pdf = common::stored(&app, "mr-mentor", "ok.pdf", "application/pdf", 50).await;
    let foreign = common::stored(&app, "my-analytics-school", "b.pdf", "application/pdf", 50).await;
    for (body, field) in [
        (json!({}), "text"),
        (json!({"files": [{"key": png}]}), "files[0].key"),
        (json!({"files": [{"key": big}]}), "files[0].key"),
        (json!({"files": [{"key": foreign}]}), "files[0].key"),
        (
            json!({"files": [{"key": "mr-mentor/2026/01/missing.pdf"}]}),
            "files[0].key",
        ),
        (json!({"files": [{"key": "../etc/passwd"}]}), "files[0].key"),
        (json!({"files": [{"key": pdf}, {"key": pdf}]}), "files"),
    ] {
        let res = common::submit(&app, &student, &cid, &aid, body.clone()).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }
    // not enrolled, and an admin without an enrolment: 403 not_enrolled
    common::submit(&app, &outsider, &cid, &aid, json!({"text": "hi"}))
        .await
        .assert_problem(403, "not_enrolled");
    common::submit(&app, &admin, &cid, &aid, json!({"text": "hi"}))
        .await
        .assert_problem(403, "not_enrolled");
    // another platform's admin does not see the assignment
    let other_admin = app.token(Role::Admin, &[], "my-analytics-school");
    let res = app
        .req(
            Method::PATCH,
            &format!("/api/admin/courses/{cid}/assignments/{aid}"),
        )
        .platform("my-analytics-school")
        .bearer(&other_admin)
        .json(&json!({"title": "mine"}))
        .send()
        .await;
    res.assert_problem(404, "not_found");

    // admin CRUD: change, list, delete (no submissions yet)
    let res = app
        .call(
            Method::PATCH,
            &format!("{path}/{aid}"),
            &admin,
            Some(json!({"title": "Slides v2", "reject_after": due + Duration::days(1)})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["title"], "Slides v2");
    let res = app
        .call(
            Method::PATCH,
            &format!("{path}/{aid}"),
            &admin,
            Some(json!({"reject_after": null})),
        )
        .await;
    assert_eq!(res.json()["reject_after"], serde_json::Value::Null);
    let list = app.call(Method::GET, &path, &admin, None).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let res = app
        .call(Method::DELETE, &format!("{path}/{aid}"), &admin, None)
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
}

#[tokio::test]
async fn concurrent_hand_ins_of_one_student_get_distinct_versions_and_one_current() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (student_id, student) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "racing", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    common::grant(&app, &admin, &student_id.to_string(), &cid).await;
    let a = common::assignment(
        &app,
        &admin,
        &cid,
        json!({"title": "Race", "due_at": Utc::now() + Duration::days(1), "max_points": 10}),
    )
    .await;
    let aid = a["id"].as_str().unwrap().to_owned();
    let calls = (0..6).map(|i| {
        common::submit(
            &app,
            &student,
            &cid,
            &aid,
            json!({"text": format!("try {i}")}),
        )
    });
    let answers = futures::future::join_all(calls).await;
    let mut versions: Vec<i64> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.json()["version"].as_i64().unwrap()
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6]);
    let history = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/assignments/{aid}/submissions"),
            &student,
            None,
        )
        .await
        .json();
    let current: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "submitted")
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    assert_eq!(current, [6]);
}
