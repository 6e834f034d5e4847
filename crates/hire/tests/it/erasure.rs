//! Erasure: a candidate's personal data goes, the funnel's counts stay.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{apply, call, count, erase, hr, move_stage, open_post, pdf, stored_files};

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
    // a candidate quiz sent and taken: the LMS holds the email and name on the invite
    let (quiz_id, mcq, numeric) = crate::quizzes::hire_quiz(&app).await;
    let sent = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{}/quizzes", ids[1]),
        Some(&hr),
        Some(json!({"quiz_id": quiz_id})),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let url = sent.json()["url"].as_str().unwrap().to_owned();
    let graded = crate::quizzes::take(&app, &url, &mcq, &numeric).await;
    assert_eq!(graded["passed"], true);
    let invite_with_person = "SELECT count(*) FROM quiz_invites
        WHERE email = 'farah@example.com' OR full_name ILIKE '%farah%'";
    assert_eq!(count(&app, invite_with_person, vec![]).await, 1);
    let saved_answers = "SELECT count(*) FROM attempt_answers";
    assert_eq!(count(&app, saved_answers, vec![]).await, 2);
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
    let erased = erase(&app, &hr, &candidate).await;
    assert_eq!(erased["applications"], 2);

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
    // the LMS's copy is gone in the same erasure; the quiz outcome stays, the link is dead
    assert_eq!(count(&app, invite_with_person, vec![]).await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM quiz_invites WHERE full_name = '[erased]' AND email LIKE 'erased+%@erased.invalid'",
            vec![]
        )
        .await,
        1
    );
    assert_eq!(count(&app, saved_answers, vec![]).await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM quiz_attempts WHERE invite_id IS NOT NULL AND passed AND score = 5",
            vec![]
        )
        .await,
        1
    );
    let token = url.rsplit('/').next().unwrap();
    app.req(Method::POST, &format!("/api/candidate-quiz/{token}/start"))
        .platform(crate::common::PLATFORM)
        .send()
        .await
        .assert_problem(401, "invalid_token");
    let quizzes = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{}/quizzes", ids[1]),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(quizzes.status, 200, "{}", quizzes.text);
    assert_eq!(
        quizzes.json()["items"][0]["passed"],
        true,
        "{}",
        quizzes.text
    );
    assert!(!quizzes.text.contains("farah"), "{}", quizzes.text);
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
    let erased = erase(&app, &hr, &third_candidate).await;
    assert_eq!(erased["objects_deleted"], 1, "{erased}");
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
