//! WhatsApp: sending through the queue against a fake Cloud API (wiremock), the webhook's
//! verification handshake and signature, idempotent statuses and inbound messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use comms::{
    WhatsAppClient, WhatsAppJob,
    entities::{whatsapp_messages as messages, whatsapp_status_events as events},
    secure::hub_signature,
    whatsapp,
};
use jobs::{JobContext, JobError};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{bearer_token, body_partial_json, method, path},
};

const SECRET: &str = "app-secret-123";

async fn app_with_whatsapp(api: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("WHATSAPP_API_BASE", api.uri())
            .env("WHATSAPP_ACCESS_TOKEN", "wa-token")
            .env("WHATSAPP_PHONE_NUMBER_ID", "1055")
            .env("WHATSAPP_VERIFY_TOKEN", "verify-me")
            .env("WHATSAPP_APP_SECRET", SECRET),
    )
    .await
}

async fn signed_post(app: &TestApp, body: &Value) -> testkit::TestResponse {
    let raw = body.to_string();
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .header(
            "X-Hub-Signature-256",
            &hub_signature(SECRET.as_bytes(), raw.as_bytes()),
        )
        .body(raw, "application/json")
        .send()
        .await
}

fn statuses(items: &[(&str, &str)]) -> Value {
    let statuses: Vec<Value> = items
        .iter()
        .map(|(id, status)| {
            json!({"id": id, "status": status, "timestamp": "1764000000", "recipient_id": "919876543210"})
        })
        .collect();
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"statuses": statuses}}]}]})
}

