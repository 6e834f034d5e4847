//! The queue dashboard: the JSON API under `/api/admin/queues` and the page under
//! `/admin/queues`, driven in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{path::PathBuf, time::Duration};

use common::{Ping, consume, eventually, ping_registry};
use kernel::{
    auth::{Capability, Role},
    text::percent_encode,
};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app, spawn_app_with};

/// Enqueues a ping that fails permanently, runs a worker until it has failed, stops the worker.
async fn failed_job(app: &TestApp, n: u32) -> String {
    let (registry, _rx) = ping_registry();
    let (jobs, bg) = consume(app, registry).await;
    let ping = Ping {
        n,
        fail_times: 0,
        permanent: true,
    };
    let id = jobs.enqueue("mr-hire", &ping, None).await.unwrap();
    let queue = jobs.queue("notificationQueue").await.unwrap();
    let failed = eventually(10, || {
        let queue = queue.clone();
        let id = id.clone();
        async move { queue.get_job_state(&id).await.unwrap().as_str() == "failed" }
    })
    .await;
    assert!(failed, "the job did not fail");
    bg.close(Duration::from_secs(5)).await;
    id
}

async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> testkit::client::TestResponse {
    let mut req = app.req(method, path).bearer(&app.superadmin_token());
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await
}

#[tokio::test]
async fn the_api_is_for_superadmins_and_ops_only() {
    let app = spawn_app().await;
    app.get("/api/admin/queues")
        .await
        .assert_problem(401, "unauthorized");
    let res = app
        .req(Method::GET, "/api/admin/queues")
        .bearer(&app.user_token())
        .send()
        .await;
    res.assert_problem(403, "forbidden");
    let res = app
        .req(Method::POST, "/api/admin/queues/emailQueue/pause")
        .bearer(&app.user_token())
        .send()
        .await;
    res.assert_problem(403, "forbidden");
    // a plain ADMIN is not ops: job data is every user's, the SUPERADMIN's included
    for path in [
        "/api/admin/queues",
        "/api/admin/queues/emailQueue/jobs?state=completed",
        "/api/admin/queues/emailQueue/dead-letters",
    ] {
        app.req(Method::GET, path)
            .bearer(&app.admin_token())
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
}

#[tokio::test]
async fn every_queue_is_listed_with_counts() {
    let app = spawn_app().await;
    let res = api(&app, Method::GET, "/api/admin/queues", None).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let queues = res.json();
    let names: Vec<&str> = queues
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    for expected in [
        "emailQueue",
        "whatsappQueue",
        "studentRiskComputationQueue",
        "domainEventsQueue",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(names.len(), jobs::queues::QUEUES.len());

    app.jobs
        .add_raw(
            "emailQueue",
            "send-email",
            json!({"type": "generic", "to": "a@b.c", "data": {}}),
            None,
            0,
        )
        .await
        .unwrap();
    let one = api(&app, Method::GET, "/api/admin/queues/emailQueue", None)
        .await
        .json();
    assert_eq!(one["counts"]["waiting"], 1);
    assert_eq!(one["paused"], false);
    assert_eq!(one["attempts"], 5);

    api(&app, Method::GET, "/api/admin/queues/noSuchQueue", None)
        .await
        .assert_problem(404, "unknown_queue");
    let bad = api(
        &app,
        Method::GET,
        "/api/admin/queues/emailQueue/jobs?state=sleeping",
        None,
    )
    .await;
    let problem = bad.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "state");
    let bad = api(
        &app,
        Method::GET,
        "/api/admin/queues/emailQueue/jobs?state=failed&limit=0",
        None,
    )
    .await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "limit"
    );
}

