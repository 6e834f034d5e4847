//! PAP / MOU agreements through Leegality (a wiremock Leegality, ADR 0067): generated from a
//! template and stored, sent for e-sign, the signed webhook (forged refused, a duplicate
//! ignored, the signed PDF stored), a stuck agreement recovered from Leegality's status, the
//! signer's link shown to its sender only and only while unsigned.

use base64::Engine as _;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use crate::common::{self, count, push};

const SECRET: &str = "leegality-hook-secret";
const SIGNED: &str = "%PDF-1.7 signed through leegality";

struct Desk {
    leegality: MockServer,
    app: TestApp,
    admin: String,
    agent_id: Uuid,
    agent: String,
    lead: String,
}

async fn desk() -> Desk {
    let leegality = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3.0/sign/request"))
        .and(header("X-Auth-Token", "lg-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": 1, "messages": [],
            "data": {"documentId": "DOC-1", "invitees": [{"signUrl": "https://sign.example/abc"}]}
        })))
        .expect(1)
        .mount(&leegality)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3.0/document/download"))
        .and(query_param("documentId", "DOC-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": 1,
            "data": {"files": [base64::engine::general_purpose::STANDARD.encode(SIGNED)]}
        })))
        .expect(1)
        .mount(&leegality)
        .await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("LEEGALITY_BASE_URL", leegality.uri())
            .env("LEEGALITY_AUTH_TOKEN", "lg-token")
            .env("LEEGALITY_WEBHOOK_SECRET", SECRET),
    )
    .await;
    let admin = app.admin_token();
    let (agent_id, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let res = push(&app, &key, &common::person(7)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let lead = res.json()["id"].as_str().unwrap().to_owned();
    Desk {
        leegality,
        app,
        admin,
        agent_id,
        agent,
        lead,
    }
}

async fn generate_and_send(d: &Desk, body: Value) -> String {
    let res = d
        .app
        .call(Method::POST, "/api/sales/agreements", &d.agent, Some(body))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["status"], json!("generated"));
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let pdf = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}/pdf"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.text.starts_with("%PDF-"), "the generated PDF is stored");
    let res = d
        .app
        .call(
            Method::POST,
            &format!("/api/sales/agreements/{id}/send"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], json!("sent"));
    assert_eq!(res.json()["document_id"], json!("DOC-1"));
    assert_eq!(res.json()["signing_url"], json!("https://sign.example/abc"));
    id
}

async fn deliver(app: &TestApp, body: &Value, secret: &str) -> TestResponse {
    let raw = body.to_string();
    app.req(Method::POST, "/api/webhooks/leegality")
        .header(
            "X-Leegality-Signature",
            &testkit::razorpay::signature(secret, &raw),
        )
        .body(raw, "application/json")
        .send()
        .await
}