async fn message_row(app: &TestApp, id: Uuid) -> messages::Model {
    messages::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_queued_message_is_sent_and_follows_its_statuses() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/1055/messages"))
        .and(bearer_token("wa-token"))
        .and(body_partial_json(json!({
            "messaging_product": "whatsapp",
            "to": "919876543210",
            "type": "text",
            "text": {"body": "Your demo is at 5 PM"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": "919876543210", "wa_id": "919876543210"}],
            "messages": [{"id": "wamid.ABC"}]
        })))
        .expect(1)
        .mount(&api)
        .await;
    let app = app_with_whatsapp(&api).await;
    let bg = common::consume(&app).await;

    let res = app
        .req(Method::POST, "/api/whatsapp/messages")
        .bearer(&common::sales_token(&app, "mr-mentor"))
        // written without a country code: India's, so WhatsApp gets 91 (not Iran's +98)
        .json(&json!({"to": "98765 43210", "text": "Your demo is at 5 PM"}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let id: Uuid = res.json()["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(res.json()["status"], "queued");

    let sent = common::eventually(10, || {
        let db = app.db.clone();
        async move {
            let row = messages::Entity::find_by_id(id).one(&db).await.unwrap()?;
            (row.status == "sent").then_some(row)
        }
    })
    .await
    .expect("the message was not sent");
    assert_eq!(sent.wa_message_id.as_deref(), Some("wamid.ABC"));
    assert_eq!(sent.peer, "919876543210");
    assert_eq!(sent.direction, "outbound");

    // statuses arrive (twice: webhooks are redelivered), in order and out of order
    let body = statuses(&[("wamid.ABC", "delivered"), ("wamid.ABC", "read")]);
    let first = signed_post(&app, &body).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json()["statuses"], 2);
    let again = signed_post(&app, &body).await;
    assert_eq!(again.json()["statuses"], 0, "redelivery stores nothing");
    let late = signed_post(&app, &statuses(&[("wamid.ABC", "sent")])).await;
    assert_eq!(late.json()["statuses"], 1);
    assert_eq!(
        message_row(&app, id).await.status,
        "read",
        "never moves back"
    );
    let stored = events::Entity::find()
        .filter(events::Column::WaMessageId.eq("wamid.ABC"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 3);
    bg.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn the_webhook_checks_the_handshake_and_the_signature() {
    let api = MockServer::start().await;
    let app = app_with_whatsapp(&api).await;

    let ok = app
        .get("/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.text, "1158201444");
    assert!(ok.header("content-type").unwrap().starts_with("text/plain"));
    app.get("/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
        .await
        .assert_problem(403, "invalid_verify_token");
    app.get(
        "/api/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1",
    )
    .await
    .assert_problem(403, "invalid_verify_token");

    let body = statuses(&[("wamid.X", "delivered")]).to_string();
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .body(body.clone(), "application/json")
        .send()
        .await
        .assert_problem(401, "invalid_webhook_signature");
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .header(
            "X-Hub-Signature-256",
            &hub_signature(b"wrong", body.as_bytes()),
        )
        .body(body.clone(), "application/json")
        .send()
        .await
        .assert_problem(401, "invalid_webhook_signature");
    let tampered = body.replace("delivered", "read");
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .header(
            "X-Hub-Signature-256",
            &hub_signature(SECRET.as_bytes(), body.as_bytes()),
        )
        .body(tampered, "application/json")
        .send()
        .await
        .assert_problem(401, "invalid_webhook_signature");

    // a status for a message we did not send is kept under the request's platform
    let res = signed_post(&app, &statuses(&[("wamid.X", "delivered")])).await;
    assert_eq!(res.json()["statuses"], 1);
    let event = events::Entity::find()
        .filter(events::Column::WaMessageId.eq("wamid.X"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.recipient.as_deref(), Some("919876543210"));
    assert!(event.occurred_at.is_some());

    // inbound messages are stored once
    let inbound = json!({"entry": [{"changes": [{"value": {
        "contacts": [{"wa_id": "919812345678"}],
        "messages": [{"from": "919812345678", "id": "wamid.IN1", "timestamp": "1764000001", "type": "text", "text": {"body": "Is the course still open?"}}]
    }}]}]});
    assert_eq!(signed_post(&app, &inbound).await.json()["messages"], 1);
    assert_eq!(signed_post(&app, &inbound).await.json()["messages"], 0);
    let row = messages::Entity::find()
        .filter(messages::Column::WaMessageId.eq("wamid.IN1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.direction.as_str(),
            row.status.as_str(),
            row.body.as_deref()
        ),
        ("inbound", "received", Some("Is the course still open?"))
    );

    // signed but not JSON
    let junk = "not json";
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .header(
            "X-Hub-Signature-256",
            &hub_signature(SECRET.as_bytes(), junk.as_bytes()),
        )
        .body(junk, "application/json")
        .send()
        .await
        .assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn sending_is_for_sales_and_admins_with_valid_input() {
    let api = MockServer::start().await;
    let app = app_with_whatsapp(&api).await;
    let send = |token: String, body: Value| {
        let app = &app;
        async move {
            app.req(Method::POST, "/api/whatsapp/messages")
                .bearer(&token)
                .json(&body)
                .send()
                .await
        }
    };
    let sales = common::sales_token(&app, "mr-mentor");
    send(
        app.user_token(),
        json!({"to": "+919876543210", "text": "hi"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.req(Method::POST, "/api/whatsapp/messages")
        .json(&json!({"to": "+919876543210", "text": "hi"}))
        .send()
        .await
        .assert_problem(401, "unauthorized");
    let body = send(sales.clone(), json!({"to": "call me", "text": "hi"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "to");
    let body = send(sales.clone(), json!({"to": "+919876543210"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "text");
    let res = send(
        app.admin_token(),
        json!({"to": "+919876543210", "template": {"name": "demo_reminder", "components": []}}),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
}

#[tokio::test]
async fn without_credentials_whatsapp_answers_503() {
    let app = spawn_app().await;
    app.req(Method::POST, "/api/whatsapp/messages")
        .bearer(&common::sales_token(&app, "mr-mentor"))
        .json(&json!({"to": "+919876543210", "text": "hi"}))
        .send()
        .await
        .assert_problem(503, "provider_not_configured");
    app.get("/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1")
        .await
        .assert_problem(503, "provider_not_configured");
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .body("{}", "application/json")
        .send()
        .await
        .assert_problem(503, "provider_not_configured");
}

async fn send_to(app: &TestApp, token: &str, body: Value) -> testkit::TestResponse {
    app.req(Method::POST, "/api/whatsapp/messages")
        .bearer(token)
        .json(&body)
        .send()
        .await
}

#[tokio::test]
async fn a_lead_on_do_not_disturb_or_without_consent_gets_no_whatsapp_message() {
    let api = MockServer::start().await;
    let sent = AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/1055/messages"))
        .respond_with(move |_: &wiremock::Request| {
            let n = sent.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(json!({
                "messaging_product": "whatsapp",
                "messages": [{"id": format!("wamid.OK{n}")}]
            }))
        })
        .mount(&api)
        .await;
    let app = app_with_whatsapp(&api).await;
    let bg = common::consume(&app).await;
    let sales = common::sales_token(&app, "mr-mentor");
    let admin = app.admin_token();
    common::lead(&app, "9812345678", json!({"dnd": true})).await;
    common::lead(&app, "9823456789", json!({"whatsapp_consent": false})).await;
    common::lead(&app, "9834567890", json!({"whatsapp_consent": true})).await;
    common::lead(&app, "9845678901", json!({"dnd": false})).await;
    let template = json!({"name": "demo_reminder", "components": []});

    // the do-not-disturb lead, in WhatsApp's spelling and with spaces, text or template
    for (token, body) in [
        (&sales, json!({"to": "919812345678", "text": "Last seats"})),
        (
            &sales,
            json!({"to": "+91 98123 45678", "template": template}),
        ),
        (&admin, json!({"to": "098123-45678", "text": "Last seats"})),
    ] {
        let problem = send_to(&app, token, body)
            .await
            .assert_problem(409, "lead_do_not_disturb");
        assert_eq!(problem["errors"][0]["field"], "to", "{problem}");
    }
    // the lead who withdrew consent
    for body in [
        json!({"to": "+91-98234-56789", "text": "Last seats"}),
        json!({"to": "919823456789", "template": template}),
    ] {
        let problem = send_to(&app, &sales, body)
            .await
            .assert_problem(409, "lead_no_whatsapp_consent");
        assert_eq!(problem["errors"][0]["field"], "to", "{problem}");
    }
    // nothing stored, nothing queued
    let queued = "SELECT count(*) FROM outbox WHERE queue = 'whatsappQueue'";
    assert_eq!(common::count(&app, queued).await, 0);
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM whatsapp_messages").await,
        0
    );

    // a number that is no lead's, and a lead never asked (consent not required by default)
    for to in ["+91 87654 32109", "+91 98456 78901"] {
        let res = send_to(&app, &sales, json!({"to": to, "text": "Last seats"})).await;
        assert_eq!(res.status, 202, "{to}: {}", res.text);
    }
    // the platform requires recorded consent: the lead never asked is refused now, the lead
    // who gave it is not
    let res = app
        .call(
            Method::PUT,
            "/api/system-config/CRM_WHATSAPP_REQUIRE_CONSENT",
            &admin,
            Some(json!({"value": true})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    send_to(
        &app,
        &sales,
        json!({"to": "919845678901", "text": "Last seats"}),
    )
    .await
    .assert_problem(409, "lead_no_whatsapp_consent");
    let res = send_to(
        &app,
        &sales,
        json!({"to": "919834567890", "template": template}),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);

    // exactly the three allowed messages reached WhatsApp
    common::eventually(10, || {
        let app = &app;
        async move {
            let sent = common::count(
                app,
                "SELECT count(*) FROM whatsapp_messages WHERE status = 'sent'",
            )
            .await;
            (sent == 3).then_some(())
        }
    })
    .await
    .expect("the allowed messages were not sent");
    assert_eq!(common::count(&app, queued).await, 3);
    let mut to: Vec<String> = api
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["to"].as_str().unwrap().to_owned()
        })
        .collect();
    to.sort();
    assert_eq!(to, ["918765432109", "919834567890", "919845678901"]);
    bg.close(Duration::from_secs(5)).await;
}

fn job_context(attempt: u32) -> JobContext {
    JobContext {
        job_id: "1".into(),
        queue: "whatsappQueue".into(),
        name: "send-whatsapp".into(),
        platform: "mr-mentor".into(),
        attempt,
        max_attempts: 5,
    }
}

#[tokio::test]
async fn provider_failures_retry_or_dead_letter() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"to": "910000000001"})))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"to": "910000000002"})))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"message": "(#131030) Recipient phone number not in allowed list", "code": 131030}}),
        ))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"to": "910000000003"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"messages": [{"id": "wamid.T"}]})),
        )
        .mount(&api)
        .await;
    let app = app_with_whatsapp(&api).await;
    let client =
        WhatsAppClient::from_config(&app.config.comms.whatsapp, reqwest::Client::new()).unwrap();
    let job = |to: &str| WhatsAppJob {
        message_id: None,
        to: to.into(),
        text: Some("hi".into()),
        template: None,
    };
    let run = |job: WhatsAppJob, attempt| {
        let client = client.clone();
        let db = app.db.clone();
        async move { whatsapp::deliver(Some(&client), &db, &job_context(attempt), &job).await }
    };
    assert!(matches!(
        run(job("+910000000001"), 1).await,
        Err(JobError::Retry(_))
    ));
    match run(job("+910000000002"), 1).await {
        Err(JobError::Permanent(e)) => assert!(e.to_string().contains("131030"), "{e}"),
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    let mut both = job("+910000000003");
    both.template = Some(whatsapp::TemplateMessage {
        name: "x".into(),
        language: "en".into(),
        components: vec![],
    });
    assert!(matches!(run(both, 1).await, Err(JobError::Permanent(_))));
    // a producer without a row of its own gets one when the message is sent
    run(job("+910000000003"), 1).await.unwrap();
    let row = messages::Entity::find()
        .filter(messages::Column::WaMessageId.eq("wamid.T"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "sent");
    // no provider: permanent
    assert!(matches!(
        whatsapp::deliver(None, &app.db, &job_context(1), &job("+910000000003")).await,
        Err(JobError::Permanent(_))
    ));
}
