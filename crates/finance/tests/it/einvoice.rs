//! E-invoices against a wiremock IRP: prepared for B2B invoices and their credit notes above
//! the threshold (never B2C), validated (an invalid one is kept and never sent), the IRN asked
//! through the job carrying the id only, cancelled within 24 hours and not after.

use chrono::{Duration, Utc};
use finance::service::{einvoices, invoices, refunds};
use integrations::payments::events::RefundProcessed;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;
use testkit::{TestApp, TestOptions, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

use crate::common::{buyer_with_profile, captured, count, tenant};

async fn app_with_irp() -> (TestApp, MockServer) {
    let irp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("EINVOICE_AATO_PAISE", "600000000")
            .env("EINVOICE_IRP_URL", irp.uri())
            .env("EINVOICE_IRP_TOKEN", "irp-test-token")
            .env("GST_SUPPLIER_ADDRESS", "1 MG Road")
            .env("GST_SUPPLIER_LOCATION", "Bengaluru")
            .env("GST_SUPPLIER_PIN", "560001"),
    )
    .await;
    (app, irp)
}

fn ack(at: chrono::DateTime<Utc>, n: u64) -> serde_json::Value {
    let ist = at.with_timezone(&chrono_tz::Asia::Kolkata);
    json!({"Irn": format!("{:064x}", n), "AckNo": 112_010_000_000_000u64 + n,
           "AckDt": ist.format("%Y-%m-%d %H:%M:%S").to_string(), "SignedQRCode": "eyJhbGciOi"})
}

