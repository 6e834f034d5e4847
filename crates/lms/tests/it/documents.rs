//! The student's profile and documents: the owner's only, other platforms 404, bad input
//! names the field.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common;

#[tokio::test]
async fn the_profile_keeps_lms_fields_beside_the_account_and_checks_them() {
    let app = spawn_app().await;
    let (_, student) = app.user(Role::User, &[], "mr-mentor");
    let empty = app
        .call(Method::GET, "/api/student/profile", &student, None)
        .await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.json()["full_name"], "Test User");
    assert!(empty.json()["email"].as_str().unwrap().contains('@'));
    assert!(empty.json()["headline"].is_null());
    let res = app
        .call(
            Method::PATCH,
            "/api/student/profile",
            &student,
            Some(
                json!({"headline": "Aspiring analyst", "timezone": "Asia/Kolkata",
                        "github_url": "https://github.com/someone", "goals": "SQL"}),
            ),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // a second change keeps what it does not name, and an empty string clears
    let res = app
        .call(
            Method::PATCH,
            "/api/student/profile",
            &student,
            Some(json!({"linkedin_url": "https://www.linkedin.com/in/someone", "goals": ""})),
        )
        .await;
    let p = res.json();
    assert_eq!(p["headline"], "Aspiring analyst");
    assert_eq!(p["timezone"], "Asia/Kolkata");
    assert_eq!(p["github_url"], "https://github.com/someone");
    assert_eq!(p["linkedin_url"], "https://www.linkedin.com/in/someone");
    assert!(p["goals"].is_null());
    for (body, field) in [
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (
            json!({"github_url": "https://evil.example.com/x"}),
            "github_url",
        ),
        (
            json!({"linkedin_url": "http://linkedin.com/in/x"}),
            "linkedin_url",
        ),
        (json!({"headline": "x".repeat(201)}), "headline"),
    ] {
        let problem = app
            .call(
                Method::PATCH,
                "/api/student/profile",
                &student,
                Some(body.clone()),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }
    app.get("/api/student/profile")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn documents_are_the_owners_and_other_platforms_see_none() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (owner_id, owner) = app.user(Role::User, &[], "mr-mentor");
    let (_, stranger) = app.user(Role::User, &[], "mr-mentor");
    let (_, elsewhere) = app.user(Role::User, &[], "my-analytics-school");
    let other_admin = app.token(Role::Admin, &[], "my-analytics-school");
    let resume = common::stored(&app, "mr-mentor", "cv.pdf", "application/pdf", 300).await;
    let foreign =
        common::stored(&app, "my-analytics-school", "cv.pdf", "application/pdf", 30).await;

    let res = app
        .call(
            Method::POST,
            "/api/student/documents",
            &owner,
            Some(json!({"storage_key": resume, "name": "My CV", "kind": "resume"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let doc = res.json();
    assert_eq!(doc["size_bytes"], 300);
    assert_eq!(doc["content_type"], "application/pdf");
    let id = doc["id"].as_str().unwrap().to_owned();
    // the same file again, by anyone: 409 on the key
    let problem = app
        .call(
            Method::POST,
            "/api/student/documents",
            &stranger,
            Some(json!({"storage_key": resume, "name": "Mine", "kind": "resume"})),
        )
        .await
        .assert_problem(409, "document_taken");
    assert_eq!(problem["errors"][0]["field"], "storage_key");
    for (body, field) in [
        (
            json!({"storage_key": foreign, "name": "x", "kind": "resume"}),
            "storage_key",
        ),
        (
            json!({"storage_key": "mr-mentor/2026/01/none.pdf", "name": "x", "kind": "resume"}),
            "storage_key",
        ),
        (
            json!({"storage_key": resume, "name": "", "kind": "resume"}),
            "name",
        ),
        (
            json!({"storage_key": resume, "name": "x", "kind": "passport"}),
            "kind",
        ),
    ] {
        let problem = app
            .call(
                Method::POST,
                "/api/student/documents",
                &owner,
                Some(body.clone()),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(common::field(&problem), field, "{body}: {problem}");
    }

    let mine = app
        .call(Method::GET, "/api/student/documents", &owner, None)
        .await
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert!(
        mine["items"][0]["url"]
            .as_str()
            .unwrap()
            .contains("/api/storage/")
    );
    let theirs = app
        .call(Method::GET, "/api/student/documents", &stranger, None)
        .await
        .json();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);

    // someone else deleting it, here or from another platform: 404, and it stays
    app.call(
        Method::DELETE,
        &format!("/api/student/documents/{id}"),
        &stranger,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    app.req(Method::DELETE, &format!("/api/student/documents/{id}"))
        .platform("my-analytics-school")
        .bearer(&elsewhere)
        .send()
        .await
        .assert_problem(404, "not_found");
    // an admin lists a student's documents; another platform's admin cannot
    let listed = app
        .call(
            Method::GET,
            &format!("/api/admin/students/{owner_id}/documents"),
            &admin,
            None,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json()["items"][0]["id"], id.as_str());
    app.req(
        Method::GET,
        &format!("/api/admin/students/{owner_id}/documents"),
    )
    .platform("my-analytics-school")
    .bearer(&other_admin)
    .send()
    .await
    .assert_problem(404, "not_found");
    app.call(
        Method::GET,
        &format!("/api/admin/students/{owner_id}/documents"),
        &owner,
        None,
    )
    .await
    .assert_problem(403, "forbidden");

    let res = app
        .call(
            Method::DELETE,
            &format!("/api/student/documents/{id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    let mine = app
        .call(Method::GET, "/api/student/documents", &owner, None)
        .await
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
}
