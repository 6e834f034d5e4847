//! Stage emails (ids in the job, the address read at send time, none after erasure), the
//! candidate's request for a human review, and interview scorecards.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, eventually, spawn_app};

use crate::common::{
    PLATFORM, applied, call, count, detail, erase, field, hr, move_stage, open_post,
};

/// An open engineering post and one application to it: (HR token, post, apply answer).
async fn applied_to_a_post(app: &TestApp, name: &str, email: &str) -> (String, Value, Value) {
    let (_, hr) = hr(app);
    let post = open_post(app, &hr, json!({})).await;
    let answer = applied(
        app,
        post["id"].as_str().unwrap(),
        name,
        email,
        "9000012345",
        &["SQL"],
    )
    .await;
    (hr, post, answer)
}

/// The pipeline's newest row.
async fn first_row(app: &TestApp, hr: &str) -> Value {
    call(
        app,
        Method::GET,
        "/api/admin/job-applications",
        Some(hr),
        None,
    )
    .await
    .json()["items"][0]
        .clone()
}

fn mails_to(app: &TestApp, to: &str) -> Vec<String> {
    app.mails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .collect()
}

#[tokio::test]
async fn a_stage_email_is_queued_with_ids_and_addressed_when_it_is_sent() {
    let app = spawn_app().await;
    let (hr, _, applied) = applied_to_a_post(&app, "Asha Rao", "asha.rao@example.com").await;
    let id = applied["id"].as_str().unwrap();
    let worker = app.start_worker().await;

    // `screening` names no email; `interview` does
    move_stage(&app, &hr, id, "screening", None).await;
    move_stage(&app, &hr, id, "interview", None).await;
    let mail = eventually(20, || async {
        mails_to(&app, "asha.rao@example.com").into_iter().next()
    })
    .await
    .expect("the interview email");
    assert!(mail.contains("Interview for Data Analyst"), "{mail}");
    assert!(mail.contains("Hi Asha Rao"), "{mail}");
    let queued = count(
        &app,
        "SELECT count(*) FROM outbox WHERE job_name = 'send-stage-email'
           AND payload::text NOT LIKE '%asha%' AND payload->>'application_id' = $1
           AND payload->>'template' = 'interview_invitation'",
        vec![id.into()],
    )
    .await;
    assert_eq!(queued, 1, "one job, ids and the template only");
    let detail = detail(&app, &hr, id).await;
    assert_eq!(detail["emails"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            detail["emails"][0]["template"].as_str(),
            detail["emails"][0]["status"].as_str()
        ),
        (Some("interview_invitation"), Some("sent"))
    );
    worker.stop().await;
    app.stop().await;
}

