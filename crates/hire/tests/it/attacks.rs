//! The attacker's view: another platform's HR, plain users, the resume objects, the logs.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{PLATFORM, applied, apply, call, count, hr, open_post, pdf, stored_files};

#[tokio::test]
async fn another_platforms_hr_and_plain_users_read_nothing() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Asha Rao",
        "asha@example.com",
        "9876543210",
        &["Asha"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // HR of mr-mentor (which has the hire module too) asking on its own platform
    let other = app.token(Role::User, &[Capability::Hr], "mr-mentor");
    for path in [
        format!("/api/admin/job-applications/{id}"),
        format!("/api/admin/job-applications/{id}/resume"),
    ] {
        let res = app.req(Method::GET, &path).bearer(&other).send().await;
        res.assert_problem(404, "not_found");
    }
    let res = app
        .req(
            Method::POST,
            &format!("/api/admin/job-applications/{id}/stage"),
        )
        .bearer(&other)
        .json(&json!({"stage": "screening"}))
        .send()
        .await;
    res.assert_problem(404, "not_found");
    let list = app
        .req(Method::GET, "/api/admin/job-applications")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.json()["items"].as_array().unwrap().is_empty());
    // and its token does not work on mr-hire
    let res = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(res.status, 403, "{}", res.text);

    // a plain user of mr-hire, an admin-less sales user: 403
    let user = app.token(Role::User, &[], PLATFORM);
    let sales = app.token(Role::Sales, &[], PLATFORM);
    for token in [&user, &sales] {
        let res = call(
            &app,
            Method::GET,
            "/api/admin/job-applications",
            Some(token),
            None,
        )
        .await;
        res.assert_problem(403, "forbidden");
        let res = call(
            &app,
            Method::GET,
            &format!("/api/admin/job-applications/{id}"),
            Some(token),
            None,
        )
        .await;
        res.assert_problem(403, "forbidden");
    }
    // an admin of mr-hire passes without the capability
    let admin = app.token(Role::Admin, &[], PLATFORM);
    let res = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.stop().await;
}

#[tokio::test]
async fn resumes_are_reachable_only_through_hrs_signed_link() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let resume = pdf(&["Private CV"]);
    let res = apply(
        &app,
        post["id"].as_str().unwrap(),
        "Private",
        "private@example.com",
        "9876543211",
        &resume,
    )
    .await;
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let file = stored_files(&app, "/resumes/").remove(0);
    let key = file
        .strip_prefix(&app.config.storage.dir)
        .unwrap()
        .display()
        .to_string();
    assert!(key.starts_with("mr-hire/resumes/"), "{key}");

    // the object's path without a signature
    for path in [
        format!("/api/storage/{key}"),
        format!("/api/storage/{key}?expires=9999999999&sig=00"),
    ] {
        let res = app.get(&path).await;
        assert!(
            matches!(res.status, 401 | 403 | 404),
            "{path}: {} {}",
            res.status,
            res.text
        );
    }
    // the public post says nothing about applicants
    let public = call(
        &app,
        Method::GET,
        &format!("/api/job-posts/{}", post["id"].as_str().unwrap()),
        None,
        None,
    )
    .await;
    assert!(!public.text.contains("private@example.com") && !public.text.contains(&key));

    let link = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}/resume"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(link.status, 200, "{}", link.text);
    let url = link.json()["url"].as_str().unwrap().to_owned();
    // the local store's URL is on PUBLIC_BASE_URL; ask this test server for the same path
    let path = &url[url.find("/api/storage/").unwrap()..];
    let got = app
        .http
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap().to_vec(), resume);
    app.stop().await;
}

#[tokio::test]
async fn applicants_personal_data_stays_out_of_the_logs() {
    let logs = testkit::logs::capture();
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Zenobia Quillfeather",
        "zenobia.quill@example.org",
        "+91 97777 31337",
        &["Zenobia Quillfeather"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/stage"),
        Some(&hr),
        Some(json!({"stage": "screening"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let logs = logs.or_else(|| {
        assert!(std::env::var("TEST_LOG").is_ok(), "log capture unavailable");
        None
    });
    if let Some(logs) = logs {
        let text = logs.text();
        assert!(text.contains(&id), "the application was logged by id");
        for secret in [
            "Zenobia",
            "Quillfeather",
            "zenobia.quill",
            "97777",
            "9777731337",
        ] {
            assert!(!text.contains(secret), "{secret} reached the logs");
        }
    }
    app.stop().await;
}

/// Someone who knows a candidate's phone applies under it with another email and a name of
/// their choosing: the application joins the candidate (dedupe by phone), but the candidate's
/// name, which HR sees on every one of their applications, stays theirs.
#[tokio::test]
async fn an_anonymous_application_does_not_rename_a_known_candidate() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let other = open_post(&app, &hr, json!({"title": "Other"})).await;
    let first = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Leela Menon",
        "leela@example.com",
        "+91 90000 12121",
        &["SQL"],
    )
    .await;
    let again = applied(
        &app,
        other["id"].as_str().unwrap(),
        "FRAUD - REJECT",
        "prankster@example.com",
        "+91 90000 12121",
        &["SQL"],
    )
    .await;
    let names = count(
        &app,
        "SELECT count(*) FROM candidates c JOIN job_applications a ON a.candidate_id = c.id \
          WHERE a.id IN ($1::uuid, $2::uuid) AND c.full_name = 'Leela Menon'",
        vec![
            first["id"].as_str().unwrap().into(),
            again["id"].as_str().unwrap().into(),
        ],
    )
    .await;
    assert_eq!(names, 2, "both applications show the candidate's own name");
    let renamed = count(
        &app,
        "SELECT count(*) FROM candidates WHERE full_name LIKE 'FRAUD%'",
        vec![],
    )
    .await;
    assert_eq!(renamed, 0);
}
