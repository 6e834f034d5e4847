//! Erasure: a candidate's personal data goes, the funnel's counts stay.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{apply, call, count, hr, move_stage, open_post, pdf, stored_files};

#[tokio::test]
async fn erasure_removes_personal_data_and_keeps_the_counts() {
    let app = spawn_app().await;
    let (hr_id, hr) = hr(&app);
    let a = open_post(&app, &hr, json!({"title": "A"})).await;
    let b = open_post(&app, &hr, json!({"title": "B"})).await;
    let mine = pdf(&["Farah Ali", "SQL"]);
    let mut ids = Vec::new();
    for post in [&a, &b] {
        let res = apply(
            &app,
            post["id"].as_str().unwrap(),
            "Farah Ali",
            "farah@example.com",
            "+91 90000 43210",
            &mine,
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text);
        ids.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    // someone else with the very same file keeps it
    let shared = apply(
        &app,
        a["id"].as_str().unwrap(),
        "Other",
        "other@example.com",
        "9000011111",
        &mine,
    )
    .await;
    assert_eq!(shared.status, 201, "{}", shared.text);
    let own = apply(
        &app,
        b["id"].as_str().unwrap(),
        "Third",
        "third@example.com",
        "9000022222",
        &pdf(&["Third"]),
    )
    .await;
    assert_eq!(own.status, 201, "{}", own.text);
    move_stage(&app, &hr, &ids[0], "rejected", Some("No SQL")).await;
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{}/notes", ids[1]),
        Some(&hr),
        Some(json!({"body": "Farah was great on the phone"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let stages = "SELECT count(*) FROM job_applications WHERE stage = 'rejected'";
    let before = (
        count(&app, "SELECT count(*) FROM job_applications", vec![]).await,
        count(&app, stages, vec![]).await,
        count(&app, "SELECT count(*) FROM application_events", vec![]).await,
    );
    let candidate = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{}", ids[0]),
        Some(&hr),
        None,
    )
    .await
    .json()["candidate_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let user = app.token(kernel::auth::Role::User, &[], crate::common::PLATFORM);
    call(
        &app,
        Method::DELETE,
        &format!("/api/admin/candidates/{candidate}"),
        Some(&user),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/admin/candidates/{candidate}"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["applications"], 2);

    for id in &ids {
        let d = call(
            &app,
            Method::GET,
            &format!("/api/admin/job-applications/{id}"),
            Some(&hr),
            None,
        )
        .await;
        assert_eq!(d.status, 200, "{}", d.text);
        for secret in ["Farah", "farah@", "43210", "great on the phone"] {
            assert!(!d.text.contains(secret), "{secret} survived: {}", d.text);
        }
        let link = call(
            &app,
            Method::GET,
            &format!("/api/admin/job-applications/{id}/resume"),
            Some(&hr),
            None,
        )
        .await;
        link.assert_problem(404, "not_found");
    }
    // the shared file stays for the other applicant; the counts are unchanged
    assert_eq!(stored_files(&app, "/resumes/").len(), 2);
    let after = (
        count(&app, "SELECT count(*) FROM job_applications", vec![]).await,
        count(&app, stages, vec![]).await,
        count(&app, "SELECT count(*) FROM application_events", vec![]).await,
    );
    assert_eq!(before, after);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'candidate.erase' AND actor_id = $1",
            vec![hr_id.into()]
        )
        .await,
        1
    );
    // a resume nobody else sent is deleted with its candidate
    let third = own.json()["id"].as_str().unwrap().to_owned();
    let third_candidate = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{third}"),
        Some(&hr),
        None,
    )
    .await
    .json()["candidate_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/admin/candidates/{third_candidate}"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.json()["objects_deleted"], 1, "{}", res.text);
    assert_eq!(stored_files(&app, "/resumes/").len(), 1);
    assert_eq!(
        count(&app, "SELECT count(*) FROM resume_files", vec![]).await,
        1
    );

    // the same person may apply again as a new candidate
    let again = apply(
        &app,
        a["id"].as_str().unwrap(),
        "Farah Ali",
        "farah@example.com",
        "+91 90000 43210",
        &mine,
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text);
    app.stop().await;
}
