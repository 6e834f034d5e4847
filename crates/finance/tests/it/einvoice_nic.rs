//! The NIC IRP envelope (ADR 0080) against a wiremock IRP that holds the private key it gave
//! us the public half of: it opens our login (RSA), answers with a session key under our
//! AppKey, opens each payload with that key and answers under it. A first IRN (one login, the
//! QR code drawn on the PDF), a refused token (a forced login, the call repeated once), a
//! duplicate (2150: the registered IRN read by document details). And the invoice email of an
//! e-invoiced invoice waits for its IRN (ADR 0080): released by the IRN, by a refusal, by the
//! end of the wait, once; B2C and invalid ones at once.

use std::sync::{Arc, Mutex};

use aws_lc_rs::{
    encoding::{AsDer, PublicKeyX509Der},
    rsa::{KeySize, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{Duration, Utc};
use finance::service::{einvoices, invoices, mail};
use integrations::nic_irp::{self, NicIrp, NicIrpConfig, crypto};
use kernel::auth::{Capability, Role};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, spawn_app_with};
use uuid::Uuid;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

use crate::common::{buyer_with_profile, captured, count, tenant};

const GSTIN: &str = "29AAACM1234A1Z4";

#[derive(Default)]
struct IrpState {
    /// `(force, AppKey)` of each login.
    logins: Vec<bool>,
    token: String,
    sek: Vec<u8>,
    /// The current token is refused (the IRP expired it early).
    revoked: bool,
    /// Registered documents: number -> IRN details.
    registered: Vec<(String, Value)>,
    calls: Vec<String>,
}

/// The IRP: decrypts what we send with the keys it made and answers encrypted.
struct Irp {
    private: Pkcs1PrivateDecryptingKey,
    state: Arc<Mutex<IrpState>>,
}

fn ist(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Kolkata)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The signed QR code the IRP would return for document `no` (a JWT-shaped string of a
/// realistic length).
fn signed_qr(no: &str) -> String {
    format!(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjE1MTNCODIxRUU0NkJEMDI2M0I5QzFGN0JFQjlFNjcwRTg3Njg3RjAifQ.{}.{}",
        STANDARD.encode(format!("{{\"data\":{{\"DocNo\":\"{no}\"}}}}").repeat(8)),
        "s".repeat(342)
    )
}

impl Respond for Irp {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut st = self.state.lock().unwrap();
        let path = req.url.path().to_owned();
        st.calls.push(path.clone());
        let h = |name: &str| {
            req.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            (h("client_id"), h("client_secret"), h("gstin")),
            (
                "irp-client".into(),
                "irp-client-secret".into(),
                GSTIN.into()
            ),
            "{path}"
        );
        if path == nic_irp::AUTH_PATH {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let sealed = STANDARD.decode(body["Data"].as_str().unwrap()).unwrap();
            let mut out = vec![0u8; self.private.min_output_size()];
            let inner = self.private.decrypt(&sealed, &mut out).unwrap();
            let inner: Value = serde_json::from_slice(&STANDARD.decode(&*inner).unwrap()).unwrap();
            assert_eq!(inner["UserName"], "api_user");
            assert_eq!(inner["Password"], "api-password");
            let app_key = STANDARD.decode(inner["AppKey"].as_str().unwrap()).unwrap();
            st.logins
                .push(inner["ForceRefreshAccessToken"].as_bool().unwrap());
            st.sek = crypto::app_key().unwrap().to_vec();
            st.token = format!("token-{}", st.logins.len());
            st.revoked = false;
            return ResponseTemplate::new(200).set_body_json(json!({"Status": 1, "Data": {
                "ClientId": "irp-client", "UserName": "api_user", "AuthToken": st.token,
                "Sek": crypto::aes_encrypt(&app_key, &st.sek).unwrap(),
                "TokenExpiry": ist(Utc::now() + Duration::hours(6)),
            }}));
        }
        assert_eq!(h("user_name"), "api_user");
        if st.revoked || h("AuthToken") != st.token {
            return ResponseTemplate::new(401).set_body_json(json!({"Status": 0,
                "ErrorDetails": [{"ErrorCode": "1005", "ErrorMessage": "Invalid Token"}]}));
        }
        let answer = |st: &IrpState, data: &Value| {
            ResponseTemplate::new(200).set_body_json(json!({"Status": 1,
                "Data": crypto::aes_encrypt(&st.sek, data.to_string().as_bytes()).unwrap()}))
        };
        if path == nic_irp::INVOICE_PATH {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let plain = crypto::aes_decrypt(&st.sek, body["Data"].as_str().unwrap()).unwrap();
            let doc: Value = serde_json::from_slice(&plain).unwrap();
            assert_eq!(doc["Version"], "1.1");
            let no = doc["DocDtls"]["No"].as_str().unwrap().to_owned();
            if st.registered.iter().any(|(n, _)| *n == no) {
                return ResponseTemplate::new(200).set_body_json(json!({"Status": 0,
                    "ErrorDetails": [{"ErrorCode": "2150", "ErrorMessage": "Duplicate IRN"}]}));
            }
            let n = st.registered.len() as u64 + 1;
            let details = json!({"AckNo": 112_010_000_000_000u64 + n, "AckDt": ist(Utc::now()),
                "Irn": format!("{n:064x}"), "SignedInvoice": "eyJhbGciOi.inv.sig",
                "SignedQRCode": signed_qr(&no), "Status": "ACT"});
            st.registered.push((no, details.clone()));
            return answer(&st, &details);
        }
        if path == nic_irp::BY_DOC_PATH {
            let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
            let get = |k: &str| {
                q.iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            assert_eq!(get("doctype"), "INV");
            assert!(get("docdate").contains('/'), "dd/mm/yyyy");
            let found = st
                .registered
                .iter()
                .find(|(n, _)| *n == get("docnum"))
                .cloned();
            return match found {
                Some((_, d)) => answer(&st, &d),
                None => ResponseTemplate::new(200).set_body_json(json!({"Status": 0,
                    "ErrorDetails": [{"ErrorCode": "2283", "ErrorMessage": "not found"}]})),
            };
        }
        ResponseTemplate::new(404)
    }
}

async fn app_with_nic_irp() -> (TestApp, MockServer, Arc<Mutex<IrpState>>, String) {
    let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
    let der = AsDer::<PublicKeyX509Der>::as_der(&private.public_key()).unwrap();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der.as_ref())
    );
    let state = Arc::new(Mutex::new(IrpState::default()));
    let irp = MockServer::start().await;
    Mock::given(any())
        .respond_with(Irp {
            private: Pkcs1PrivateDecryptingKey::new(private).unwrap(),
            state: state.clone(),
        })
        .mount(&irp)
        .await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("EINVOICE_AATO_PAISE", "600000000")
            .env("EINVOICE_MODE", "nic")
            .env("EINVOICE_IRP_URL", irp.uri())
            .env("EINVOICE_NIC_CLIENT_ID", "irp-client")
            .env("EINVOICE_NIC_CLIENT_SECRET", "irp-client-secret")
            .env("EINVOICE_NIC_USERNAME", "api_user")
            .env("EINVOICE_NIC_PASSWORD", "api-password")
            .env("EINVOICE_NIC_PUBLIC_KEY", pem.clone())
            .env("GST_SUPPLIER_ADDRESS", "1 MG Road")
            .env("GST_SUPPLIER_LOCATION", "Bengaluru")
            .env("GST_SUPPLIER_PIN", "560001"),
    )
    .await;
    (app, irp, state, pem)
}