#[tokio::test]
async fn the_signed_webhook_stores_the_signed_pdf_a_forged_one_is_refused_and_a_repeat_ignored() {
    let d = desk().await;
    let id = generate_and_send(
        &d,
        json!({"lead_id": d.lead, "kind": "mou", "course": "Data Science", "fee_paise": 5_000_000}),
    )
    .await;
    // sent once: a second send is refused before Leegality is called again
    let again = d
        .app
        .call(
            Method::POST,
            &format!("/api/sales/agreements/{id}/send"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.json()["code"], json!("agreement_wrong_status"));

    let event = json!({"documentId": "DOC-1", "status": "COMPLETED"});
    let forged = deliver(&d.app, &event, "not-the-secret").await;
    assert_eq!(forged.status, 401, "{}", forged.text);
    assert_eq!(forged.json()["code"], json!("invalid_webhook_signature"));
    assert!(
        forged
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/problem+json"))
    );
    let unsigned = d
        .app
        .req(Method::POST, "/api/webhooks/leegality")
        .body(event.to_string(), "application/json")
        .send()
        .await;
    assert_eq!(unsigned.status, 401, "{}", unsigned.text);
    let agreement = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(
        agreement.json()["status"],
        json!("sent"),
        "a forged webhook changes nothing"
    );

    let res = deliver(&d.app, &event, SECRET).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], json!("signed"));
    let repeat = deliver(&d.app, &event, SECRET).await;
    assert_eq!(repeat.status, 200, "{}", repeat.text);
    assert_eq!(repeat.json()["status"], json!("duplicate"));

    let agreement = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}"),
            &d.agent,
            None,
        )
        .await
        .json();
    assert_eq!(agreement["status"], json!("signed"));
    assert_eq!(agreement["signed_pdf_stored"], json!(true));
    let pdf = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}/pdf"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(
        pdf.text, SIGNED,
        "the signed PDF from Leegality is what storage serves"
    );
    let detail = common::detail(&d.app, &d.agent, &d.lead).await.json();
    let actions: Vec<&str> = detail["activities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "agreement")
        .map(|a| a["data"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["generated", "sent", "signed"]);
    assert_eq!(
        count(&d.app, "SELECT count(*) FROM leegality_webhook_events").await,
        1
    );
    d.leegality.verify().await;
}

#[tokio::test]
async fn a_stuck_agreement_is_recovered_from_leegalitys_status() {
    let d = desk().await;
    Mock::given(method("GET"))
        .and(path("/api/v3.1/document/details"))
        .and(query_param("documentId", "DOC-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": 1, "data": {"documentId": "DOC-1", "status": "COMPLETED"}
        })))
        .expect(1)
        .mount(&d.leegality)
        .await;
    let res = d
        .app
        .call(
            Method::POST,
            "/api/sales/agreements",
            &d.agent,
            Some(json!({"lead_id": d.lead, "kind": "pap", "course": "Data Science", "fee_paise": 5_000_000})),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text);
    assert!(res.text.contains("placement_fee_percent"), "{}", res.text);
    let id = generate_and_send(
        &d,
        json!({"lead_id": d.lead, "kind": "pap", "course": "Data Science", "fee_paise": 5_000_000,
               "placement_fee_percent": 12, "min_ctc_paise": 30_000_000}),
    )
    .await;

    // sent just now: not stuck yet, Leegality is not asked
    let res = d
        .app
        .call(
            Method::POST,
            "/api/admin/crm/agreements/recover",
            &d.admin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["checked"], json!(0));
    let res = d
        .app
        .call(
            Method::POST,
            "/api/admin/crm/agreements/recover",
            &d.agent,
            None,
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text);

    // no webhook for 25 hours (the default threshold is 24)
    d.app
        .db
        .execute_unprepared(&format!(
            "UPDATE lead_agreements SET sent_at = now() - interval '25 hours' WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    let res = d
        .app
        .call(
            Method::POST,
            "/api/admin/crm/agreements/recover",
            &d.admin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.json(),
        json!({"checked": 1, "signed": 1, "closed": 0, "pending": 0, "failed": 0})
    );
    let agreement = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}"),
            &d.agent,
            None,
        )
        .await
        .json();
    assert_eq!(agreement["status"], json!("signed"));
    assert!(agreement["recovered_at"].is_string());
    let pdf = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}/pdf"),
            &d.agent,
            None,
        )
        .await;
    assert_eq!(pdf.text, SIGNED);
    // a late webhook for the settled agreement changes nothing
    let late = deliver(
        &d.app,
        &json!({"documentId": "DOC-1", "status": "COMPLETED"}),
        SECRET,
    )
    .await;
    assert_eq!(late.json()["status"], json!("already_settled"));
    assert_eq!(
        count(
            &d.app,
            "SELECT count(*) FROM audit_log WHERE action = 'lead_agreements.recovered'"
        )
        .await,
        2
    );
    d.leegality.verify().await;
}

/// The signing URL of agreement `id` as `token` sees it, in the lead's list and alone.
async fn signing_urls(d: &Desk, token: &str, id: &str) -> (Value, Value) {
    let list = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements?lead_id={}", d.lead),
            token,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let listed = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!(id))
        .expect("the agreement is listed")["signing_url"]
        .clone();
    let one = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}"),
            token,
            None,
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    (listed, one.json()["signing_url"].clone())
}