#[tokio::test]
async fn b2b_invoices_get_an_irn_cancellable_for_24_hours_and_b2c_never_goes() {
    let (app, irp) = app_with_irp().await;
    let mr = tenant(&app, "mr-mentor").await;
    let profile = json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF",
        "address": "Baner Road, Pune 411045"});
    let (b2b, _, _) = buyer_with_profile(&app, "mr-mentor", profile).await;
    let (b2c, _) = app.user(Role::User, &[], "mr-mentor");
    let (no_pin, _, _) = buyer_with_profile(
        &app,
        "mr-mentor",
        json!({"legal_name": "Nopin Traders", "gstin": "27AAACB1234C1ZF", "address": "Somewhere"}),
    )
    .await;
    let issue = |user| {
        let (app, mr) = (&app, mr.clone());
        async move {
            let e = captured(&mr, user, 118_000, true);
            invoices::issue(&app.db, &app.config.finance, &mr, &e, Utc::now())
                .await
                .unwrap()
                .invoice
        }
    };
    let first = issue(b2b).await;
    let second = issue(b2b).await;
    let retail = issue(b2c).await;
    let invalid = issue(no_pin).await;
    let refused = issue(b2b).await;
    // B2C: none; the invalid one kept with its errors and not queued
    assert_eq!(count(&app, "SELECT count(*) FROM einvoices").await, 4);
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let get = |id: uuid::Uuid| {
        let (app, fin) = (&app, fin.clone());
        async move {
            app.call(
                Method::GET,
                &format!("/api/finance/invoices/{id}/einvoice"),
                &fin,
                None,
            )
            .await
        }
    };
    get(retail.id).await.assert_problem(404, "not_found");
    let bad = get(invalid.id).await.json();
    assert_eq!(bad["status"], "invalid");
    assert!(bad["errors"].to_string().contains("BuyerDtls.Pin"), "{bad}");
    let e1 = get(first.id).await.json();
    assert_eq!(e1["status"], "queued");
    assert_eq!(e1["payload"]["Version"], "1.1");
    assert_eq!(e1["payload"]["DocDtls"]["Typ"], "INV");
    assert_eq!(e1["payload"]["DocDtls"]["No"], first.number);
    assert_eq!(e1["payload"]["BuyerDtls"]["Pin"], 411_045);
    assert_eq!(e1["payload"]["SellerDtls"]["Loc"], "Bengaluru");
    // the jobs carry the e-invoice's id only
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'finance-irn'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'finance-irn'
              AND (payload - 'platform' - 'einvoice_id') <> '{}'::jsonb"
        )
        .await,
        0
    );

    // the IRP: the first acknowledged now, the second 25 hours ago
    let now = Utc::now();
    Mock::given(method("POST"))
        .and(path("/invoice"))
        .and(header("authorization", "Bearer irp-test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ack(now, 1)))
        .up_to_n_times(1)
        .mount(&irp)
        .await;
    Mock::given(method("POST"))
        .and(path("/invoice"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ack(now - Duration::hours(25), 2)))
        .up_to_n_times(1)
        .mount(&irp)
        .await;
    // the third: the IRP refuses it (kept as rejected with its answer, not retried)
    Mock::given(method("POST"))
        .and(path("/invoice"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"ErrorDetails": [{"ErrorCode": "2150", "ErrorMessage": "Duplicate IRN"}]}),
        ))
        .mount(&irp)
        .await;
    let http = reqwest::Client::new();
    let id1: uuid::Uuid = serde_json::from_value(e1["id"].clone()).unwrap();
    let e2 = get(second.id).await.json();
    let id2: uuid::Uuid = serde_json::from_value(e2["id"].clone()).unwrap();
    let generated = einvoices::generate(&app.db, &http, &app.config.finance, id1)
        .await
        .unwrap();
    assert_eq!(generated, einvoices::IrnOutcome::Generated);
    // asked again (a retried job): nothing
    assert_eq!(
        einvoices::generate(&app.db, &http, &app.config.finance, id1)
            .await
            .unwrap(),
        einvoices::IrnOutcome::Nothing
    );
    einvoices::generate(&app.db, &http, &app.config.finance, id2)
        .await
        .unwrap();
    let e3 = get(refused.id).await.json();
    let id3: uuid::Uuid = serde_json::from_value(e3["id"].clone()).unwrap();
    assert_eq!(
        einvoices::generate(&app.db, &http, &app.config.finance, id3)
            .await
            .unwrap(),
        einvoices::IrnOutcome::Rejected
    );
    let e3 = get(refused.id).await.json();
    assert_eq!(e3["status"], "rejected");
    assert!(e3["errors"].to_string().contains("Duplicate IRN"), "{e3}");
    assert_eq!(e3["irn"], json!(null));
    let e1 = get(first.id).await.json();
    assert_eq!(e1["status"], "generated");
    assert_eq!(e1["irn"], format!("{:064x}", 1));
    assert_eq!(e1["cancellable"], true);
    // the PDF carries the IRN
    let pdf = app
        .http
        .get(format!(
            "{}/api/finance/invoices/{}/pdf",
            app.address, first.id
        ))
        .bearer_auth(&fin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains(&format!("IRN: {:064x}", 1)), "{text}");

    // cancel: within the window at the IRP, audited; then there is nothing to cancel
    Mock::given(method("POST"))
        .and(path("/invoice/cancel"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Irn": format!("{:064x}", 1)})),
        )
        .expect(1)
        .mount(&irp)
        .await;
    let body = json!({"reason_code": 3, "remark": "order cancelled"});
    let cancel = |id: uuid::Uuid, token: String| {
        let (app, body) = (&app, body.clone());
        async move {
            app.call(
                Method::POST,
                &format!("/api/finance/einvoices/{id}/cancel"),
                &token,
                Some(body),
            )
            .await
        }
    };
    cancel(id1, app.user_token())
        .await
        .assert_problem(403, "forbidden");
    let done = cancel(id1, fin.clone()).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json()["status"], "cancelled");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'finance.einvoice.cancelled'"
        )
        .await,
        1
    );
    cancel(id1, fin.clone())
        .await
        .assert_problem(409, "einvoice_not_generated");
    // the second was acknowledged 25 hours ago: too late
    cancel(id2, fin.clone())
        .await
        .assert_problem(409, "einvoice_cancel_window_closed");
    // another platform's FINANCE cannot see or cancel it
    let other = app.token(Role::User, &[Capability::Finance], "my-analytics-school");
    app.req(
        Method::POST,
        &format!("/api/finance/einvoices/{id2}/cancel"),
    )
    .platform("my-analytics-school")
    .bearer(&other)
    .json(&body)
    .send()
    .await
    .assert_problem(404, "not_found");

    // a credit note of a B2B invoice gets its CRN e-invoice
    refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &RefundProcessed {
            order_id: second.order_id,
            user_id: second.user_id,
            platform_id: mr.id,
            amount_paise: 18_000,
            currency: "INR".into(),
            item: second.item.clone(),
            razorpay_payment_id: second.razorpay_payment_id.clone(),
            razorpay_refund_id: "rfnd_crn".into(),
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let crn = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT status, payload::text AS p FROM einvoices WHERE doc_type = 'CRN'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(crn.try_get::<String>("", "status").unwrap(), "queued");
    let p: serde_json::Value =
        serde_json::from_str(&crn.try_get::<String>("", "p").unwrap()).unwrap();
    assert_eq!(p["DocDtls"]["Typ"], "CRN");
    assert_eq!(p["RefDtls"]["PrecDocDtls"][0]["InvNo"], second.number);
    assert_eq!(p["ValDtls"]["TotInvVal"], json!(180.0));

    // the credit note's email waits for its IRN (ADR 0089): held, released by the IRN's
    // answer, and the PDF the buyer gets carries the IRN
    let outbox = |job: &'static str| {
        let app = &app;
        async move {
            count(
                app,
                &format!("SELECT count(*) FROM outbox WHERE job_name = '{job}'"),
            )
            .await
        }
    };
    assert_eq!(outbox("send-credit-note").await, 0, "held for the IRN");
    assert_eq!(outbox("finance-credit-note-email-due").await, 1);
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT id, credit_note_id FROM einvoices WHERE doc_type = 'CRN'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let (crn, note): (uuid::Uuid, uuid::Uuid) = (
        row.try_get("", "id").unwrap(),
        row.try_get("", "credit_note_id").unwrap(),
    );
    Mock::given(method("POST"))
        .and(path("/invoice"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ack(Utc::now(), 9)))
        .with_priority(1)
        .up_to_n_times(1)
        .mount(&irp)
        .await;
    assert_eq!(
        einvoices::generate(&app.db, &http, &app.config.finance, crn)
            .await
            .unwrap(),
        einvoices::IrnOutcome::Generated
    );
    assert_eq!(outbox("send-credit-note").await, 1, "released by the IRN");
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let (status, _, pdf) =
        crate::pdf::get_bytes(&app, &format!("/api/finance/credit-notes/{note}/pdf"), &fin).await;
    assert_eq!(status, 200);
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("CREDIT NOTE"), "{text}");
    assert!(text.contains(&format!("IRN: {:064x}", 9)), "{text}");
}
