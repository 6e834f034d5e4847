//! Signup, login and the caller's profile through HTTP: validation naming fields, 409
//! `email_taken` whatever the case, one answer (at one argon2 verification each) for unknown email and
//! wrong password, `/api/auth/me`, profile and password changes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{PASSWORD, get_as, post, signup};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

const MENTOR: &str = "mr-mentor";

#[tokio::test]
async fn signup_answers_the_contract_shape_and_me_shows_the_user() {
    let app = spawn_app().await;
    let body = signup(&app, MENTOR, "Asha.Rao@Example.com").await;
    let user = &body["user"];
    assert_eq!(user["email"], "asha.rao@example.com");
    assert_eq!(user["full_name"], "Asha Rao");
    assert_eq!(user["role"], "USER");
    assert_eq!(user["capabilities"], json!([]));
    assert!(user["created_at"].is_string());
    assert_eq!(body["expires_in"], 900);
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 64);

    let claims = app.ctx.jwt.verify(access).unwrap();
    assert_eq!(claims.plat, MENTOR);
    assert_eq!(claims.sub.to_string(), user["id"].as_str().unwrap());

    let me = get_as(&app, "/api/auth/me", MENTOR, access).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        me.json(),
        json!({
            "id": user["id"], "email": "asha.rao@example.com", "full_name": "Asha Rao",
            "role": "USER", "capabilities": [], "platform": MENTOR
        })
    );
    app.get("/api/auth/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn signup_validation_names_every_bad_field() {
    let app = spawn_app().await;
    let res = post(
        &app,
        "/api/auth/signup",
        MENTOR,
        json!({"email": "not-an-email", "password": PASSWORD, "full_name": "  ", "phone": "call me"}),
    )
    .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["email", "full_name", "phone"], "{body}");

    for weak in [
        "short1!",
        "password123",
        "aaaaaaaaaaaa",
        "asha.rao@example.com",
    ] {
        let res = post(
            &app,
            "/api/auth/signup",
            MENTOR,
            json!({"email": "asha.rao@example.com", "password": weak, "full_name": "Asha"}),
        )
        .await;
        let body = res.assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "password", "{weak}: {body}");
    }
    let missing = post(&app, "/api/auth/signup", MENTOR, json!({"email": "a@b.co"})).await;
    assert_eq!(
        missing.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "password"
    );
}

#[tokio::test]
async fn an_email_is_taken_whatever_its_case_but_only_on_its_platform() {
    let app = spawn_app().await;
    signup(&app, MENTOR, "ravi@example.com").await;
    let again = post(
        &app,
        "/api/auth/signup",
        MENTOR,
        json!({"email": "  RAVI@Example.COM ", "password": PASSWORD, "full_name": "Ravi"}),
    )
    .await;
    let body = again.assert_problem(409, "email_taken");
    assert_eq!(body["errors"][0]["field"], "email");
    // another platform is another membership
    signup(&app, "mr-hire", "ravi@example.com").await;
}

#[tokio::test]
async fn login_has_one_answer_for_unknown_email_and_wrong_password() {
    let app = spawn_app().await;
    signup(&app, MENTOR, "meera@example.com").await;

    let ok = app.login("MEERA@example.com", PASSWORD, MENTOR).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["user"]["email"], "meera@example.com");

    let wrong = app
        .login("meera@example.com", "Orchid-Lantern-43", MENTOR)
        .await;
    let unknown = app.login("nobody@example.com", PASSWORD, MENTOR).await;
    let w = wrong.assert_problem(401, "invalid_credentials");
    let u = unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(w["detail"], u["detail"]);
    assert_eq!(w["title"], u["title"]);
    // a user of another platform does not exist here
    app.login("meera@example.com", PASSWORD, "mr-hire")
        .await
        .assert_problem(401, "invalid_credentials");

    // Comparable cost: an unknown email still runs one argon2 verification (against a
    // dummy hash of the configured cost), exactly like a wrong password. Counted, not timed.
    let verifications = || {
        app.ctx
            .metrics
            .registry
            .gather()
            .iter()
            .find(|f| f.name() == "mas_auth_password_verifications_total")
            .map(|f| f.get_metric()[0].get_counter().get_value() as u64)
            .unwrap()
    };
    let before = verifications();
    let res = app.login("meera@example.com", "Wrong-pass-1", MENTOR).await;
    res.assert_problem(401, "invalid_credentials");
    assert_eq!(
        verifications(),
        before + 1,
        "a wrong password costs one verification"
    );
    let res = app.login("ghost@example.com", "Wrong-pass-1", MENTOR).await;
    res.assert_problem(401, "invalid_credentials");
    assert_eq!(
        verifications(),
        before + 2,
        "an unknown email costs one verification too"
    );
}

#[tokio::test]
async fn profile_and_password_changes() {
    let app = spawn_app().await;
    let body = signup(&app, MENTOR, "kiran@example.com").await;
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();

    let res = app
        .req(Method::PATCH, "/api/auth/me")
        .bearer(&access)
        .json(&json!({"full_name": "Kiran K", "phone": "+91 98765 43210"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["full_name"], "Kiran K");

    // a wrong current password changes nothing
    app.req(Method::POST, "/api/auth/password/change")
        .bearer(&access)
        .json(&json!({"current_password": "nope-nope-1", "new_password": "Silver-Kettle-88"}))
        .send()
        .await
        .assert_problem(401, "invalid_credentials");
    let weak = app
        .req(Method::POST, "/api/auth/password/change")
        .bearer(&access)
        .json(&json!({"current_password": PASSWORD, "new_password": "short"}))
        .send()
        .await;
    assert_eq!(
        weak.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "new_password"
    );

    // wait for the next second: tokens are cut off at second resolution
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let changed = app
        .req(Method::POST, "/api/auth/password/change")
        .bearer(&access)
        .json(&json!({"current_password": PASSWORD, "new_password": "Silver-Kettle-88"}))
        .send()
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let fresh = changed.json()["access_token"].as_str().unwrap().to_owned();

    // the old access token and refresh token are dead; the new session works
    get_as(&app, "/api/auth/me", MENTOR, &access)
        .await
        .assert_problem(401, "unauthorized");
    post(
        &app,
        "/api/auth/refresh",
        MENTOR,
        json!({"refresh_token": refresh}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    assert_eq!(
        get_as(&app, "/api/auth/me", MENTOR, &fresh).await.status,
        200
    );
    app.login("kiran@example.com", PASSWORD, MENTOR)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login("kiran@example.com", "Silver-Kettle-88", MENTOR)
            .await
            .status,
        200
    );
}