#[tokio::test]
async fn a_failed_job_is_listed_retried_and_its_dead_letter_replayed() {
    let app = spawn_app().await;
    let id = failed_job(&app, 41).await;

    let summary = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue",
        None,
    )
    .await
    .json();
    assert_eq!(summary["counts"]["failed"], 1);
    assert_eq!(summary["counts"]["dead_letters"], 1);

    let page = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue/jobs?state=failed",
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let page = page.json();
    assert_eq!(page["total"], 1);
    let job = &page["jobs"][0];
    assert_eq!(job["id"], id.as_str());
    assert_eq!(job["platform"], "mr-hire");
    // `ping` declares no secret fields (its worker registered it on the app's queues handle)
    assert_eq!(job["data"]["n"], 41);
    assert_eq!(job["max_attempts"], 3);
    assert!(
        job["failed_reason"]
            .as_str()
            .unwrap()
            .contains("ping 41 is malformed"),
        "{job}"
    );

    // only failed jobs can be retried; this one can, once
    let retried = api(
        &app,
        Method::POST,
        &format!("/api/admin/queues/notificationQueue/jobs/{id}/retry"),
        None,
    )
    .await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(retried.json()["state"], "waiting");
    assert_eq!(retried.json()["attempts_made"], 0);
    api(
        &app,
        Method::POST,
        &format!("/api/admin/queues/notificationQueue/jobs/{id}/retry"),
        None,
    )
    .await
    .assert_problem(409, "job_not_failed");
    api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/jobs/nope/retry",
        None,
    )
    .await
    .assert_problem(404, "job_not_found");

    // the dead letter is still there until replayed; replaying adds a new job
    let letters = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue/dead-letters",
        None,
    )
    .await
    .json();
    assert_eq!(letters.as_array().unwrap().len(), 1);
    assert_eq!(letters[0]["job_id"], id.as_str());
    let replayed = api(
        &app,
        Method::POST,
        &format!("/api/admin/queues/notificationQueue/dead-letters/{id}/replay"),
        None,
    )
    .await;
    assert_eq!(replayed.status, 200, "{}", replayed.text);
    let new_id = replayed.json()["job_id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, id);
    let after = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue",
        None,
    )
    .await
    .json();
    assert_eq!(after["counts"]["dead_letters"], 0);
    assert_eq!(after["counts"]["waiting"], 2, "{after}");
    api(
        &app,
        Method::POST,
        &format!("/api/admin/queues/notificationQueue/dead-letters/{id}/replay"),
        None,
    )
    .await
    .assert_problem(404, "dead_letter_not_found");

    // remove one, clean the rest
    let removed = api(
        &app,
        Method::DELETE,
        &format!("/api/admin/queues/notificationQueue/jobs/{new_id}"),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let cleaned = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/clean",
        Some(json!({"state": "waiting"})),
    )
    .await;
    assert_eq!(cleaned.status, 200, "{}", cleaned.text);
    assert_eq!(cleaned.json()["count"], 1);
    let bad = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/clean",
        Some(json!({"state": "active"})),
    )
    .await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "state"
    );
    let empty = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue",
        None,
    )
    .await
    .json();
    assert_eq!(empty["counts"]["waiting"], 0, "{empty}");
}

#[tokio::test]
async fn retry_all_and_replay_all() {
    let app = spawn_app().await;
    let a = failed_job(&app, 1).await;
    let b = failed_job(&app, 2).await;
    let res = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/retry",
        None,
    )
    .await;
    assert_eq!(res.json()["count"], 2, "{}", res.text);
    let queue = app.jobs.queue("notificationQueue").await.unwrap();
    for id in [&a, &b] {
        assert_eq!(queue.get_job_state(id).await.unwrap().as_str(), "wait");
    }
    let res = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/dead-letters/replay",
        None,
    )
    .await;
    assert_eq!(res.json()["count"], 2, "{}", res.text);
    let summary = api(
        &app,
        Method::GET,
        "/api/admin/queues/notificationQueue",
        None,
    )
    .await
    .json();
    assert_eq!(summary["counts"]["waiting"], 4, "{summary}");
    assert_eq!(summary["counts"]["dead_letters"], 0);
}

