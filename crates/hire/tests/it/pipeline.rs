//! The HR pipeline: stage moves as an immutable log, reversible rejections, time in stage,
//! bulk moves, notes and ratings.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::spawn_app;

use crate::common::{applied_many, call, count, field, hr, open_post};

async fn move_to(app: &testkit::TestApp, hr: &str, id: &str, body: Value) -> testkit::TestResponse {
    call(
        app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/stage"),
        Some(hr),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn stage_moves_are_a_log_and_a_rejection_is_reversed_by_a_new_event() {
    let app = spawn_app().await;
    let (hr_id, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied_many(&app, post["id"].as_str().unwrap(), 1)
        .await
        .remove(0);

    let list = call(
        &app,
        Method::GET,
        "/api/admin/job-applications?stage=applied",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let row = list.json()["items"][0].clone();
    assert_eq!(
        (row["id"].as_str(), row["stage"].as_str()),
        (Some(id.as_str()), Some("applied"))
    );
    assert_eq!(row["stage_history"][0]["stage"], "applied");
    assert!(row["ai_score"].is_null());
    assert_eq!(row["email"], "person0@example.com");

    let res = move_to(&app, &hr, &id, json!({"stage": "screening"})).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(
        (
            res.json()["from_stage"].as_str(),
            res.json()["actor_id"].as_str()
        ),
        (Some("applied"), Some(hr_id.to_string().as_str()))
    );
    let res = move_to(&app, &hr, &id, json!({"stage": "screening"})).await;
    assert_eq!(field(&res.assert_problem(409, "stage_unchanged")), "stage");
    let res = move_to(&app, &hr, &id, json!({"stage": "astronaut"})).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "stage"
    );
    let res = move_to(&app, &hr, &id, json!({"stage": "rejected"})).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "reason"
    );
    let res = move_to(
        &app,
        &hr,
        &id,
        json!({"stage": "rejected", "reason": "No SQL"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // the reversal needs a reason too, and is one more event
    let res = move_to(&app, &hr, &id, json!({"stage": "screening"})).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "reason"
    );
    let res = move_to(
        &app,
        &hr,
        &id,
        json!({"stage": "screening", "reason": "Misread the CV"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let detail = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let d = detail.json();
    let path: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["applied", "screening", "rejected", "screening"]);
    assert_eq!(d["events"][2]["reason"], "No SQL");
    assert_eq!(d["stage"], "screening");
    let stages: Vec<&str> = d["time_in_stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["applied", "screening", "rejected"],
        "screening entered twice adds up"
    );
    assert!(
        d["time_in_stage"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["seconds"].as_i64().unwrap() >= 0)
    );
    assert_eq!(d["stage_history"].as_array().unwrap().len(), 4);

    // the log refuses edits
    let edited = sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE application_events SET reason = 'rewritten'",
    )
    .await;
    assert!(edited.is_err(), "events are immutable");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM application_events WHERE reason = 'rewritten'",
            vec![]
        )
        .await,
        0
    );

    // filters follow the current stage
    let none = call(
        &app,
        Method::GET,
        "/api/admin/job-applications?stage=applied",
        Some(&hr),
        None,
    )
    .await;
    assert!(none.json()["items"].as_array().unwrap().is_empty());
    let bad = call(
        &app,
        Method::GET,
        "/api/admin/job-applications?stage=Bad%20Stage",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(
        field(&bad.assert_problem(422, "validation_failed")),
        "stage"
    );
    app.stop().await;
}

#[tokio::test]
async fn bulk_moves_are_all_or_none() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let ids = applied_many(&app, post["id"].as_str().unwrap(), 3).await;
    let unknown = "0196a5e0-0000-7000-8000-00000000abcd";

    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-applications/bulk-stage",
        Some(&hr),
        Some(json!({"application_ids": [ids[0], ids[1], unknown], "stage": "screening"})),
    )
    .await;
    res.assert_problem(404, "not_found");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM job_applications WHERE stage = 'screening'",
            vec![]
        )
        .await,
        0
    );

    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-applications/bulk-stage",
        Some(&hr),
        Some(json!({"application_ids": [ids[0], ids[1]], "stage": "rejected"})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "reason"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM application_events", vec![]).await,
        3
    );

    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-applications/bulk-stage",
        Some(&hr),
        Some(json!({"application_ids": [ids[0], ids[1]], "stage": "screening"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["moved"].as_array().unwrap().len(), 2);
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-applications/bulk-stage",
        Some(&hr),
        Some(json!({"application_ids": [ids[0], ids[2]], "stage": "screening"})),
    )
    .await;
    assert_eq!(res.json()["moved"], json!([ids[2]]));
    assert_eq!(res.json()["unchanged"], json!([ids[0]]));
    let list = call(
        &app,
        Method::GET,
        "/api/admin/job-applications?stage=screening&limit=2",
        Some(&hr),
        None,
    )
    .await;
    let page = list.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications?stage=screening&limit=2&cursor={cursor}"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(next.json()["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn notes_and_one_rating_per_reviewer() {
    let app = spawn_app().await;
    let (hr_a, token_a) = hr(&app);
    let (_, token_b) = hr(&app);
    let post = open_post(&app, &token_a, json!({})).await;
    let id = applied_many(&app, post["id"].as_str().unwrap(), 1)
        .await
        .remove(0);
    let base = format!("/api/admin/job-applications/{id}");

    let res = call(
        &app,
        Method::POST,
        &format!("{base}/notes"),
        Some(&token_a),
        Some(json!({"body": "Strong SQL"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = call(
        &app,
        Method::POST,
        &format!("{base}/notes"),
        Some(&token_a),
        Some(json!({"body": ""})),
    )
    .await;
    assert_eq!(field(&res.assert_problem(422, "validation_failed")), "body");
    for (token, score) in [(&token_a, 2), (&token_a, 4), (&token_b, 5)] {
        let res = call(
            &app,
            Method::PUT,
            &format!("{base}/rating"),
            Some(token),
            Some(json!({"score": score, "comment": "ok"})),
        )
        .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let res = call(
        &app,
        Method::PUT,
        &format!("{base}/rating"),
        Some(&token_a),
        Some(json!({"score": 6})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "score"
    );
    let d = call(&app, Method::GET, &base, Some(&token_a), None)
        .await
        .json();
    assert_eq!(d["notes"][0]["body"], "Strong SQL");
    assert_eq!(d["notes"][0]["author_id"], hr_a.to_string());
    assert_eq!(
        d["ratings"].as_array().unwrap().len(),
        2,
        "the second rating replaced the first"
    );
    assert_eq!(d["rating_average"], json!(4.5));
    app.stop().await;
}
