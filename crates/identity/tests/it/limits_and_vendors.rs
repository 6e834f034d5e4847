//! Redis-backed rate limits (per account and per IP, 429 with `Retry-After`), vendor API
//! keys (created once, used, listed, revoked, platform-scoped) and the boot seeders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{PASSWORD, get_as, post, signup};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::{TestOptions, spawn_app, spawn_app_with};

const MENTOR: &str = "mr-mentor";

#[tokio::test]
async fn logins_are_limited_per_account_and_per_ip() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "3/60")
            .env("RATE_LIMIT_LOGIN_IP", "6/60")
            // the test client (127.0.0.1) stands for the load balancer: its X-Forwarded-For counts
            .env("TRUSTED_PROXIES", "127.0.0.1"),
    )
    .await;
    signup(&app, MENTOR, "asha@example.com").await;
    let login = |email: &'static str, password: &'static str, ip: &'static str| {
        app.req(Method::POST, "/api/auth/login")
            .header("X-Forwarded-For", ip)
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        login("asha@example.com", "Wrong-Pass-1", "10.0.0.1")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // the account is now limited, whatever the IP and even with the right password
    let limited = login("asha@example.com", PASSWORD, "10.0.0.2").await;
    limited.assert_problem(429, "too_many_requests");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");

    // per IP: 10.0.0.3 tries six different accounts, the seventh try is refused
    let emails = ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"];
    for email in emails {
        login(email, "Wrong-Pass-1", "10.0.0.3")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    login("g@x.io", "Wrong-Pass-1", "10.0.0.3")
        .await
        .assert_problem(429, "too_many_requests");
    // other clients are unaffected
    login("g@x.io", "Wrong-Pass-1", "10.0.0.4")
        .await
        .assert_problem(401, "invalid_credentials");

    // the counters live in Redis under the app's prefix (shared by every replica)
    let mut conn = app.ctx.redis.get().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(app.ctx.redis_key("ratelimit:login:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(keys.iter().any(|k| k.contains(":ip:10.0.0.3")), "{keys:?}");
    assert!(
        keys.iter().all(|k| !k.contains("asha")),
        "no email in clear: {keys:?}"
    );

    let metrics = app.get("/metrics").await.text;
    assert!(
        metrics.contains(r#"mas_auth_events_total{event="rate_limited"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"mas_auth_events_total{event="login_failed"} 10"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn otp_and_reset_requests_are_limited() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("RATE_LIMIT_RESET_ACCOUNT", "2/60")
            .env("RATE_LIMIT_OTP_VERIFY_ACCOUNT", "2/60"),
    )
    .await;
    for _ in 0..2 {
        let res = post(
            &app,
            "/api/auth/password/forgot",
            MENTOR,
            json!({"email": "x@example.com"}),
        )
        .await;
        assert_eq!(res.status, 202);
    }
    let res = post(
        &app,
        "/api/auth/password/forgot",
        MENTOR,
        json!({"email": "X@example.com"}),
    )
    .await;
    res.assert_problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
    for _ in 0..2 {
        post(
            &app,
            "/api/auth/otp/verify",
            MENTOR,
            json!({"email": "x@example.com", "code": "123456"}),
        )
        .await
        .assert_problem(401, "invalid_otp");
    }
    post(
        &app,
        "/api/auth/otp/verify",
        MENTOR,
        json!({"email": "x@example.com", "code": "123456"}),
    )
    .await
    .assert_problem(429, "too_many_requests");
}

#[tokio::test]
async fn vendor_keys_are_shown_once_scoped_to_a_platform_and_revocable() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin, &[], MENTOR).await;
    let t = &admin.access_token;
    let created = app
        .req(Method::POST, "/api/admin/vendors")
        .bearer(t)
        .json(&json!({"name": "LeadGen Co"}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let created = created.json();
    let key = created["api_key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "LeadGen Co");
    assert!(key.starts_with(&format!("mas_{}_", created["key_prefix"].as_str().unwrap())));

    let me = app
        .req(Method::GET, "/api/v1/vendor/me")
        .header("X-API-Key", &key)
        .send()
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        me.json(),
        json!({"vendor_id": id, "name": "LeadGen Co", "platform": MENTOR})
    );
    // a key of mr-mentor sent to mr-hire is refused
    app.req(Method::GET, "/api/v1/vendor/me")
        .header("X-API-Key", &key)
        .platform("mr-hire")
        .send()
        .await
        .assert_problem(403, "wrong_platform");
    // missing, malformed, tampered keys
    app.get("/api/v1/vendor/me")
        .await
        .assert_problem(401, "unauthorized");
    // the last secret character changed (to another hex digit than the one it was)
    let last = if key.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &key[..key.len() - 1]);
    assert_ne!(tampered, key);
    for bad in ["nope", "mas_abcdefgh_short", &tampered] {
        app.req(Method::GET, "/api/v1/vendor/me")
            .header("X-API-Key", bad)
            .send()
            .await
            .assert_problem(401, "unauthorized");
    }

    let list = get_as(&app, "/api/admin/vendors", MENTOR, t).await.json();
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert!(list["items"][0].get("api_key").is_none());
    assert!(
        !list.to_string().contains(&key[12..]),
        "the secret is never listed"
    );
    assert!(list["items"][0]["last_used_at"].is_string());

    // another platform's admin can neither see nor revoke it
    let hire = app.token(Role::Admin, &[], "mr-hire");
    let other = get_as(&app, "/api/admin/vendors", "mr-hire", &hire)
        .await
        .json();
    assert_eq!(other["items"], json!([]));
    app.req(Method::POST, &format!("/api/admin/vendors/{id}/revoke"))
        .platform("mr-hire")
        .bearer(&hire)
        .send()
        .await
        .assert_problem(404, "not_found");

    let revoked = app
        .req(Method::POST, &format!("/api/admin/vendors/{id}/revoke"))
        .bearer(t)
        .send()
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert!(revoked.json()["revoked_at"].is_string());
    app.req(Method::GET, "/api/v1/vendor/me")
        .header("X-API-Key", &key)
        .send()
        .await
        .assert_problem(401, "unauthorized");

    let log = get_as(
        &app,
        &format!("/api/admin/audit-log?target_id={id}"),
        MENTOR,
        t,
    )
    .await
    .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["vendor.revoked", "vendor.created"]);
    // a USER cannot create keys
    app.req(Method::POST, "/api/admin/vendors")
        .bearer(&app.user_token())
        .json(&json!({"name": "x"}))
        .send()
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn the_first_superadmin_and_sales_users_are_seeded_idempotently() {
    let app = spawn_app().await;
    let mut auth = app.config.identity.auth.clone();
    auth.admin_email = Some("root@example.com".into());
    auth.admin_password = Some("Granite-Falcon-51".into());
    auth.seed_sales_users = serde_json::from_value(json!([
        {"email": "Head@Example.com", "full_name": "Sales Head", "password": "Amber-Comet-62", "capabilities": ["sales_head"]},
        {"email": "agent@example.com", "full_name": "Agent", "platform": "mr-hire"}
    ]))
    .unwrap();
    for _ in 0..2 {
        identity::seed::run(&app.db, &auth, &app.config.kernel.default_platform)
            .await
            .unwrap();
    }
    let root = app
        .login("root@example.com", "Granite-Falcon-51", MENTOR)
        .await;
    assert_eq!(root.status, 200, "{}", root.text);
    let token = root.json()["access_token"].as_str().unwrap().to_owned();
    let me = get_as(&app, "/api/auth/me", MENTOR, &token).await.json();
    assert_eq!(me["role"], "SUPERADMIN");

    let head = app
        .login("head@example.com", "Amber-Comet-62", MENTOR)
        .await
        .json();
    assert_eq!(head["user"]["role"], "SALES");
    assert_eq!(head["user"]["capabilities"], json!(["sales_head"]));

    let sales = get_as(
        &app,
        "/api/admin/users?role=SALES",
        "mr-hire",
        &app.token(Role::Admin, &[], "mr-hire"),
    )
    .await
    .json();
    assert_eq!(sales["items"][0]["email"], "agent@example.com");
    assert_eq!(sales["items"][0]["has_password"], false);

    // a re-run does not overwrite what changed since
    let mut changed = auth.clone();
    changed.admin_password = Some("Other-Password-99".into());
    identity::seed::run(&app.db, &changed, &app.config.kernel.default_platform)
        .await
        .unwrap();
    assert_eq!(
        app.login("root@example.com", "Granite-Falcon-51", MENTOR)
            .await
            .status,
        200
    );
    let seeded = get_as(
        &app,
        "/api/admin/audit-log?action=user.seeded",
        MENTOR,
        &token,
    )
    .await
    .json();
    assert_eq!(seeded["items"].as_array().unwrap().len(), 2, "{seeded}");
    let _ = PASSWORD;
}
