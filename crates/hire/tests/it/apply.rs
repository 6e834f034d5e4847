//! The public apply form: resumes by content, stored by hash, size limits, duplicates,
//! candidates deduplicated across jobs.

use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};
use testkit::{TestOptions, spawn_app, spawn_app_with};

use crate::common::{PLATFORM, apply, call, count, field, form, hr, open_post, pdf, stored_files};

#[tokio::test]
async fn a_candidate_applies_with_a_pdf_stored_once_by_its_hash() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let post_id = post["id"].as_str().unwrap();
    let resume = pdf(&["Asha Rao", "SQL, Excel, Power BI"]);

    let res = apply(
        &app,
        post_id,
        "Asha Rao",
        "Asha@Example.com",
        "+91 98765 43210",
        &resume,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let received = res.json();
    assert_eq!(
        (received["post_id"].as_str(), received["stage"].as_str()),
        (Some(post_id), Some("applied"))
    );

    let hash = hex::encode(Sha256::digest(&resume));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM resume_files WHERE sha256 = $1",
            vec![hash.clone().into()]
        )
        .await,
        1
    );
    let files = stored_files(&app, "/resumes/");
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(
        std::fs::read(&files[0]).unwrap(),
        resume,
        "the stored bytes are the upload"
    );

    // the same email (any case) again: 409 naming email
    let again = apply(
        &app,
        post_id,
        "Asha",
        "asha@example.COM",
        "9876543210",
        &resume,
    )
    .await;
    assert_eq!(
        field(&again.assert_problem(409, "duplicate_application")),
        "email"
    );

    // another candidate sending the very same file: one stored object, one row
    let other = apply(
        &app,
        post_id,
        "Ravi Kumar",
        "ravi@example.com",
        "+91 90000 00001",
        &resume,
    )
    .await;
    assert_eq!(other.status, 201, "{}", other.text);
    assert_eq!(
        count(&app, "SELECT count(*) FROM resume_files", vec![]).await,
        1
    );
    assert_eq!(
        stored_files(&app, "/resumes/").len(),
        1,
        "the duplicate object is removed"
    );

    // two different files both named resume.pdf never overwrite each other
    let third = pdf(&["Meera", "Python"]);
    let res = apply(
        &app,
        post_id,
        "Meera",
        "meera@example.com",
        "+91 90000 00002",
        &third,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let mut stored: Vec<Vec<u8>> = stored_files(&app, "/resumes/")
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    stored.sort();
    let mut expected = vec![resume, third];
    expected.sort();
    assert_eq!(stored, expected);
    app.stop().await;
}