fn client(app: &TestApp, irp: &MockServer, pem: &str) -> NicIrp {
    NicIrp::new(
        &app.ctx,
        reqwest::Client::new(),
        NicIrpConfig {
            base_url: irp.uri(),
            client_id: "irp-client".to_owned().into(),
            client_secret: "irp-client-secret".to_owned().into(),
            username: "api_user".into(),
            password: "api-password".to_owned().into(),
            public_key_der: crypto::public_key_der(pem).unwrap(),
        },
    )
    .unwrap()
}

async fn einvoice_of(app: &TestApp, invoice: Uuid) -> (Uuid, String, Option<String>) {
    let r = app
        .db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT id, status, irn FROM einvoices WHERE invoice_id = $1 AND doc_type = 'INV'",
            [invoice.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    (
        r.try_get("", "id").unwrap(),
        r.try_get("", "status").unwrap(),
        r.try_get("", "irn").unwrap(),
    )
}

async fn emails_queued(app: &TestApp, invoice: Uuid) -> i64 {
    count(
        app,
        &format!(
            "SELECT count(*) FROM outbox WHERE job_name = 'send-invoice'
              AND payload->>'invoice_id' = '{invoice}'"
        ),
    )
    .await
}

/// The content stream's filled rectangles (`re`) and the dark runs of the QR code of `data`.
fn drawn_and_expected(pdf: &[u8], data: &str) -> (usize, usize) {
    let text = String::from_utf8_lossy(pdf);
    let drawn = text.split_ascii_whitespace().filter(|t| *t == "re").count();
    let code = finance::pdf::qr_code(data).unwrap();
    let dark: Vec<bool> = code
        .to_colors()
        .iter()
        .map(|c| *c == qrcode::Color::Dark)
        .collect();
    let runs = dark
        .chunks(code.width())
        .map(|row| {
            row.iter()
                .enumerate()
                .filter(|(x, d)| **d && (*x == 0 || !row[x - 1]))
                .count()
        })
        .sum();
    (drawn, runs)
}

#[tokio::test]
async fn the_nic_envelope_logs_in_once_refreshes_a_refused_token_and_reads_a_duplicate() {
    let (app, irp, state, pem) = app_with_nic_irp().await;
    let nic = client(&app, &irp, &pem);
    let mr = tenant(&app, "mr-mentor").await;
    let profile = json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF",
        "address": "Baner Road, Pune 411045"});
    let (b2b, _, _) = buyer_with_profile(&app, "mr-mentor", profile).await;
    let mut issued = Vec::new();
    for _ in 0..3 {
        let e = captured(&mr, b2b, 118_000, true);
        issued.push(
            invoices::issue(&app.db, &app.config.finance, &mr, &e, Utc::now())
                .await
                .unwrap()
                .invoice,
        );
    }
    let generate = |id| {
        let (app, nic) = (&app, &nic);
        async move {
            einvoices::generate_via(&app.db, einvoices::Irp::Nic(nic), &app.config.finance, id)
                .await
                .unwrap()
        }
    };

    // the first: one login, the IRN, the QR code on the PDF
    let (id1, status, _) = einvoice_of(&app, issued[0].id).await;
    assert_eq!(status, "queued");
    assert_eq!(
        emails_queued(&app, issued[0].id).await,
        0,
        "held for the IRN"
    );
    assert_eq!(generate(id1).await, einvoices::IrnOutcome::Generated);
    let (_, status, irn) = einvoice_of(&app, issued[0].id).await;
    assert_eq!(
        (status.as_str(), irn),
        ("generated", Some(format!("{:064x}", 1)))
    );
    assert_eq!(state.lock().unwrap().logins, vec![false]);
    assert_eq!(
        emails_queued(&app, issued[0].id).await,
        1,
        "released by the IRN"
    );
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let pdf = app
        .http
        .get(format!(
            "{}/api/finance/invoices/{}/pdf",
            app.address, issued[0].id
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
    assert!(text.contains("Ack No: 112010000000001"), "{text}");
    let (drawn, runs) = drawn_and_expected(&pdf, &signed_qr(&issued[0].number));
    assert!(runs > 500, "a real QR code: {runs} runs");
    assert_eq!(drawn, runs, "the QR code's dark runs, one rectangle each");

    // the second: the cached session is used; the IRP refuses its token (401): one forced
    // login and the call repeated
    state.lock().unwrap().revoked = true;
    let (id2, _, _) = einvoice_of(&app, issued[1].id).await;
    assert_eq!(generate(id2).await, einvoices::IrnOutcome::Generated);
    assert_eq!(state.lock().unwrap().logins, vec![false, true]);
    let (_, _, irn2) = einvoice_of(&app, issued[1].id).await;
    assert_eq!(irn2, Some(format!("{:064x}", 2)));

    // the third was registered before (our first answer lost): 2150, read by its details
    {
        let mut st = state.lock().unwrap();
        let no = issued[2].number.clone();
        st.registered.push((
            no.clone(),
            json!({"AckNo": "112010000000077",
            "AckDt": ist(Utc::now() - Duration::minutes(5)), "Irn": format!("{:064x}", 77),
            "SignedQRCode": signed_qr(&no)}),
        ));
    }
    let (id3, _, _) = einvoice_of(&app, issued[2].id).await;
    assert_eq!(generate(id3).await, einvoices::IrnOutcome::Generated);
    let (_, status, irn3) = einvoice_of(&app, issued[2].id).await;
    assert_eq!(
        (status.as_str(), irn3),
        ("generated", Some(format!("{:064x}", 77)))
    );
    let calls = state.lock().unwrap().calls.clone();
    assert_eq!(
        calls.iter().filter(|c| *c == nic_irp::BY_DOC_PATH).count(),
        1
    );
    assert_eq!(
        state.lock().unwrap().logins.len(),
        2,
        "the session kept in Redis"
    );
}

/// The email of an e-invoiced invoice waits for its IRN (at most `EINVOICE_EMAIL_WAIT_SECS`);
/// a refused or invalid e-invoice and B2C invoices do not hold it; it is queued once.
#[tokio::test]
async fn an_einvoiced_invoice_is_emailed_after_its_irn_or_the_wait_once() {
    let irp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("EINVOICE_AATO_PAISE", "600000000")
            .env("EINVOICE_IRP_URL", irp.uri())
            .env("GST_SUPPLIER_ADDRESS", "1 MG Road")
            .env("GST_SUPPLIER_LOCATION", "Bengaluru")
            .env("GST_SUPPLIER_PIN", "560001"),
    )
    .await;
    let mr = tenant(&app, "mr-mentor").await;
    let (b2b, _, _) = buyer_with_profile(
        &app,
        "mr-mentor",
        json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF",
            "address": "Baner Road, Pune 411045"}),
    )
    .await;
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
    let (acked, refused, waited) = (issue(b2b).await, issue(b2b).await, issue(b2b).await);
    let (retail, invalid) = (issue(b2c).await, issue(no_pin).await);
    // B2C and an invalid e-invoice: at once; the three queued for an IRN: held, each with a
    // due job after EINVOICE_EMAIL_WAIT_SECS (3600 s by default)
    for (inv, queued) in [
        (&retail, 1),
        (&invalid, 1),
        (&acked, 0),
        (&refused, 0),
        (&waited, 0),
    ] {
        assert_eq!(emails_queued(&app, inv.id).await, queued, "{}", inv.number);
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'finance-invoice-email-due'
              AND delay_ms = 3600000 AND (payload - 'platform' - 'invoice_id') = '{}'::jsonb"
        )
        .await,
        3
    );
    let http = reqwest::Client::new();
    let generate = |invoice: Uuid| {
        let (app, http) = (&app, &http);
        async move {
            let (id, _, _) = einvoice_of(app, invoice).await;
            einvoices::generate(&app.db, http, &app.config.finance, id)
                .await
                .unwrap()
        }
    };
    let now = Utc::now();
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Irn": format!("{:064x}", 1),
            "AckNo": 1, "AckDt": ist(now), "SignedQRCode": signed_qr("x")})),
        )
        .up_to_n_times(1)
        .mount(&irp)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "bad"})))
        .up_to_n_times(1)
        .mount(&irp)
        .await;
    // the IRN releases it; its wait's end then finds it queued
    assert_eq!(generate(acked.id).await, einvoices::IrnOutcome::Generated);
    assert_eq!(emails_queued(&app, acked.id).await, 1);
    assert!(
        !mail::release_due(&app.db, &mr, finance::Document::Invoice(acked.id))
            .await
            .unwrap()
    );
    // a refusal releases it
    assert_eq!(generate(refused.id).await, einvoices::IrnOutcome::Rejected);
    assert_eq!(emails_queued(&app, refused.id).await, 1);
    // the wait's end releases it without an IRN; a late IRN does not send it again
    assert!(
        mail::release_due(&app.db, &mr, finance::Document::Invoice(waited.id))
            .await
            .unwrap()
    );
    assert_eq!(emails_queued(&app, waited.id).await, 1);
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Irn": format!("{:064x}", 3),
            "AckNo": 3, "AckDt": ist(now), "SignedQRCode": signed_qr("y")})),
        )
        .mount(&irp)
        .await;
    assert_eq!(generate(waited.id).await, einvoices::IrnOutcome::Generated);
    assert_eq!(emails_queued(&app, waited.id).await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'send-invoice'"
        )
        .await,
        5
    );

    // the mails go; the one released by its IRN carries the PDF rendered with the IRN
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    app.wait_completed("emailQueue", "send-invoice", 5).await;
    worker.stop().await;
    let mails = app.mails();
    let mail = mails
        .iter()
        .find(|m| m.contains(&acked.number))
        .expect("the mail");
    let mail = mail.replace("\r\n", "\n");
    let pdf_b64: String = mail
        .split("Content-Type: application/pdf")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").nth(1))
        .map(|b| {
            // base64 up to the boundary (the outbox reader joins `=`-ended lines)
            b.chars()
                .filter(|c| *c != '\n')
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                .filter(|c| *c != '=')
                .collect()
        })
        .unwrap_or_default();
    let pdf = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(pdf_b64)
        .unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains(&format!("IRN: {:064x}", 1)), "{text}");
    let (drawn, runs) = drawn_and_expected(&pdf, &signed_qr("x"));
    assert_eq!(drawn, runs);
}

