//! Who may import: an ADMIN of the platform; a plain user gets 403, another platform's admin
//! gets 404 for every import of this one and never sees it in a list.

use reqwest::Method;
use testkit::spawn_app;

use crate::common::{CSV, upload};

#[tokio::test]
async fn only_the_platforms_admins_see_its_imports() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let user = app.user_token();
    upload(
        &app,
        &user,
        "students",
        "a.csv",
        CSV,
        b"email,full_name\na@b.test,A\n",
    )
    .await
    .assert_problem(403, "forbidden");

    let res = upload(
        &app,
        &admin,
        "students",
        "a.csv",
        CSV,
        b"email,full_name\na@b.test,A\n",
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["import"]["id"].as_str().unwrap().to_owned();

    let other = app.token(kernel::auth::Role::Admin, &[], "my-analytics-school");
    for (method, path) in [
        (Method::GET, format!("/api/bulk-upload/{id}")),
        (Method::GET, format!("/api/bulk-upload/{id}/errors")),
        (Method::POST, format!("/api/bulk-upload/{id}/start")),
    ] {
        app.req(method, &path)
            .bearer(&other)
            .platform("my-analytics-school")
            .send()
            .await
            .assert_problem(404, "import_not_found");
    }
    let list = app
        .req(Method::GET, "/api/bulk-upload")
        .bearer(&other)
        .platform("my-analytics-school")
        .send()
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["items"], serde_json::json!([]));
    // still previewed: the other admin's start changed nothing
    let mine = crate::common::status(&app, &admin, &id).await;
    assert_eq!(mine["status"], "previewed");
}
