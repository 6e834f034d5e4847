//! Live classes: admin CRUD, the student's list by batch, joining only within the window,
//! attendance recorded once, recordings as signed URLs.

use chrono::{Duration, Utc};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common;

#[tokio::test]
async fn joining_is_open_around_the_class_and_attendance_is_recorded_once() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (s1, student) = app.user(Role::User, &[], "mr-mentor");
    let (s2, other_batch) = app.user(Role::User, &[], "mr-mentor");
    let outsider = app.user_token();
    let elsewhere = app.token(Role::Admin, &[], "my-analytics-school");
    let course = common::course(&app, &admin, "live", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let a = common::batch(&app, &admin, &cid, "A", None).await;
    let b = common::batch(&app, &admin, &cid, "B", None).await;
    common::seat(&app, &admin, &s1.to_string(), &cid, &a).await;
    common::seat(&app, &admin, &s2.to_string(), &cid, &b).await;
    let base = format!("/api/admin/courses/{cid}/live-classes");
    let now = Utc::now();
    let create = |title: &str, starts: chrono::DateTime<Utc>, minutes: i64, batch: Option<&str>| {
        let body = json!({"title": title, "starts_at": starts, "ends_at": starts + Duration::minutes(minutes),
                          "join_url": "https://meet.example.com/abc", "batch_id": batch});
        let app = &app;
        let admin = admin.clone();
        let base = base.clone();
        async move {
            let res = app.call(Method::POST, &base, &admin, Some(body)).await;
            assert_eq!(res.status, 201, "{}", res.text);
            res.json()["id"].as_str().unwrap().to_owned()
        }
    };
    // running now (started 5 min ago), opens in 10 min (starts in 25), tomorrow, over, batch B's
    let running = create("Running", now - Duration::minutes(5), 60, None).await;
    let soon = create("Soon", now + Duration::minutes(25), 60, None).await;
    let opening = create("Opening", now + Duration::minutes(10), 60, Some(&a)).await;
    let over = create("Over", now - Duration::hours(3), 60, None).await;
    let theirs = create("B only", now + Duration::hours(1), 60, Some(&b)).await;

    let join = |id: &str| format!("/api/student/courses/{cid}/live-classes/{id}/join");
    let first = app
        .call(Method::POST, &join(&running), &student, None)
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json()["join_url"], "https://meet.example.com/abc");
    let again = app
        .call(Method::POST, &join(&running), &student, None)
        .await;
    assert_eq!(again.json()["joined_at"], first.json()["joined_at"]);
    // within 15 minutes of the start: open
    assert_eq!(
        app.call(Method::POST, &join(&opening), &student, None)
            .await
            .status,
        200
    );
    app.call(Method::POST, &join(&soon), &student, None)
        .await
        .assert_problem(409, "class_not_started");
    app.call(Method::POST, &join(&over), &student, None)
        .await
        .assert_problem(409, "class_ended");
    // another batch's class is not theirs; no enrolment is 403
    app.call(Method::POST, &join(&theirs), &student, None)
        .await
        .assert_problem(404, "not_found");
    app.call(Method::POST, &join(&running), &outsider, None)
        .await
        .assert_problem(403, "not_enrolled");
    assert_eq!(
        app.call(Method::POST, &join(&running), &other_batch, None)
            .await
            .status,
        200
    );

    // another platform's admin sees neither the class nor its attendance
    app.req(Method::GET, &format!("{base}/{running}/attendance"))
        .platform("my-analytics-school")
        .bearer(&elsewhere)
        .send()
        .await
        .assert_problem(404, "not_found");

    // attendance: once per student
    let att = app
        .call(
            Method::GET,
            &format!("{base}/{running}/attendance"),
            &admin,
            None,
        )
        .await;
    assert_eq!(att.status, 200, "{}", att.text);
    let ids: Vec<String> = att.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [s1.to_string(), s2.to_string()]);

    // the student's upcoming classes: theirs and the course's, no join URL, attended flag
    let list = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/live-classes"),
            &student,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Running", "Opening", "Soon"]);
    assert!(items.iter().all(|i| i.get("join_url").is_none()));
    assert_eq!(items[0]["attended"], true);
    assert_eq!(items[2]["attended"], false);

    // a recording set after the class: a signed URL for students
    let rec = common::stored(&app, "mr-mentor", "over.mp4", "video/mp4", 100).await;
    let res = app
        .call(
            Method::PATCH,
            &format!("{base}/{over}"),
            &admin,
            Some(json!({"recording_key": rec})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let past = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{cid}/live-classes?past=true"),
            &student,
            None,
        )
        .await
        .json();
    assert_eq!(past["items"][0]["title"], "Over");
    assert!(
        past["items"][0]["recording_url"]
            .as_str()
            .unwrap()
            .contains("/api/storage/")
    );
    // a key of another platform is refused, naming the field
    let foreign = common::stored(&app, "my-analytics-school", "x.mp4", "video/mp4", 10).await;
    let problem = app
        .call(
            Method::PATCH,
            &format!("{base}/{over}"),
            &admin,
            Some(json!({"recording_key": foreign})),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(common::field(&problem), "recording_key");

    // bad times and URLs name the field; delete works
    for (body, field) in [
        (
            json!({"title": "x", "starts_at": now, "ends_at": now, "join_url": "https://m.example.com"}),
            "ends_at",
        ),
        (
            json!({"title": "x", "starts_at": now, "ends_at": now + Duration::hours(1), "join_url": "ftp://m"}),
            "join_url",
        ),
        (
            json!({"title": "x", "starts_at": now, "ends_at": now + Duration::hours(1), "join_url": "https://m.example.com", "batch_id": uuid::Uuid::nil()}),
            "batch_id",
        ),
    ] {
        let problem = app
            .call(Method::POST, &base, &admin, Some(body.clone()))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }
    assert_eq!(
        app.call(Method::DELETE, &format!("{base}/{soon}"), &admin, None)
            .await
            .status,
        204
    );
    let all = app.call(Method::GET, &base, &admin, None).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
    assert!(all["items"][0]["join_url"].is_string());
}