#[tokio::test]
async fn pausing_a_queue_stops_its_workers_until_resumed() {
    let app = spawn_app().await;
    let paused = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/pause",
        None,
    )
    .await;
    assert_eq!(paused.json()["paused"], true, "{}", paused.text);
    let (registry, mut rx) = ping_registry();
    let (jobs, bg) = consume(&app, registry).await;
    jobs.enqueue(
        "mr-mentor",
        &Ping {
            n: 5,
            fail_times: 0,
            permanent: false,
        },
        None,
    )
    .await
    .unwrap();
    common::nothing(&mut rx, 1_500).await;
    let resumed = api(
        &app,
        Method::POST,
        "/api/admin/queues/notificationQueue/resume",
        None,
    )
    .await;
    assert_eq!(resumed.json()["paused"], false);
    assert_eq!(common::next(&mut rx, 10).await.ping.n, 5);
    bg.close(Duration::from_secs(5)).await;
}

/// The `name=value` of the `Set-Cookie` for `name`, with its attributes; `None` when the
/// answer sets no such cookie.
fn set_cookie(res: &TestResponse, name: &str) -> Option<String> {
    res.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value of a cookie set by the answer.
fn cookie_value(res: &TestResponse, name: &str) -> Option<String> {
    let header = set_cookie(res, name)?;
    let pair = header.split(';').next()?;
    Some(pair.split_once('=')?.1.to_owned())
}

/// The `value` of the input named `name` in an HTML page.
fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name} in {html}"));
    let rest = &html[at..];
    let start = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[start..][..rest[start..].find('"').unwrap()].to_owned()
}

/// What a browser holds after rendering the sign-in page: its login-CSRF cookie and the
/// form's CSRF token.
struct SignInForm {
    cookie: String,
    csrf: String,
}

async fn sign_in_form(app: &TestApp) -> SignInForm {
    let page = app.get("/admin/queues").await;
    assert_eq!(page.status, 401, "{}", page.text);
    SignInForm {
        cookie: format!(
            "mas_admin_login={}",
            cookie_value(&page, "mas_admin_login").expect("the sign-in page sets its CSRF cookie")
        ),
        csrf: input_value(&page.text, "csrf"),
    }
}

/// Posts the sign-in form (with the browser's login-CSRF cookie when given).
async fn post_sign_in(
    app: &TestApp,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> TestResponse {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = app
        .req(Method::POST, "/admin/session")
        .body(body, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        req = req.header("Cookie", cookie);
    }
    req.send().await
}

/// Signs in with email and password through a freshly rendered sign-in form.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> TestResponse {
    let form = sign_in_form(app).await;
    post_sign_in(
        app,
        Some(&form.cookie),
        &[
            ("csrf", &form.csrf),
            ("email", email),
            ("password", password),
            ("platform", &app.config.kernel.default_platform),
        ],
    )
    .await
}

fn assert_html(res: &TestResponse, status: u16) {
    assert_eq!(res.status, status, "{}", res.text);
    assert!(
        res.header("content-type").unwrap().starts_with("text/html"),
        "{:?}",
        res.header("content-type")
    );
}