/// The wait's end through the real delayed job: no IRP answers (none is configured), so after
/// `EINVOICE_EMAIL_WAIT_SECS` the worker's `finance-invoice-email-due` sends the email once.
#[tokio::test]
async fn without_an_irn_the_email_goes_when_the_wait_is_over() {
    let app = spawn_app_with(
        TestOptions::default()
            .env("EINVOICE_AATO_PAISE", "600000000")
            .env("EINVOICE_EMAIL_WAIT_SECS", "1")
            .env("GST_SUPPLIER_ADDRESS", "1 MG Road")
            .env("GST_SUPPLIER_LOCATION", "Bengaluru")
            .env("GST_SUPPLIER_PIN", "560001"),
    )
    .await;
    let mr = tenant(&app, "mr-mentor").await;
    let (b2b, _, _) = buyer_with_profile(
        &app,
        "mr-mentor",
        json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF",
            "address": "Baner Road, Pune 411045"}),
    )
    .await;
    let e = captured(&mr, b2b, 118_000, true);
    let inv = invoices::issue(&app.db, &app.config.finance, &mr, &e, Utc::now())
        .await
        .unwrap()
        .invoice;
    assert_eq!(emails_queued(&app, inv.id).await, 0);
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    app.wait_completed("databaseQueue", "finance-invoice-email-due", 1)
        .await;
    app.wait_completed("emailQueue", "send-invoice", 1).await;
    worker.stop().await;
    assert_eq!(emails_queued(&app, inv.id).await, 1);
    let (_, status, irn) = einvoice_of(&app, inv.id).await;
    assert_eq!((status.as_str(), irn), ("queued", None), "no IRN came");
    assert!(app.mails().iter().any(|m| m.contains(&inv.number)));
}