#[tokio::test]
async fn a_renamed_exe_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 4096));
    let (body, ct) = form(
        &[
            ("full_name", "Eve"),
            ("email", "eve@example.com"),
            ("phone", "9999999999"),
        ],
        Some(("resume", "resume.pdf", "application/pdf", &exe)),
    );
    let res = app
        .req(
            Method::POST,
            &format!("/api/job-posts/{}/apply", post["id"].as_str().unwrap()),
        )
        .platform(PLATFORM)
        .body(body, &ct)
        .send()
        .await;
    assert_eq!(
        field(&res.assert_problem(415, "unsupported_media_type")),
        "resume"
    );

    // a zip that does not claim to be a DOCX is no resume either
    let (body, ct) = form(
        &[
            ("full_name", "Eve"),
            ("email", "eve@example.com"),
            ("phone", "9999999999"),
        ],
        Some((
            "resume",
            "payload.zip",
            "application/zip",
            b"PK\x03\x04rest-of-zip",
        )),
    );
    let res = app
        .req(
            Method::POST,
            &format!("/api/job-posts/{}/apply", post["id"].as_str().unwrap()),
        )
        .platform(PLATFORM)
        .body(body, &ct)
        .send()
        .await;
    assert_eq!(
        field(&res.assert_problem(415, "unsupported_media_type")),
        "resume"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM job_applications", vec![]).await,
        0
    );
    assert!(stored_files(&app, "/resumes/").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_10_mb_pdf_is_accepted_and_one_byte_more_is_413() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let post_id = post["id"].as_str().unwrap();
    let limit = 10 * 1024 * 1024;
    let mut big = pdf(&["Big resume"]);
    big.resize(limit, b' ');

    let res = apply(&app, post_id, "Big", "big@example.com", "9000000001", &big).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let files = stored_files(&app, "/resumes/");
    assert_eq!(std::fs::metadata(&files[0]).unwrap().len(), limit as u64);

    // one byte over: the announced length is within the form's overhead, so the streaming
    // count refuses it, and the partial upload is gone
    big.push(b' ');
    let res = apply(
        &app,
        post_id,
        "Bigger",
        "bigger@example.com",
        "9000000002",
        &big,
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(413, "payload_too_large")),
        "resume"
    );
    assert_eq!(stored_files(&app, "/resumes/").len(), 1);
    assert_eq!(
        count(&app, "SELECT count(*) FROM job_applications", vec![]).await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_body_far_over_the_limit_is_refused_from_its_length() {
    let app = spawn_app_with(TestOptions::default().env("HIRE_RESUME_MAX_BYTES", "4096")).await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let mut huge = pdf(&["Huge"]);
    huge.resize(200_000, b' ');
    let res = apply(
        &app,
        post["id"].as_str().unwrap(),
        "Huge",
        "huge@example.com",
        "9000000003",
        &huge,
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(413, "payload_too_large")),
        "resume"
    );
    assert!(stored_files(&app, "/resumes/").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_candidate_is_the_same_person_across_jobs() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let a = open_post(&app, &hr, json!({"title": "A"})).await;
    let b = open_post(&app, &hr, json!({"title": "B"})).await;
    let c = open_post(&app, &hr, json!({"title": "C"})).await;
    let resume = pdf(&["Kiran"]);
    for (post, email, phone) in [
        (&a, "kiran@example.com", "+91 91234 56789"),
        (&b, "KIRAN@example.com ", "+919123456789"),
        // a new email, the same phone: still Kiran
        (&c, "kiran.work@example.com", "+91-91234-56789"),
    ] {
        let res = apply(
            &app,
            post["id"].as_str().unwrap(),
            "Kiran",
            email,
            phone,
            &resume,
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let list = call(
        &app,
        Method::GET,
        "/api/admin/job-applications",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|i| i["candidate_id"] == items[0]["candidate_id"])
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM candidates", vec![]).await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn the_form_is_checked_field_by_field() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(
        &app,
        &hr,
        json!({"screening_questions": [
            {"id": "notice", "question": "Notice period?", "required": true},
            {"id": "portfolio", "question": "Link?"},
        ]}),
    )
    .await;
    let path = format!("/api/job-posts/{}/apply", post["id"].as_str().unwrap());
    let resume = pdf(&["Someone"]);
    let send = |fields: Vec<(&'static str, &'static str)>, file: bool| {
        let (body, ct) = form(
            &fields,
            file.then_some(("resume", "cv.pdf", "application/pdf", resume.as_slice())),
        );
        app.req(Method::POST, &path)
            .platform(PLATFORM)
            .body(body, &ct)
            .send()
    };
    let base = vec![
        ("full_name", "Sam"),
        ("email", "sam@example.com"),
        ("phone", "9811111111"),
    ];

    let res = send(base.clone(), true).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "answers"
    );
    let mut bad = base.clone();
    bad.push(("answers", r#"{"notice": "30 days", "salary": "lots"}"#));
    let res = send(bad, true).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "answers"
    );
    let res = send(
        vec![
            ("full_name", "Sam"),
            ("phone", "9811111111"),
            ("answers", r#"{"notice":"now"}"#),
        ],
        true,
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "email"
    );
    let res = send(
        vec![
            ("full_name", "Sam"),
            ("email", "sam@example.com"),
            ("phone", "12"),
            ("answers", r#"{"notice":"now"}"#),
        ],
        true,
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "phone"
    );
    let mut ok = base.clone();
    ok.push(("answers", r#"{"notice": "30 days"}"#));
    let res = send(ok.clone(), false).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "resume"
    );
    assert!(
        stored_files(&app, "/resumes/").is_empty(),
        "refused forms keep no file"
    );

    let res = send(ok, true).await;
    assert_eq!(res.status, 201, "{}", res.text);

    // not multipart at all
    let res = app
        .req(Method::POST, &path)
        .platform(PLATFORM)
        .json(&json!({}))
        .send()
        .await;
    res.assert_problem(415, "unsupported_media_type");
    app.stop().await;
}

#[tokio::test]
async fn drafts_are_404_closed_posts_409_and_applying_is_rate_limited() {
    let app = spawn_app_with(TestOptions::default().env("HIRE_APPLY_PER_IP_PER_HOUR", "3")).await;
    let (_, hr) = hr(&app);
    let draft = open_post(&app, &hr, json!({"status": "draft"})).await;
    let closed = open_post(&app, &hr, json!({"status": "closed"})).await;
    let resume = pdf(&["x"]);
    let res = apply(
        &app,
        draft["id"].as_str().unwrap(),
        "A",
        "a@example.com",
        "9000000011",
        &resume,
    )
    .await;
    res.assert_problem(404, "not_found");
    let res = apply(
        &app,
        closed["id"].as_str().unwrap(),
        "A",
        "a@example.com",
        "9000000011",
        &resume,
    )
    .await;
    res.assert_problem(409, "job_post_closed");
    let res = apply(
        &app,
        closed["id"].as_str().unwrap(),
        "A",
        "a@example.com",
        "9000000011",
        &resume,
    )
    .await;
    res.assert_problem(409, "job_post_closed");
    let res = apply(
        &app,
        closed["id"].as_str().unwrap(),
        "A",
        "a@example.com",
        "9000000011",
        &resume,
    )
    .await;
    res.assert_problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
    app.stop().await;
}