#[tokio::test]
async fn the_page_signs_in_with_email_and_password() {
    let app = spawn_app().await;
    let platform = app.config.kernel.default_platform.clone();
    let superadmin = app.login_as(Role::Superadmin, &[], &platform).await;

    // the sign-in page: email, password and the request's platform; no token field
    let page = app.get("/admin/queues").await;
    assert_html(&page, 401);
    for field in ["email", "password", "platform", "csrf"] {
        assert!(page.text.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(!page.text.contains("name=\"token\""));
    assert_eq!(input_value(&page.text, "platform"), platform);
    let login_cookie = set_cookie(&page, "mas_admin_login").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(login_cookie.contains(attribute), "{login_cookie}");
    }

    let signed_in = sign_in(&app, &superadmin.email, &superadmin.password).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text);
    assert_eq!(signed_in.header("location").unwrap(), "/admin/queues");
    let session = set_cookie(&signed_in, "mas_admin").expect("the session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age=900"] {
        assert!(session.contains(attribute), "{session}");
    }
    // the spent login-CSRF cookie is removed
    assert_eq!(
        cookie_value(&signed_in, "mas_admin_login").as_deref(),
        Some("")
    );
    let token = cookie_value(&signed_in, "mas_admin").unwrap();
    let overview = app
        .req(Method::GET, "/admin/queues")
        .header("Cookie", &format!("mas_admin={token}"))
        .send()
        .await;
    assert_html(&overview, 200);
    assert!(overview.text.contains("data-queue=\"emailQueue\""));
    assert!(overview.text.contains("Sign out"));
    let queue = app
        .req(Method::GET, "/admin/queues/emailQueue?state=waiting")
        .header("Cookie", &format!("mas_admin={token}"))
        .send()
        .await;
    assert_html(&queue, 200);

    // a holder of the ops capability signs in too
    let ops = app
        .login_as(Role::User, &[Capability::Ops], &platform)
        .await;
    let res = sign_in(&app, &ops.email, &ops.password).await;
    assert_eq!(res.status, 303, "{}", res.text);
    assert!(set_cookie(&res, "mas_admin").is_some());
}

#[tokio::test]
async fn wrong_passwords_and_non_ops_users_get_no_cookie() {
    let app = spawn_app().await;
    let platform = app.config.kernel.default_platform.clone();
    let superadmin = app.login_as(Role::Superadmin, &[], &platform).await;
    let admin = app.login_as(Role::Admin, &[], &platform).await;

    // a wrong password and an unknown email: the same 401 sign-in page, no cookie
    let wrong = sign_in(&app, &superadmin.email, "not-the-password-1").await;
    assert_html(&wrong, 401);
    assert!(set_cookie(&wrong, "mas_admin").is_none());
    assert!(
        wrong.text.contains("the email or password is wrong"),
        "{}",
        wrong.text
    );
    assert!(wrong.text.contains("name=\"password\""));
    let unknown = sign_in(&app, "nobody@test.example", &superadmin.password).await;
    assert_html(&unknown, 401);
    assert!(set_cookie(&unknown, "mas_admin").is_none());
    assert!(unknown.text.contains("the email or password is wrong"));

    // a plain ADMIN with the right password: the dashboard's 403 page, no cookie
    let res = sign_in(&app, &admin.email, &admin.password).await;
    assert_html(&res, 403);
    assert!(set_cookie(&res, "mas_admin").is_none());
    assert!(
        res.text
            .contains("superadmins and holders of the ops capability")
    );
    // and a USER
    let user = app.login_as(Role::User, &[], &platform).await;
    let res = sign_in(&app, &user.email, &user.password).await;
    assert_html(&res, 403);
    assert!(set_cookie(&res, "mas_admin").is_none());

    // a suspended SUPERADMIN: 401, no cookie
    let other_superadmin = app.login_as(Role::Superadmin, &[], &platform).await;
    let res = app
        .req(
            Method::POST,
            &format!("/api/admin/users/{}/suspend", superadmin.user_id),
        )
        .bearer(&other_superadmin.access_token)
        .json(&json!({"reason": "test"}))
        .send()
        .await;
    assert!(res.status < 300, "{}", res.text);
    let res = sign_in(&app, &superadmin.email, &superadmin.password).await;
    assert_html(&res, 401);
    assert!(set_cookie(&res, "mas_admin").is_none());
    assert!(res.text.contains("suspended"), "{}", res.text);
}

