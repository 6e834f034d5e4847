//! The invoice PDF: rendered, stored, served again from storage, read back by text extraction.

use finance::service::invoices;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{buyer_with_profile, captured, tenant};

#[tokio::test]
async fn the_invoice_pdf_says_what_the_invoice_says() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, token, _) = buyer_with_profile(&app, "mr-mentor", json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF", "address": "Baner Road, Pune"})).await;
    // a Rs 1,000 price exclusive of GST, charged Rs 1,180
    let e = captured(&mr, buyer, 118_000, false);
    let inv = invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let path = format!("/api/finance/invoices/{}/pdf", inv.id);
    let res = get_bytes(&app, &path, &fin).await;
    assert_eq!(res.0, 200);
    assert_eq!(res.1.as_deref(), Some("application/pdf"));
    let text = pdf_extract::extract_text_from_mem(&res.2).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "TAX INVOICE",
        &format!("Invoice number: {}", inv.number),
        "GSTIN: 29AAACM1234A1Z4",
        "Bill to: Acme Analytics LLP",
        "Buyer GSTIN: 27AAACB1234C1ZF",
        "Place of supply: 27",
        "999293",
        "IGST: 180.00",
        "Total (INR): 1180.00",
    ] {
        assert!(flat.contains(want), "{want:?} not in {flat:?}");
    }
    // stored once, served from storage afterwards: the same bytes
    let key: Option<String> = {
        use sea_orm::EntityTrait;
        finance::entities::invoices::Entity::find_by_id(inv.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .pdf_key
    };
    let key = key.expect("the PDF is stored");
    assert!(key.starts_with("mr-mentor/invoices/"), "{key}");
    let again = get_bytes(&app, &path, &fin).await;
    assert_eq!(again.2, res.2);

    // the buyer gets theirs; another user and a plain USER do not
    let mine = get_bytes(
        &app,
        &format!("/api/finance/my-invoices/{}/pdf", inv.id),
        &token,
    )
    .await;
    assert_eq!(mine.0, 200);
    let other = app.user_token();
    app.call(
        Method::GET,
        &format!("/api/finance/my-invoices/{}/pdf", inv.id),
        &other,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    app.call(Method::GET, &path, &other, None)
        .await
        .assert_problem(403, "forbidden");
}

/// GET `path` with `token`: (status, content type, body bytes).
pub(crate) async fn get_bytes(
    app: &testkit::TestApp,
    path: &str,
    token: &str,
) -> (u16, Option<String>, Vec<u8>) {
    let res = app
        .http
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, ct, res.bytes().await.unwrap().to_vec())
}

/// The buyer gets the invoice by email with the PDF attached; the job carries the invoice's id
/// only, and the address is the one on the account when the mail is sent.
#[tokio::test]
async fn the_invoice_is_emailed_with_its_pdf_to_the_current_address() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(&mr, buyer, 118_000, true);
    let inv = invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    // the job: ids only
    let payload = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT payload::text AS p FROM outbox WHERE job_name = 'send-invoice'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "p")
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(
        payload,
        json!({"platform": "mr-mentor", "invoice_id": inv.id})
    );
    // the buyer changes their address before the mail goes
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE users SET email = 'asha.new@example.com' WHERE id = $1",
            [buyer.into()],
        ))
        .await
        .unwrap();
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    app.wait_completed("emailQueue", "send-invoice", 1).await;
    worker.stop().await;
    let mails = app.mails();
    let mail = mails
        .iter()
        .find(|m| m.contains(&inv.number))
        .expect("the invoice mail");
    assert!(mail.contains("To: asha.new@example.com"), "{mail}");
    assert!(
        mail.contains(&format!("Your tax invoice {}", inv.number)),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "filename=\"{}.pdf\"",
            inv.number.replace('/', "-")
        )),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: application/pdf"), "{mail}");
    // the stored PDF is the one attached
    let stored: Option<String> = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pdf_key FROM invoices WHERE id = $1",
            [inv.id.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "pdf_key")
        .unwrap();
    assert!(stored.is_some(), "rendered and stored on the way");
}
