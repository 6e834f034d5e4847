//! Admin user management: changes apply on the user's next request (not at token expiry),
//! suspension locks out at once, users of another platform cannot be seen or changed, the
//! rules on admin roles, and the append-only audit log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{get_as, signup};
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse, spawn_app};

const MENTOR: &str = "mr-mentor";
const HIRE: &str = "mr-hire";

async fn patch(app: &TestApp, token: &str, platform: &str, id: &str, body: Value) -> TestResponse {
    app.req(Method::PATCH, &format!("/api/admin/users/{id}"))
        .platform(platform)
        .bearer(token)
        .json(&body)
        .send()
        .await
}

async fn action(app: &TestApp, token: &str, platform: &str, path: &str) -> TestResponse {
    app.req(Method::POST, path)
        .platform(platform)
        .bearer(token)
        .send()
        .await
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request() {
    let app = spawn_app().await;
    let superadmin = app.login_as(Role::Superadmin, &[], MENTOR).await;
    let body = signup(&app, MENTOR, "asha@example.com").await;
    let id = body["user"]["id"].as_str().unwrap().to_owned();
    let token = body["access_token"].as_str().unwrap().to_owned();

    get_as(&app, "/api/admin/users", MENTOR, &token)
        .await
        .assert_problem(403, "forbidden");
    let res = patch(
        &app,
        &superadmin.access_token,
        MENTOR,
        &id,
        json!({"role": "ADMIN", "capabilities": ["finance", "hr"]}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["role"], "ADMIN");
    assert_eq!(res.json()["capabilities"], json!(["finance", "hr"]));

    // the same token (its claims still say USER) now passes the admin check
    let list = get_as(&app, "/api/admin/users", MENTOR, &token).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let me = get_as(&app, "/api/auth/me", MENTOR, &token).await.json();
    assert_eq!(me["role"], "ADMIN");
    assert_eq!(me["capabilities"], json!(["finance", "hr"]));

    // and back: the next request is refused again
    patch(
        &app,
        &superadmin.access_token,
        MENTOR,
        &id,
        json!({"role": "USER"}),
    )
    .await;
    get_as(&app, "/api/admin/users", MENTOR, &token)
        .await
        .assert_problem(403, "forbidden");

    // unknown roles and fields are 422
    let bad = patch(
        &app,
        &superadmin.access_token,
        MENTOR,
        &id,
        json!({"role": "GOD"}),
    )
    .await;
    bad.assert_problem(422, "validation_failed");
    let bad = patch(
        &app,
        &superadmin.access_token,
        MENTOR,
        &id,
        json!({"capabilities": ["fly"]}),
    )
    .await;
    bad.assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_suspended_user_is_locked_out_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin, &[], MENTOR).await;
    let body = signup(&app, MENTOR, "ravi@example.com").await;
    let id = body["user"]["id"].as_str().unwrap().to_owned();
    let token = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        get_as(&app, "/api/auth/me", MENTOR, &token).await.status,
        200
    );

    let res = app
        .req(Method::POST, &format!("/api/admin/users/{id}/suspend"))
        .bearer(&admin.access_token)
        .json(&json!({"reason": "chargeback"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "suspended");

    get_as(&app, "/api/auth/me", MENTOR, &token)
        .await
        .assert_problem(401, "account_suspended");
    common::post(
        &app,
        "/api/auth/refresh",
        MENTOR,
        json!({"refresh_token": refresh}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("ravi@example.com", common::PASSWORD, MENTOR)
        .await
        .assert_problem(401, "account_suspended");
    // a wrong password still says nothing about the account
    app.login("ravi@example.com", "Wrong-Pass-11", MENTOR)
        .await
        .assert_problem(401, "invalid_credentials");

    let res = action(
        &app,
        &admin.access_token,
        MENTOR,
        &format!("/api/admin/users/{id}/reactivate"),
    )
    .await;
    assert_eq!(res.json()["status"], "active");
    assert_eq!(
        app.login("ravi@example.com", common::PASSWORD, MENTOR)
            .await
            .status,
        200
    );
    // the old access token works again (suspension is a state, not a revocation of it)
    assert_eq!(
        get_as(&app, "/api/auth/me", MENTOR, &token).await.status,
        200
    );
}

#[tokio::test]
async fn a_user_of_another_platform_cannot_be_found_or_changed() {
    let app = spawn_app().await;
    let mentor_user = signup(&app, MENTOR, "meera@example.com").await;
    let id = mentor_user["user"]["id"].as_str().unwrap().to_owned();
    let hire_admin = app.login_as(Role::Superadmin, &[], HIRE).await;
    let t = &hire_admin.access_token;

    get_as(&app, &format!("/api/admin/users/{id}"), HIRE, t)
        .await
        .assert_problem(404, "not_found");
    patch(&app, t, HIRE, &id, json!({"role": "ADMIN"}))
        .await
        .assert_problem(404, "not_found");
    action(&app, t, HIRE, &format!("/api/admin/users/{id}/suspend"))
        .await
        .assert_problem(404, "not_found");
    let list = get_as(&app, "/api/admin/users?q=meera", HIRE, t)
        .await
        .json();
    assert_eq!(list["items"], json!([]));

    // the platform's own admin sees her
    let mentor_admin = app.login_as(Role::Admin, &[], MENTOR).await;
    let list = get_as(
        &app,
        "/api/admin/users?q=MEERA",
        MENTOR,
        &mentor_admin.access_token,
    )
    .await
    .json();
    assert_eq!(list["items"][0]["id"], id.as_str());
    let one = get_as(
        &app,
        &format!("/api/admin/users/{id}"),
        MENTOR,
        &mentor_admin.access_token,
    )
    .await;
    assert_eq!(one.json()["email"], "meera@example.com");
    assert_eq!(one.json()["has_password"], true);
}

#[tokio::test]
async fn admin_roles_are_guarded() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin, &[], MENTOR).await;
    let other_admin = app.login_as(Role::Admin, &[], MENTOR).await;
    let user = signup(&app, MENTOR, "kiran@example.com").await;
    let uid = user["user"]["id"].as_str().unwrap().to_owned();
    let t = &admin.access_token;

    // an ADMIN grants capabilities and SALES/EXPERT, not admin roles
    let ok = patch(
        &app,
        t,
        MENTOR,
        &uid,
        json!({"role": "SALES", "capabilities": ["sales_head"]}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    patch(&app, t, MENTOR, &uid, json!({"role": "ADMIN"}))
        .await
        .assert_problem(403, "forbidden");
    patch(
        &app,
        t,
        MENTOR,
        &other_admin.user_id.to_string(),
        json!({"capabilities": ["hr"]}),
    )
    .await
    .assert_problem(403, "forbidden");
    action(
        &app,
        t,
        MENTOR,
        &format!("/api/admin/users/{}/suspend", other_admin.user_id),
    )
    .await
    .assert_problem(403, "forbidden");
    // nobody changes themselves
    patch(
        &app,
        t,
        MENTOR,
        &admin.user_id.to_string(),
        json!({"capabilities": ["hr"]}),
    )
    .await
    .assert_problem(403, "forbidden");
    // a SUPERADMIN may
    let superadmin = app.login_as(Role::Superadmin, &[], MENTOR).await;
    let res = patch(
        &app,
        &superadmin.access_token,
        MENTOR,
        &other_admin.user_id.to_string(),
        json!({"role": "USER"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    get_as(&app, "/api/admin/users", MENTOR, &other_admin.access_token)
        .await
        .assert_problem(403, "forbidden");

    // filters and pagination
    let sales = get_as(
        &app,
        "/api/admin/users?role=SALES&capability=sales_head",
        MENTOR,
        t,
    )
    .await
    .json();
    assert_eq!(sales["items"].as_array().unwrap().len(), 1, "{sales}");
    let page = get_as(&app, "/api/admin/users?limit=2", MENTOR, t)
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = get_as(
        &app,
        &format!("/api/admin/users?limit=2&cursor={cursor}"),
        MENTOR,
        t,
    )
    .await
    .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 2, "{next}");
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
}

#[tokio::test]
async fn every_change_is_in_the_append_only_audit_log() {
    let app = spawn_app().await;
    let superadmin = app.login_as(Role::Superadmin, &[], MENTOR).await;
    let t = &superadmin.access_token;
    let user = signup(&app, MENTOR, "anil@example.com").await;
    let uid = user["user"]["id"].as_str().unwrap().to_owned();

    let res = app
        .req(Method::PATCH, &format!("/api/admin/users/{uid}"))
        .bearer(t)
        .header("X-Request-Id", "audit-trace-1")
        .json(&json!({"role": "EXPERT", "capabilities": ["super_mentor"]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    action(&app, t, MENTOR, &format!("/api/admin/users/{uid}/suspend")).await;
    action(
        &app,
        t,
        MENTOR,
        &format!("/api/admin/users/{uid}/reactivate"),
    )
    .await;

    let log = get_as(
        &app,
        &format!("/api/admin/audit-log?target_id={uid}"),
        MENTOR,
        t,
    )
    .await
    .json();
    let items = log["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["user.reactivated", "user.suspended", "user.access_updated"]
    );
    let change = &items[2];
    assert_eq!(change["actor_id"], superadmin.user_id.to_string());
    assert_eq!(change["target_type"], "user");
    assert_eq!(change["request_id"], "audit-trace-1");
    assert_eq!(
        change["before"],
        json!({"role": "USER", "capabilities": []})
    );
    assert_eq!(
        change["after"],
        json!({"role": "EXPERT", "capabilities": ["super_mentor"]})
    );
    assert!(change["created_at"].is_string());

    // the table refuses edits and deletions, even from the database owner
    for sql in [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = app
            .db
            .execute_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // another platform's admin sees none of it
    let hire = app.token(Role::Admin, &[Capability::Hr], HIRE);
    let other = get_as(&app, "/api/admin/audit-log", HIRE, &hire)
        .await
        .json();
    assert_eq!(other["items"], json!([]));
}