#[tokio::test]
async fn the_sign_in_form_refuses_login_csrf_pasted_tokens_and_other_platforms() {
    let app = spawn_app().await;
    let platform = app.config.kernel.default_platform.clone();
    let superadmin = app.login_as(Role::Superadmin, &[], &platform).await;
    let form = sign_in_form(&app).await;
    let creds = [
        ("email", superadmin.email.as_str()),
        ("password", superadmin.password.as_str()),
    ];

    // login CSRF: a cross-site form carries no cookie, or the wrong token for it
    let no_cookie = post_sign_in(&app, None, &[("csrf", &form.csrf), creds[0], creds[1]]).await;
    assert_html(&no_cookie, 403);
    assert!(set_cookie(&no_cookie, "mas_admin").is_none());
    assert!(no_cookie.text.contains("did not come from this dashboard"));
    let forged = post_sign_in(
        &app,
        Some(&form.cookie),
        &[("csrf", "0000"), creds[0], creds[1]],
    )
    .await;
    assert_html(&forged, 403);
    assert!(set_cookie(&forged, "mas_admin").is_none());
    let other_nonce = post_sign_in(
        &app,
        Some(&format!("mas_admin_login={}", "a".repeat(64))),
        &[("csrf", &form.csrf), creds[0], creds[1]],
    )
    .await;
    assert_html(&other_nonce, 403);
    assert!(set_cookie(&other_nonce, "mas_admin").is_none());

    // the pasted-token form is gone: a token is no credential here
    let pasted = post_sign_in(
        &app,
        Some(&form.cookie),
        &[("csrf", &form.csrf), ("token", &superadmin.access_token)],
    )
    .await;
    assert_html(&pasted, 401);
    assert!(set_cookie(&pasted, "mas_admin").is_none());

    // another platform than the request's
    let other = post_sign_in(
        &app,
        Some(&form.cookie),
        &[
            ("csrf", &form.csrf),
            creds[0],
            creds[1],
            ("platform", "mr-hire"),
        ],
    )
    .await;
    assert_html(&other, 401);
    assert!(set_cookie(&other, "mas_admin").is_none());
    assert!(other.text.contains("X-Platform: mr-hire"), "{}", other.text);

    // the same form with its cookie signs in (the platform defaults to the request's)
    let ok = post_sign_in(
        &app,
        Some(&form.cookie),
        &[("csrf", &form.csrf), creds[0], creds[1]],
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    assert!(set_cookie(&ok, "mas_admin").is_some());
}

#[tokio::test]
async fn the_page_sign_in_shares_the_login_rate_limits_and_fails_closed_without_redis() {
    let proxy = testkit::TcpProxy::start("127.0.0.1:6379".parse().unwrap()).await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("REDIS_URL", format!("redis://{}", proxy.host_port()))
            // login_as's own API login is the first attempt on the account
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "3/900"),
    )
    .await;
    let platform = app.config.kernel.default_platform.clone();
    let superadmin = app.login_as(Role::Superadmin, &[], &platform).await;
    let api_guess = app
        .login(&superadmin.email, "not-the-password-1", &platform)
        .await;
    assert_eq!(api_guess.status, 401, "{}", api_guess.text);
    let page_guess = sign_in(&app, &superadmin.email, "not-the-password-2").await;
    assert_html(&page_guess, 401);
    // the fourth attempt on the account, the right password, through the page
    let limited = sign_in(&app, &superadmin.email, &superadmin.password).await;
    limited.assert_problem(429, "too_many_requests");
    assert!(limited.header("retry-after").is_some());
    assert!(set_cookie(&limited, "mas_admin").is_none());

    // without Redis nothing counts the guesses: refused, the right password too
    let other = app.login_as(Role::Superadmin, &[], &platform).await;
    let form = sign_in_form(&app).await;
    proxy.cut();
    let res = post_sign_in(
        &app,
        Some(&form.cookie),
        &[
            ("csrf", &form.csrf),
            ("email", &other.email),
            ("password", &other.password),
        ],
    )
    .await;
    res.assert_problem(503, "rate_limit_unavailable");
    assert!(set_cookie(&res, "mas_admin").is_none());
    proxy.restore();
}

