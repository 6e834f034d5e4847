//! Shared helpers of the identity tests: request shortcuts, the email outbox, queue workers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{sync::Arc, time::Duration};

use jobs::{
    Registry,
    runner::{Background, Mode},
};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse};

/// A password that passes the strength rules.
pub const PASSWORD: &str = "Orchid-Lantern-42";

/// `POST path` with a JSON body on `platform`.
pub async fn post(app: &TestApp, path: &str, platform: &str, body: Value) -> TestResponse {
    app.req(Method::POST, path)
        .platform(platform)
        .json(&body)
        .send()
        .await
}

/// `GET path` with a bearer token on `platform`.
pub async fn get_as(app: &TestApp, path: &str, platform: &str, token: &str) -> TestResponse {
    app.req(Method::GET, path)
        .platform(platform)
        .bearer(token)
        .send()
        .await
}

/// Signs up `email` on `platform`; asserts 201 and returns the body.
pub async fn signup(app: &TestApp, platform: &str, email: &str) -> Value {
    let res = post(
        app,
        "/api/auth/signup",
        platform,
        json!({"email": email, "password": PASSWORD, "full_name": "Asha Rao"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// Starts the email worker (comms' handlers) on the app's own BullMQ prefix.
pub async fn email_worker(app: &TestApp) -> Background {
    let comms = comms::Comms::new(&app.ctx, &app.jobs, app.config.comms.clone()).unwrap();
    let mut registry = Registry::new();
    comms::workers(&mut registry, &comms);
    Background::start(&app.jobs, Arc::new(registry), Mode::Consume)
        .await
        .unwrap()
}

/// Waits (up to 15 s) for an email to `to` containing `needle`, and returns it decoded of
/// quoted-printable soft breaks.
pub async fn wait_for_mail(app: &TestApp, to: &str, needle: &str) -> String {
    let dir = app.config.comms.email.outbox_dir.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(mail) = app
            .mails()
            .into_iter()
            .find(|m| m.contains(&format!("To: {to}")) && m.contains(needle))
        {
            return mail;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail to {to} containing {needle:?} in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first run of `n` ASCII digits in `text` after `marker`.
pub fn digits_after(text: &str, marker: &str, n: usize) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let bytes = &text.as_bytes()[start..];
    let mut i = 0;
    while i + n <= bytes.len() {
        if bytes[i..i + n].iter().all(u8::is_ascii_digit)
            && bytes.get(i + n).is_none_or(|b| !b.is_ascii_digit())
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
        {
            return Some(text[start + i..start + i + n].to_owned());
        }
        i += 1;
    }
    None
}
