//! Emailed credentials end to end: the OTP and the reset link travel through the outbox,
//! `emailQueue` and comms' worker into the `.eml` outbox, and work from there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{PASSWORD, digits_after, email_worker, get_as, post, signup, wait_for_mail};
use serde_json::json;
use testkit::{TestOptions, spawn_app, spawn_app_with};

const MENTOR: &str = "mr-mentor";

#[tokio::test]
async fn an_emailed_code_signs_in_once() {
    let app = spawn_app().await;
    let _worker = email_worker(&app).await;
    signup(&app, MENTOR, "asha@example.com").await;

    let res = post(
        &app,
        "/api/auth/otp/request",
        MENTOR,
        json!({"email": "ASHA@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    // an unknown address gets the same answer and no mail
    let res = post(
        &app,
        "/api/auth/otp/request",
        MENTOR,
        json!({"email": "ghost@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202);

    let mail = wait_for_mail(&app, "asha@example.com", "verification code").await;
    let code = digits_after(&mail, "Subject: ", 6).expect("a code in the subject");
    assert!(mail.contains(&code), "{mail}");

    // wrong code: 401 invalid_otp
    let wrong = if code == "000000" { "111111" } else { "000000" };
    post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "asha@example.com", "code": wrong}),
    )
    .await
    .assert_problem(401, "invalid_otp");
    let ok = post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "asha@example.com", "code": code}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let token = ok.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        get_as(&app, "/api/auth/me", MENTOR, &token).await.json()["email"],
        "asha@example.com"
    );
    // single use
    post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "asha@example.com", "code": code}),
    )
    .await
    .assert_problem(401, "invalid_otp");
    assert!(
        app.mails().iter().all(|m| !m.contains("ghost@example.com")),
        "no mail for an unknown address"
    );
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_tries_and_resends_are_spaced() {
    let app = spawn_app_with(TestOptions::default().env("OTP_RESEND_SECS", "2")).await;
    let _worker = email_worker(&app).await;
    signup(&app, MENTOR, "ravi@example.com").await;
    let res = post(
        &app,
        "/api/auth/otp/request",
        MENTOR,
        json!({"email": "ravi@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202);
    let resend = post(
        &app,
        "/api/auth/otp/request",
        MENTOR,
        json!({"email": "ravi@example.com"}),
    )
    .await;
    resend.assert_problem(429, "too_many_requests");
    let retry: u64 = resend.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");

    let mail = wait_for_mail(&app, "ravi@example.com", "verification code").await;
    let code = digits_after(&mail, "Subject: ", 6).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        post(
            &app,
            "/api/auth/otp/verify",
            MENTOR,
            json!({"email": "ravi@example.com", "code": wrong}),
        )
        .await
        .assert_problem(401, "invalid_otp");
    }
    // the right code is useless now
    post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "ravi@example.com", "code": code}),
    )
    .await
    .assert_problem(401, "invalid_otp");

    // after the spacing, a new code works (and supersedes any older one)
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = post(
        &app,
        "/api/auth/otp/request",
        MENTOR,
        json!({"email": "ravi@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let fresh = loop {
        let codes: Vec<String> = app
            .mails()
            .into_iter()
            .filter(|m| m.contains("To: ravi@example.com"))
            .filter_map(|m| digits_after(&m, "Subject: ", 6))
            .collect();
        if codes.len() == 2 {
            break codes
                .into_iter()
                .find(|c| *c != code)
                .unwrap_or(code.clone());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let ok = post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "ravi@example.com", "code": fresh}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    let _worker = email_worker(&app).await;
    let body = signup(&app, MENTOR, "meera@example.com").await;
    let old_refresh = body["refresh_token"].as_str().unwrap().to_owned();

    let res = post(
        &app,
        "/api/auth/password/forgot",
        MENTOR,
        json!({"email": "meera@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let res = post(
        &app,
        "/api/auth/password/forgot",
        MENTOR,
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!(res.status, 202);

    let mail = wait_for_mail(&app, "meera@example.com", "reset-password?token=").await;
    let link_start = mail
        .find("http://localhost:8000/reset-password?token=")
        .expect(&mail);
    let token: String = mail[link_start..]
        .trim_start_matches("http://localhost:8000/reset-password?token=")
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{mail}");

    let weak = post(
        &app,
        "/api/auth/password/reset",
        MENTOR,
        json!({"token": token, "password": "weak"}),
    )
    .await;
    weak.assert_problem(422, "validation_failed");
    let res = post(
        &app,
        "/api/auth/password/reset",
        MENTOR,
        json!({"token": token, "password": "Copper-Meadow-77"}),
    )
    .await;
    assert_eq!(res.status, 204, "{}", res.text);
    post(
        &app,
        "/api/auth/password/reset",
        MENTOR,
        json!({"token": token, "password": "Copper-Meadow-78"}),
    )
    .await
    .assert_problem(400, "invalid_reset_token");

    post(
        &app,
        "/api/auth/refresh",
        MENTOR,
        json!({"refresh_token": old_refresh}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("meera@example.com", PASSWORD, MENTOR)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login("meera@example.com", "Copper-Meadow-77", MENTOR)
            .await
            .status,
        200
    );
    // a link of this platform means nothing on another
    post(
        &app,
        "/api/auth/password/reset",
        "mr-hire",
        json!({"token": "0".repeat(64), "password": "Copper-Meadow-79"}),
    )
    .await
    .assert_problem(400, "invalid_reset_token");
}