#[tokio::test]
async fn the_signing_url_is_shown_only_to_its_sender_while_unsigned() {
    let d = desk().await;
    // a sales head of the agent's team, a teammate, a CM (who all work the desk)
    let (head_id, head) = d
        .app
        .user(Role::Sales, &[Capability::SalesHead], "mr-mentor");
    let (mate_id, mate) = common::agent(&d.app, &d.admin, &[], 100, 1, false).await;
    let cm = d.app.token(Role::User, &[Capability::Cm], "mr-mentor");
    let res = d
        .app
        .call(
            Method::POST,
            "/api/admin/crm/teams",
            &d.admin,
            Some(json!({"name": "north", "head_id": head_id})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let team = res.json()["id"].as_str().unwrap().to_owned();
    for member in [d.agent_id, mate_id] {
        let res = d
            .app
            .call(
                Method::POST,
                &format!("/api/admin/crm/teams/{team}/members"),
                &d.admin,
                Some(json!({"user_id": member})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }

    let id = generate_and_send(
        &d,
        json!({"lead_id": d.lead, "kind": "mou", "course": "Data Science", "fee_paise": 5_000_000}),
    )
    .await;
    let link = json!("https://sign.example/abc");
    assert_eq!(
        signing_urls(&d, &d.agent, &id).await,
        (link.clone(), link),
        "the sender keeps the link while it waits for the signature"
    );
    for (who, token) in [
        ("the sales head", &head),
        ("a CM", &cm),
        ("an admin", &d.admin),
    ] {
        let (listed, one) = signing_urls(&d, token, &id).await;
        assert_eq!(
            (listed, one),
            (Value::Null, Value::Null),
            "{who} sees no link"
        );
    }
    // a teammate does not see the lead at all
    let res = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements?lead_id={}", d.lead),
            &mate,
            None,
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text);
    let res = d
        .app
        .call(
            Method::GET,
            &format!("/api/sales/agreements/{id}"),
            &mate,
            None,
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text);

    // signed: the link is spent, nobody gets it any more
    let res = deliver(
        &d.app,
        &json!({"documentId": "DOC-1", "status": "COMPLETED"}),
        SECRET,
    )
    .await;
    assert_eq!(res.json()["status"], json!("signed"), "{}", res.text);
    for token in [&d.agent, &head, &cm, &d.admin] {
        assert_eq!(
            signing_urls(&d, token, &id).await,
            (Value::Null, Value::Null)
        );
    }
    d.leegality.verify().await;
}

/// An agreement is no way around the discount approvals: for a course the platform prices
/// (Rs 60,000), the fee is at least the price less the discount approved for the lead on it
/// (422 naming `fee_paise`, nothing stored, before and after a 10 % discount is approved), and
/// the lead's discount does not carry over to another course.
#[tokio::test]
async fn the_fee_of_a_priced_course_is_its_price_less_the_approved_discount() {
    let app = spawn_app_with(TestOptions::default()).await;
    let admin = app.admin_token();
    let (_, agent) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let lead = push(&app, &key, &common::person(9)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO courses (id, platform_id, slug, title, price_paise) \
             SELECT gen_random_uuid(), id, 'data-science', 'Data Science', 6000000 FROM platforms WHERE slug = 'mr-mentor'; \
             INSERT INTO courses (id, platform_id, slug, title, price_paise) \
             SELECT gen_random_uuid(), id, 'ml-basics', 'ML Basics', 3000000 FROM platforms WHERE slug = 'mr-mentor'; \
             UPDATE leads SET course = 'Data Science' WHERE id = '{lead}'"
        ))
        .await
        .unwrap();
    let generate = |body: Value| {
        let (app, agent) = (&app, agent.clone());
        async move {
            app.call(Method::POST, "/api/sales/agreements", &agent, Some(body))
                .await
        }
    };
    for kind in ["mou", "pap"] {
        let below = generate(
            json!({"lead_id": lead, "kind": kind, "fee_paise": 5_400_000,
            "placement_fee_percent": 10}),
        )
        .await
        .assert_problem(422, "validation_failed");
        assert_eq!(below["errors"][0]["field"], json!("fee_paise"), "{below}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM lead_agreements").await, 0);

    // 10 % is within SALES' limit: approved at once, Rs 6,000 off
    let res = app
        .call(
            Method::POST,
            "/api/sales/discounts",
            &agent,
            Some(json!({"lead_id": lead, "kind": "percent", "value": 10})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["status"], json!("approved"));
    let res = generate(json!({"lead_id": lead, "kind": "mou", "fee_paise": 5_400_000})).await;
    assert_eq!(res.status, 201, "{}", res.text);
    generate(json!({"lead_id": lead, "kind": "mou", "fee_paise": 5_399_999}))
        .await
        .assert_problem(422, "validation_failed");
    // another priced course: its full price, the lead's discount was not approved on it
    generate(
        json!({"lead_id": lead, "kind": "mou", "course": "ML Basics", "fee_paise": 2_700_000}),
    )
    .await
    .assert_problem(422, "validation_failed");
    // a course the platform does not price is the sender's word
    let res = generate(
        json!({"lead_id": lead, "kind": "mou", "course": "Weekend Workshop", "fee_paise": 100}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(count(&app, "SELECT count(*) FROM lead_agreements").await, 2);
}