#[tokio::test]
async fn the_page_asks_browsers_to_sign_in_and_refuses_forged_forms() {
    let app = spawn_app().await;
    let page = app.get("/admin/queues").await;
    assert_eq!(page.status, 401);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text.contains("name=\"email\""));
    assert!(page.text.contains("name=\"password\""));

    // a user's token does not open the page
    let res = app
        .req(Method::GET, "/admin/queues")
        .bearer(&app.user_token())
        .send()
        .await;
    assert_eq!(res.status, 403);

    // with a bearer token the page renders; a form posted without the session's CSRF token is refused
    let res = app
        .req(Method::GET, "/admin/queues")
        .bearer(&app.superadmin_token())
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert!(res.text.contains("data-queue=\"emailQueue\""));
    let forged = app
        .req(Method::POST, "/admin/queues/emailQueue/actions")
        .bearer(&app.superadmin_token())
        .body(
            "action=pause&csrf=0000",
            "application/x-www-form-urlencoded",
        )
        .send()
        .await;
    forged.assert_problem(403, "invalid_csrf_token");
    let queue = app.jobs.queue("emailQueue").await.unwrap();
    assert!(!queue.is_paused().await.unwrap());

    // markup in job data is escaped
    let id = app
        .jobs
        .add_raw(
            "emailQueue",
            "send-email",
            json!({"to": "<script>alert(1)</script>"}),
            None,
            0,
        )
        .await
        .unwrap();
    let res = app
        .req(Method::GET, "/admin/queues/emailQueue?state=waiting")
        .bearer(&app.superadmin_token())
        .send()
        .await;
    assert!(
        res.text.contains(&format!("data-job=\"{id}\"")),
        "{}",
        res.text
    );
    assert!(!res.text.contains("<script>alert(1)"));
    assert!(res.text.contains("&lt;script&gt;alert(1)"));
}

#[tokio::test]
async fn a_failed_job_is_retried_from_the_page_in_headless_chromium() {
    let app = spawn_app().await;
    let superadmin = app
        .login_as(Role::Superadmin, &[], &app.config.kernel.default_platform)
        .await;
    let id = failed_job(&app, 77).await;

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "npm packages missing: run `npm ci --prefix crates/jobs/tests/node` (scripts/test.sh does)"
    );
    // async: the app's database pool lives on this test's runtime, which must keep running
    let out = tokio::process::Command::new("node")
        .arg(dir.join("dashboard.mjs"))
        .arg(&app.address)
        .arg(&superadmin.email)
        .arg(&superadmin.password)
        .arg("notificationQueue")
        .arg(&id)
        .args(std::env::var("DASHBOARD_SCREENSHOTS").ok())
        .current_dir(&dir)
        .output()
        .await
        .expect("running node");
    assert!(
        out.status.success(),
        "dashboard.mjs failed (is Debian's chromium installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["signInStatus"], 401, "{seen}");
    assert_eq!(seen["signInFormVisible"], true);
    assert_eq!(
        seen["platformPrefilled"],
        app.config.kernel.default_platform.as_str()
    );
    assert_eq!(seen["wrongPasswordStatus"], 401, "{seen}");
    assert!(
        seen["wrongPasswordError"]
            .as_str()
            .unwrap()
            .contains("the email or password is wrong"),
        "{seen}"
    );
    assert_eq!(seen["overviewUrl"], "/admin/queues");
    assert_eq!(
        seen["queues"].as_array().unwrap().len(),
        jobs::queues::QUEUES.len(),
        "{seen}"
    );
    assert_eq!(seen["failedCell"], "1");
    assert_eq!(seen["failedJobs"], json!([id]));
    assert!(
        seen["errorShown"]
            .as_str()
            .unwrap()
            .contains("ping 77 is malformed")
    );
    assert!(seen["dataShown"].as_str().unwrap().contains("77"));
    assert_eq!(seen["flash"], format!("Job {id} moved back to waiting."));
    assert_eq!(seen["failedJobsAfter"], json!([]));

    let queue = app.jobs.queue("notificationQueue").await.unwrap();
    assert_eq!(queue.get_job_state(&id).await.unwrap().as_str(), "wait");
}