/// Someone applies with another person's phone and their own email: the candidate found by
/// the phone is linked (HR sees one person), but the application's stage email goes to the
/// address that application gave, never to the phone's owner, and HR's pipeline shows that
/// address.
#[tokio::test]
async fn a_stage_email_goes_to_the_applications_address_not_the_phones_owner() {
    let app = spawn_app().await;
    let (hr, _, owner) = applied_to_a_post(&app, "Asha Rao", "asha.rao@example.com").await;
    let other_post = open_post(&app, &hr, json!({"title": "BI Analyst"})).await;
    let stranger = applied(
        &app,
        other_post["id"].as_str().unwrap(),
        "Mallory",
        "mallory@example.com",
        "9000012345",
        &["SQL"],
    )
    .await;
    let id = stranger["id"].as_str().unwrap();
    let row = detail(&app, &hr, id).await;
    let asha = detail(&app, &hr, owner["id"].as_str().unwrap()).await;
    assert_eq!(
        row["candidate_id"], asha["candidate_id"],
        "linked by the phone"
    );
    let worker = app.start_worker().await;
    move_stage(&app, &hr, id, "screening", None).await;
    move_stage(&app, &hr, id, "interview", None).await;
    let mail = eventually(20, || async {
        mails_to(&app, "mallory@example.com").into_iter().next()
    })
    .await
    .expect("the interview email");
    assert!(mail.contains("Interview for BI Analyst"), "{mail}");
    assert!(mails_to(&app, "asha.rao@example.com").is_empty());
    let rows = call(
        &app,
        Method::GET,
        "/api/admin/job-applications",
        Some(&hr),
        None,
    )
    .await
    .json();
    let emails: Vec<&str> = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["mallory@example.com", "asha.rao@example.com"]);
    worker.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn no_stage_email_reaches_a_candidate_erased_before_it_was_sent() {
    let app = spawn_app().await;
    let (hr, _, applied) = applied_to_a_post(&app, "Bina Shah", "bina@example.com").await;
    let id = applied["id"].as_str().unwrap();
    // moved while no worker runs: the job waits in the queue
    move_stage(&app, &hr, id, "rejected", Some("not enough SQL")).await;
    let detail = detail(&app, &hr, id).await;
    let candidate = detail["candidate_id"].as_str().unwrap();
    erase(&app, &hr, candidate).await;

    let worker = app.start_worker().await;
    app.wait_completed("emailQueue", "send-stage-email", 1)
        .await;
    let skipped = count(
        &app,
        "SELECT count(*) FROM application_emails WHERE application_id = $1::uuid
           AND status = 'skipped' AND skipped_reason = 'candidate erased'",
        vec![id.into()],
    )
    .await;
    assert_eq!(skipped, 1);
    assert!(mails_to(&app, "bina@example.com").is_empty());
    worker.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_candidate_asks_for_a_human_review_with_the_apply_secret() {
    let app = spawn_app().await;
    let (hr, _, applied) = applied_to_a_post(&app, "Chitra", "chitra@example.com").await;
    let id = applied["id"].as_str().unwrap();
    let token = applied["review_token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    let ask = |token: String, body: Value| {
        let app = &app;
        async move {
            app.req(Method::POST, &format!("/api/human-review/{token}"))
                .platform(PLATFORM)
                .json(&body)
                .send()
                .await
        }
    };

    // a wrong secret, then a missing reason
    ask("ab".repeat(32), json!({"reason": "please"}))
        .await
        .assert_problem(401, "invalid_token");
    let res = ask(token.to_owned(), json!({})).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "reason"
    );

    let res = ask(
        token.to_owned(),
        json!({"reason": "The AI score missed my SQL work"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let request = res.json();
    let again = ask(token.to_owned(), json!({"reason": "again"})).await;
    assert_eq!(
        (again.status, again.json()["id"].clone()),
        (200, request["id"].clone())
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'human_review.requested' AND target_id = $1",
            vec![id.into()],
        )
        .await,
        1
    );

    // HR sees it in the pipeline until resolved
    let row = first_row(&app, &hr).await;
    assert_eq!(row["human_review_requested_at"], request["created_at"]);
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/human-review/resolve"),
        Some(&hr),
        Some(json!({"resolution": "Re-read by a recruiter; moved to screening"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(first_row(&app, &hr).await["human_review_requested_at"].is_null());
    let detail = detail(&app, &hr, id).await;
    assert_eq!(
        detail["human_reviews"][0]["resolution"],
        "Re-read by a recruiter; moved to screening"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'human_review.resolved' AND target_id = $1",
            vec![id.into()],
        )
        .await,
        1
    );
    // nothing open any more
    call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/human-review/resolve"),
        Some(&hr),
        Some(json!({"resolution": "twice"})),
    )
    .await
    .assert_problem(404, "not_found");
    app.stop().await;
}

#[tokio::test]
async fn scorecards_follow_the_stage_template_one_per_interviewer() {
    let app = spawn_app().await;
    let (hr_a, _, applied) = applied_to_a_post(&app, "Dev", "dev@example.com").await;
    let (_, hr_b) = hr(&app);
    let id = applied["id"].as_str().unwrap();
    let path = format!("/api/admin/job-applications/{id}/scorecards/interview");
    let card = json!({"scores": {"communication": 4, "problem_solving": 5, "role_knowledge": 3},
        "recommendation": "yes", "notes": "solid"});

    let res = call(&app, Method::PUT, &path, Some(&hr_a), Some(card.clone())).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["mean"], 4.0);
    // a criterion missing, a score out of range, a stage without a scorecard
    let res = call(
        &app,
        Method::PUT,
        &path,
        Some(&hr_b),
        Some(json!({"scores": {"communication": 4}, "recommendation": "no"})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "scores"
    );
    let res = call(&app, Method::PUT, &path, Some(&hr_b),
        Some(json!({"scores": {"communication": 9, "problem_solving": 5, "role_knowledge": 3}, "recommendation": "no"}))).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "scores"
    );
    let res = call(
        &app,
        Method::PUT,
        &format!("/api/admin/job-applications/{id}/scorecards/screening"),
        Some(&hr_b),
        Some(card.clone()),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "stage"
    );

    let mut second = card.clone();
    second["recommendation"] = json!("strong_no");
    assert_eq!(
        call(&app, Method::PUT, &path, Some(&hr_b), Some(second))
            .await
            .status,
        200
    );
    // the first interviewer changes theirs: replaced, not added
    let mut changed = card;
    changed["scores"]["role_knowledge"] = json!(5);
    assert_eq!(
        call(&app, Method::PUT, &path, Some(&hr_a), Some(changed))
            .await
            .status,
        200
    );
    let list = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}/scorecards"),
        Some(&hr_a),
        None,
    )
    .await
    .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let recs: Vec<&str> = items
        .iter()
        .map(|i| i["recommendation"].as_str().unwrap())
        .collect();
    assert!(
        recs.contains(&"yes") && recs.contains(&"strong_no"),
        "{recs:?}"
    );
    assert!(items.iter().any(|i| i["scores"]["role_knowledge"] == 5));
    app.stop().await;
}
