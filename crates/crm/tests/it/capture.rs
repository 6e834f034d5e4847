//! The public capture form: same dedupe as vendors, UTM kept, honeypot, rate limit per IP,
//! the registrations' form names (`event-…`, `league-…`) refused.

use reqwest::Method;
use serde_json::json;
use testkit::{TestOptions, spawn_app_with};

use crate::common::{self, count};

fn form(n: u32) -> serde_json::Value {
    json!({
        "full_name": format!("Visitor {n}"),
        "phone": common::phone(n),
        "email": format!("Visitor{n}@Gmail.com"),
        "form": "course-interest",
        "utm": {"utm_source": "instagram", "utm_campaign": "diwali"},
    })
}

#[tokio::test]
async fn captured_leads_are_deduplicated_keep_utm_and_honeypots_are_discarded() {
    let app = spawn_app_with(TestOptions::default().env("LEAD_CAPTURE_RATE_LIMIT", "50/60")).await;
    let admin = app.admin_token();

    let res = app
        .req(Method::POST, "/api/leads/capture")
        .json(&form(1))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json(), json!({"received": true}));
    // the same Gmail mailbox with dots and a tag, another phone: the same lead
    let mut again = form(1);
    again["phone"] = json!("9722222222");
    again["email"] = json!("visitor.1+spring@googlemail.com");
    again["form"] = json!("ai-for-everyone");
    let res = app
        .req(Method::POST, "/api/leads/capture")
        .json(&again)
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(
        res.json(),
        json!({"received": true}),
        "a repeat looks like a new lead"
    );

    // a bot fills the hidden field: answered alike, stored nowhere
    let mut bot = form(2);
    bot["website"] = json!("http://spam.example");
    let res = app
        .req(Method::POST, "/api/leads/capture")
        .json(&bot)
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json(), json!({"received": true}));

    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 1);
    let list = app
        .call(Method::GET, "/api/sales/leads", &admin, None)
        .await;
    let lead = list.json()["items"][0].clone();
    assert_eq!(lead["source"], json!("form:course-interest"));
    assert_eq!(lead["form"], json!("course-interest"));
    assert_eq!(lead["campaign"], json!("diwali"));
    assert_eq!(lead["utm"]["utm_source"], json!("instagram"));
    // the first address as given (its domain lower-cased): where mail goes
    assert_eq!(lead["email"], json!("Visitor1@gmail.com"));
    let detail = common::detail(&app, &admin, lead["id"].as_str().unwrap())
        .await
        .json();
    assert_eq!(detail["activities"][1]["kind"], json!("re_inquiry"));
    assert_eq!(
        detail["activities"][1]["source"],
        json!("form:ai-for-everyone")
    );

    let bad = app
        .req(Method::POST, "/api/leads/capture")
        .json(&json!({"full_name": "X", "phone": "9810000001", "form": "Not A Form"}))
        .send()
        .await;
    let problem = bad.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("form"));

    // the longest form name still fits the lead's source (`form:` + 75 = 80); one more is 422,
    // not the 500 of a check constraint (Schemathesis found it)
    let mut longest = form(3);
    longest["form"] = json!("a".repeat(75));
    let res = app
        .req(Method::POST, "/api/leads/capture")
        .json(&longest)
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 2);
    longest["form"] = json!("a".repeat(76));
    let problem = app
        .req(Method::POST, "/api/leads/capture")
        .json(&longest)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("form"));
}

#[tokio::test]
async fn the_capture_form_is_rate_limited_per_ip() {
    let app = spawn_app_with(TestOptions::default().env("LEAD_CAPTURE_RATE_LIMIT", "3/60")).await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let res = app
            .req(Method::POST, "/api/leads/capture")
            .json(&form(100 + n))
            .send()
            .await;
        statuses.push(res.status);
        if res.status == 429 {
            assert!(res.header("retry-after").is_some());
        }
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 3);
}

#[tokio::test]
async fn reserved_form_names_are_422() {
    let app = spawn_app_with(TestOptions::default().env("LEAD_CAPTURE_RATE_LIMIT", "50/60")).await;
    // `event-<slug>` and `league-<slug>` name the checked registrations (capacity, closing
    // time) and the workflows filtered on them: the open capture form cannot use them
    for (n, name) in [(1, "event-bootcamp"), (2, "league-spring-cup")] {
        let mut body = form(n);
        body["form"] = json!(name);
        let problem = app
            .req(Method::POST, "/api/leads/capture")
            .json(&body)
            .send()
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], json!("form"), "{name}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 0);
    // only the prefixes are reserved
    let mut body = form(3);
    body["form"] = json!("events-week");
    let res = app
        .req(Method::POST, "/api/leads/capture")
        .json(&body)
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 1);
}
