//! Access and refresh tokens: rotation, reuse detection revoking the family, logout,
//! expired and tampered JWTs, and tokens of one platform refused on another.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{get_as, post, signup};
use kernel::auth::Role;
use serde_json::json;
use testkit::spawn_app;

const MENTOR: &str = "mr-mentor";

async fn refresh(app: &testkit::TestApp, token: &str) -> testkit::TestResponse {
    post(
        app,
        "/api/auth/refresh",
        MENTOR,
        json!({"refresh_token": token}),
    )
    .await
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = signup(&app, MENTOR, "asha@example.com").await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let second = refresh(&app, &r1).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let second = second.json();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_eq!(second["user"]["email"], "asha@example.com");
    let a2 = second["access_token"].as_str().unwrap();
    assert_eq!(get_as(&app, "/api/auth/me", MENTOR, a2).await.status, 200);

    let third = refresh(&app, &r2).await.json();
    let r3 = third["refresh_token"].as_str().unwrap().to_owned();

    // r1 was spent: presenting it again is theft or a bug, and kills the family
    refresh(&app, &r1)
        .await
        .assert_problem(401, "refresh_token_reused");
    refresh(&app, &r3)
        .await
        .assert_problem(401, "invalid_refresh_token");

    // a second sign-in is another family, untouched
    let other = app
        .login("asha@example.com", common::PASSWORD, MENTOR)
        .await;
    let r_other = other.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(refresh(&app, &r_other).await.status, 200);

    refresh(&app, "not-a-token")
        .await
        .assert_problem(401, "invalid_refresh_token");
    post(&app, "/api/auth/refresh", MENTOR, json!({}))
        .await
        .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn logout_revokes_the_family_and_is_idempotent() {
    let app = spawn_app().await;
    let body = signup(&app, MENTOR, "ravi@example.com").await;
    let r1 = body["refresh_token"].as_str().unwrap().to_owned();
    let r2 = refresh(&app, &r1).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        let res = post(
            &app,
            "/api/auth/logout",
            MENTOR,
            json!({"refresh_token": r2}),
        )
        .await;
        assert_eq!(res.status, 204, "{}", res.text);
    }
    refresh(&app, &r2)
        .await
        .assert_problem(401, "invalid_refresh_token");
    let res = post(
        &app,
        "/api/auth/logout",
        MENTOR,
        json!({"refresh_token": "unknown"}),
    )
    .await;
    assert_eq!(res.status, 204);
}

#[tokio::test]
async fn expired_and_tampered_access_tokens_are_401() {
    let app = spawn_app().await;
    let body = signup(&app, MENTOR, "meera@example.com").await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let id: uuid::Uuid = body["user"]["id"].as_str().unwrap().parse().unwrap();

    let expired = app
        .ctx
        .jwt
        .issue(id, Role::User, vec![], MENTOR, -120)
        .unwrap();
    let res = get_as(&app, "/api/auth/me", MENTOR, &expired).await;
    assert_eq!(
        res.assert_problem(401, "unauthorized")["detail"],
        "token expired"
    );

    // a changed payload (role claim edited) with the original signature
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let tampered = parts.join(".");
    assert_ne!(tampered, token);
    get_as(&app, "/api/auth/me", MENTOR, &tampered)
        .await
        .assert_problem(401, "unauthorized");

    // signed with another secret
    let other = kernel::Config::from_lookup(|k| {
        (k == "JWT_SECRET").then(|| "another-secret-another-secret-0123456789".to_owned())
    })
    .unwrap();
    let forged = kernel::auth::JwtKeys::from_config(&other)
        .issue(id, Role::Superadmin, vec![], MENTOR, 600)
        .unwrap();
    get_as(&app, "/api/admin/users", MENTOR, &forged)
        .await
        .assert_problem(401, "unauthorized");
    get_as(&app, "/api/auth/me", MENTOR, "garbage")
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        get_as(&app, "/api/auth/me", MENTOR, &token).await.status,
        200
    );
}

#[tokio::test]
async fn a_token_of_one_platform_is_refused_on_another() {
    let app = spawn_app().await;
    let body = signup(&app, MENTOR, "kiran@example.com").await;
    let token = body["access_token"].as_str().unwrap();
    let refresh_token = body["refresh_token"].as_str().unwrap();
    get_as(&app, "/api/auth/me", "mr-hire", token)
        .await
        .assert_problem(403, "wrong_platform");
    // an admin of platform A is nobody on platform B
    let admin = app.token(Role::Admin, &[], MENTOR);
    get_as(&app, "/api/admin/users", "mr-hire", &admin)
        .await
        .assert_problem(403, "wrong_platform");
    // refresh tokens are bound to their platform too
    post(
        &app,
        "/api/auth/refresh",
        "mr-hire",
        json!({"refresh_token": refresh_token}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // a token naming platform B for a user of platform A (e.g. minted with a leaked
    // secret and a guessed id) finds no such user there
    let id: uuid::Uuid = body["user"]["id"].as_str().unwrap().parse().unwrap();
    let crossed = app
        .ctx
        .jwt
        .issue(id, Role::User, vec![], "mr-hire", 600)
        .unwrap();
    get_as(&app, "/api/auth/me", "mr-hire", &crossed)
        .await
        .assert_problem(401, "unauthorized");
}
