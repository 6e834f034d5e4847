//! Vendor ingestion: dedupe on E.164 phone and canonical email, the re-inquiry on the
//! timeline and in the vendor's ledger, validation, platform scoping, what leaves the
//! process (ids only).

use reqwest::Method;
use serde_json::json;
use testkit::{TestOptions, spawn_app, spawn_app_with};

use crate::common::{self, count, push};

#[tokio::test]
async fn a_new_lead_is_201_and_the_same_person_again_is_200_with_the_first_id() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "adda").await;
    let other = common::vendor_key(&app, &admin, "shiksha").await;

    let first = push(&app, &key, &common::person(1)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["duplicate"], json!(false));
    let id = first.json()["id"].as_str().unwrap().to_owned();

    // the same phone in another spelling, from another vendor
    let again = push(
        &app,
        &other,
        &json!({"full_name": "P. One", "phone": "+91 98100-00001", "source": "google"}),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json(), json!({"id": id, "duplicate": true}));

    // another phone, the same mailbox written with plus-addressing and capitals
    let by_mail = push(
        &app,
        &other,
        &json!({"full_name": "Person 1", "phone": "9711111111", "email": " Person1+promo@Example.COM"}),
    )
    .await;
    assert_eq!(by_mail.status, 200, "{}", by_mail.text);
    assert_eq!(by_mail.json()["id"], json!(id));

    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 1);
    let lead = common::detail(&app, &admin, &id).await;
    assert_eq!(lead.status, 200, "{}", lead.text);
    let lead = lead.json();
    assert_eq!(lead["lead"]["phone"], json!("+919810000001"));
    assert_eq!(lead["lead"]["email"], json!("person1@example.com"));
    assert_eq!(lead["lead"]["reinquiries"], json!(2));
    let kinds: Vec<&str> = lead["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "re_inquiry", "re_inquiry"], "{lead}");
    assert_eq!(lead["activities"][1]["source"], json!("google"));
    assert_eq!(lead["activities"][1]["data"]["matched_on"], json!("phone"));
    assert_eq!(lead["activities"][2]["data"]["matched_on"], json!("email"));
    assert_eq!(lead["stage_history"][0]["stage"], json!("new"));

    let ledger = app
        .call(Method::GET, "/api/admin/crm/vendor-quality", &admin, None)
        .await;
    assert_eq!(ledger.status, 200, "{}", ledger.text);
    let mut rows: Vec<(i64, i64)> = ledger
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["leads_created"].as_i64().unwrap(),
                r["duplicates"].as_i64().unwrap(),
            )
        })
        .collect();
    rows.sort_unstable();
    assert_eq!(rows, [(0, 2), (1, 0)]);
}

#[tokio::test]
async fn bad_keys_phones_and_emails_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "adda").await;

    let no_key = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .json(&common::person(1))
        .send()
        .await;
    no_key.assert_problem(401, "unauthorized");
    let forged = push(&app, "mas_nope_nope", &common::person(1)).await;
    forged.assert_problem(401, "unauthorized");

    for (body, field) in [
        (json!({"full_name": "A", "phone": "12345"}), "phone"),
        (json!({"full_name": "A", "phone": "not a phone"}), "phone"),
        (
            json!({"full_name": "A", "phone": "9810000001", "email": "nope"}),
            "email",
        ),
        (json!({"full_name": "", "phone": "9810000001"}), "full_name"),
        (
            json!({"full_name": "A\u{0}B", "phone": "9810000001"}),
            "full_name",
        ),
        (
            json!({"full_name": "A", "phone": "9810000001", "campaign": "x\u{0}y"}),
            "campaign",
        ),
        (
            json!({"full_name": "A", "phone": "9810000001", "extra": {"k": "x\u{0}y"}}),
            "extra",
        ),
        (
            json!({"full_name": "A", "phone": "9810000001", "extra": "text"}),
            "extra",
        ),
    ] {
        let res = push(&app, &key, &body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(
            problem["errors"][0]["field"],
            json!(field),
            "{body}: {problem}"
        );
    }
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 0);
}

#[tokio::test]
async fn a_vendor_key_of_one_platform_cannot_create_leads_on_another() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "adda").await;

    let res = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", &key)
        .platform("my-analytics-school")
        .json(&common::person(7))
        .send()
        .await;
    res.assert_problem(403, "wrong_platform");
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 0);

    // without the header the lead lands on the key's platform, whatever else is asked
    let res = push(&app, &key, &common::person(7)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM leads l JOIN platforms p ON p.id = l.platform_id \
             WHERE p.slug = 'mr-mentor'"
        )
        .await,
        1
    );

    // the same person on another platform is another platform's lead, and its admin does not
    // see the first platform's
    let mas_admin = app.token(kernel::auth::Role::Admin, &[], "my-analytics-school");
    let mas_key =
        common::vendor_key_on(&app, &mas_admin, "mas-vendor", "my-analytics-school").await;
    let res = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", &mas_key)
        .platform("my-analytics-school")
        .json(&common::person(7))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let listed = app
        .req(Method::GET, "/api/sales/leads")
        .bearer(&mas_admin)
        .platform("my-analytics-school")
        .send()
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], res.json()["id"]);
}

#[tokio::test]
async fn events_and_logs_carry_ids_never_phones_or_emails() {
    let logs = testkit::logs::capture();
    let app = spawn_app_with(TestOptions::default().env("RUST_LOG", "debug")).await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "adda").await;
    let body = json!({
        "full_name": "Secret Person", "phone": "+91 98765 01234",
        "email": "secret.person@example.org", "extra": {"city": "Pune"}
    });
    let res = push(&app, &key, &body).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let again = push(&app, &key, &body).await;
    assert_eq!(again.status, 200, "{}", again.text);

    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT job_name, payload::text AS payload FROM outbox".to_owned(),
        ))
        .await
        .unwrap();
    let payloads: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "job_name").unwrap(),
                r.try_get::<String>("", "payload").unwrap(),
            )
        })
        .collect();
    assert!(
        payloads
            .iter()
            .any(|(name, p)| name == "lead.created" && p.contains(&id)),
        "{payloads:?}"
    );
    for (_, p) in &payloads {
        for secret in ["9876501234", "secret.person", "Secret Person", "Pune"] {
            assert!(!p.contains(secret), "{secret} in a payload: {p}");
        }
    }
    if let Some(logs) = logs {
        let text = logs.text();
        assert!(text.contains(&id), "the lead id is logged");
        for secret in ["9876501234", "secret.person", "Secret Person"] {
            assert!(!text.contains(secret), "{secret} in the logs");
        }
    }
}
