//! Refunds through Razorpay (wiremock) and their credit notes: proportional tax reversal,
//! idempotency, limits, who may refund, settlement by `refund.processed`.

use finance::service::{invoices, refunds};
use integrations::payments::events::RefundProcessed;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::common::{captured, count, tenant, workbook};

async fn app_with_razorpay() -> (TestApp, MockServer) {
    let rzp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("RAZORPAY_API_BASE", rzp.uri())
            .env("RAZORPAY_KEY_ID", "rzp_test_finance")
            .env("RAZORPAY_KEY_SECRET", "finance-test-key-secret"),
    )
    .await;
    (app, rzp)
}

async fn refund_mock(
    rzp: &MockServer,
    payment: &str,
    amount: i64,
    refund_id: &str,
    status: &str,
    times: u64,
) {
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{payment}/refund")))
        .and(body_partial_json(json!({"amount": amount})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": refund_id, "entity": "refund", "amount": amount, "currency": "INR",
            "payment_id": payment, "status": status,
        })))
        .expect(times)
        .mount(rzp)
        .await;
}

/// A Rs 4,999 inclusive intra-state invoice (423644 + 38128 + 38128) of a new buyer.
async fn invoice(app: &TestApp) -> finance::entities::invoices::Model {
    let mr = tenant(app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(&mr, buyer, 499_900, true);
    invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice
}

#[tokio::test]
async fn partial_then_full_refund_reverses_the_invoice_exactly() {
    let (app, rzp) = app_with_razorpay().await;
    let inv = invoice(&app).await;
    let pay = inv.razorpay_payment_id.clone();
    refund_mock(&rzp, &pay, 100_000, "rfnd_part", "processed", 1).await;
    refund_mock(&rzp, &pay, 399_900, "rfnd_rest", "pending", 1).await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let fy = finance::tax::financial_year(chrono::Utc::now());

    let ask = |amount: i64, key: &'static str| {
        let (app, fin, pay) = (&app, fin.clone(), pay.clone());
        async move {
            app.req(Method::POST, "/api/finance/refunds")
                .bearer(&fin)
                .header("Idempotency-Key", key)
                .json(&json!({"payment_id": pay, "amount_paise": amount, "reason": "course cancelled"}))
                .send()
                .await
        }
    };
    let first = ask(100_000, "refund-1").await;
    assert_eq!(first.status, 201, "{}", first.text);
    let body = first.json();
    assert_eq!(body["status"], "processed");
    assert_eq!(body["razorpay_refund_id"], "rfnd_part");
    let note = &body["credit_note"];
    assert_eq!(note["number"], format!("CN/{fy}/00001"));
    // 38128 * 100000 / 499900 = 7627.2 -> 7627 each; taxable 100000 - 15254
    assert_eq!(note["cgst_paise"], 7_627);
    assert_eq!(note["sgst_paise"], 7_627);
    assert_eq!(note["igst_paise"], 0);
    assert_eq!(note["taxable_paise"], 84_746);
    assert_eq!(note["total_paise"], 100_000);

    // the same key again: the first refund, nothing more asked of Razorpay (expect(1))
    let again = ask(100_000, "refund-1").await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.json()["id"], body["id"]);

    // more than is left
    let over = ask(399_901, "refund-2").await;
    let p = over.assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "amount_paise");

    // the rest: the two notes together reverse the invoice to the paisa
    let rest = ask(399_900, "refund-3").await;
    assert_eq!(rest.status, 201, "{}", rest.text);
    let rest = rest.json();
    assert_eq!(rest["status"], "pending");
    assert_eq!(rest["credit_note"]["number"], format!("CN/{fy}/00002"));
    assert_eq!(
        note["cgst_paise"].as_i64().unwrap() + rest["credit_note"]["cgst_paise"].as_i64().unwrap(),
        inv.cgst_paise
    );
    assert_eq!(
        note["taxable_paise"].as_i64().unwrap()
            + rest["credit_note"]["taxable_paise"].as_i64().unwrap(),
        inv.taxable_paise
    );
    // the ledger: every document balances, revenue and GST payable are back to zero, the
    // refunds account holds the whole payment
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger"
        )
        .await,
        0
    );
    for account in ["revenue", "cgst_payable", "sgst_payable"] {
        assert_eq!(
            count(&app, &format!("SELECT sum(amount_paise)::bigint FROM finance_ledger WHERE account = '{account}'")).await,
            0,
            "{account}"
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT sum(amount_paise)::bigint FROM finance_ledger WHERE account = 'refunds'"
        )
        .await,
        -499_900
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'finance.refund.request'"
        )
        .await,
        2
    );

    // refund.processed settles the pending one
    let mr = tenant(&app, "mr-mentor").await;
    let settled = refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &RefundProcessed {
            order_id: inv.order_id,
            user_id: inv.user_id,
            platform_id: mr.id,
            amount_paise: 399_900,
            currency: "INR".into(),
            item: inv.item.clone(),
            razorpay_payment_id: pay.clone(),
            razorpay_refund_id: "rfnd_rest".into(),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(settled, refunds::Settled::Settled);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM refunds WHERE status = 'processed'"
        )
        .await,
        2
    );
    assert_eq!(count(&app, "SELECT count(*) FROM credit_notes").await, 2);

    // the ledger summary of today (IST) says the same
    let today = finance::tax::ist_date(chrono::Utc::now());
    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/ledger?from={today}&to={today}"),
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let summary = res.json();
    assert_eq!(summary["balanced"], true);
    let net = |account: &str| {
        summary["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == account)
            .map(|a| a["net_paise"].as_i64().unwrap())
    };
    assert_eq!(net("revenue"), Some(0));
    assert_eq!(net("receivable"), Some(499_900));
    assert_eq!(net("refunds"), Some(-499_900));
    let csv = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/ledger?from={today}&to={today}&format=csv"),
            &fin,
            None,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text.contains("refunds,0,499900,-499900,"),
        "{}",
        csv.text
    );
    // a workbook when one is asked for (it was the CSV under an .xlsx name's query before)
    workbook(
        &app,
        &format!("/api/finance/reports/ledger?from={today}&to={today}&format=xlsx"),
        &fin,
    )
    .await;
}

#[tokio::test]
async fn a_refund_made_in_razorpay_gets_its_credit_note_from_the_webhook_event() {
    let app = spawn_app().await;
    let inv = invoice(&app).await;
    let mr = tenant(&app, "mr-mentor").await;
    let event = RefundProcessed {
        order_id: inv.order_id,
        user_id: inv.user_id,
        platform_id: mr.id,
        amount_paise: 249_950,
        currency: "INR".into(),
        item: inv.item.clone(),
        razorpay_payment_id: inv.razorpay_payment_id.clone(),
        razorpay_refund_id: "rfnd_dashboard".into(),
    };
    let done = refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &event,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(done, refunds::Settled::Recorded);
    // delivered again: settled, no second credit note
    let again = refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &event,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(again, refunds::Settled::Settled);
    assert_eq!(count(&app, "SELECT count(*) FROM credit_notes").await, 1);
    // half the payment: 38128 / 2 = 19064 each
    assert_eq!(
        count(&app, "SELECT cgst_paise FROM credit_notes").await,
        19_064
    );
}

/// Razorpay's refund reaches finance before the invoice of its payment was issued (the two
/// events travel the queue independently): the refund waits on the queue instead of being
/// dropped, and gets its credit note once the invoice exists.
#[tokio::test]
async fn a_refund_handled_before_its_invoice_waits_for_it() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let paid = captured(&mr, buyer, 100_000, true);
    let event = RefundProcessed {
        order_id: paid.order_id,
        user_id: buyer,
        platform_id: mr.id,
        amount_paise: 100_000,
        currency: "INR".into(),
        item: paid.item.clone(),
        razorpay_payment_id: paid.razorpay_payment_id.clone(),
        razorpay_refund_id: "rfnd_early".into(),
    };
    jobs::outbox::publish_in(&app.db, &mr, &event)
        .await
        .unwrap();
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    // its first attempt finds no invoice: the job goes back to wait for a retry
    let queue = app.jobs.queue("domainEventsQueue").await.unwrap();
    let retried = testkit::eventually(15, || async {
        queue
            .get_delayed(0, -1)
            .await
            .unwrap()
            .iter()
            .any(|j| j.name() == "refund.processed")
            .then_some(())
    })
    .await;
    assert!(retried.is_some(), "the refund was not kept for a retry");
    assert_eq!(count(&app, "SELECT count(*) FROM credit_notes").await, 0);

    invoices::issue(&app.db, &app.config.finance, &mr, &paid, chrono::Utc::now())
        .await
        .unwrap();
    let noted = testkit::eventually(20, || async {
        (count(&app, "SELECT count(*) FROM credit_notes").await == 1).then_some(())
    })
    .await;
    assert!(noted.is_some(), "the retried refund got no credit note");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM refunds WHERE razorpay_refund_id = 'rfnd_early' AND status = 'processed'"
        )
        .await,
        1
    );
    worker.stop().await;
}

#[tokio::test]
async fn who_may_refund_and_what_razorpay_says() {
    let (app, rzp) = app_with_razorpay().await;
    let inv = invoice(&app).await;
    let pay = inv.razorpay_payment_id.clone();
    let body = json!({"payment_id": pay, "amount_paise": 1_000, "reason": "goodwill"});
    // a plain USER, and the buyer themselves
    app.call(
        Method::POST,
        "/api/finance/refunds",
        &app.user_token(),
        Some(body.clone()),
    )
    .await
    .assert_problem(403, "forbidden");
    // FINANCE cannot refund their own payment
    let (fin_id, fin) = app.user(Role::User, &[Capability::Finance], "mr-mentor");
    let mr = tenant(&app, "mr-mentor").await;
    let own = captured(&mr, fin_id, 10_000, true);
    invoices::issue(&app.db, &app.config.finance, &mr, &own, chrono::Utc::now())
        .await
        .unwrap();
    app.call(
        Method::POST,
        "/api/finance/refunds",
        &fin,
        Some(
            json!({"payment_id": own.razorpay_payment_id, "amount_paise": 1_000, "reason": "mine"}),
        ),
    )
    .await
    .assert_problem(403, "forbidden");
    // an unknown payment, or another platform's
    let p = app
        .call(
            Method::POST,
            "/api/finance/refunds",
            &fin,
            Some(json!({"payment_id": "pay_unknown", "amount_paise": 1_000, "reason": "x"})),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "payment_id");
    let mas = app.token(Role::User, &[Capability::Finance], "my-analytics-school");
    let p = app
        .req(Method::POST, "/api/finance/refunds")
        .platform("my-analytics-school")
        .bearer(&mas)
        .json(&body)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "payment_id");
    // Razorpay refuses: 502, the refund is failed, no credit note, the amount is free again
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{pay}/refund")))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The refund amount is invalid"}}),
        ))
        .expect(1)
        .mount(&rzp)
        .await;
    let res = app
        .call(Method::POST, "/api/finance/refunds", &fin, Some(body))
        .await;
    assert_eq!(res.status, 502, "{}", res.text);
    assert_eq!(
        count(&app, "SELECT count(*) FROM refunds WHERE status = 'failed'").await,
        1
    );
    assert_eq!(count(&app, "SELECT count(*) FROM credit_notes").await, 0);
}

#[tokio::test]
async fn without_razorpay_keys_refunds_answer_503() {
    let app = spawn_app().await;
    let inv = invoice(&app).await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    app.call(
        Method::POST,
        "/api/finance/refunds",
        &fin,
        Some(json!({"payment_id": inv.razorpay_payment_id, "amount_paise": 100, "reason": "x"})),
    )
    .await
    .assert_problem(503, "provider_not_configured");
    assert_eq!(count(&app, "SELECT count(*) FROM refunds").await, 0);
}

/// A credit note issued after the section 34(2) cut-off of its invoice's financial year says
/// so in the refund's answer; a credit note of a recent invoice has no warning.
#[tokio::test]
async fn a_credit_note_after_the_cut_off_carries_a_warning() {
    let (app, rzp) = app_with_razorpay().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(&mr, buyer, 118_000, true);
    // two financial years back: its cut-off has passed whenever this runs
    let old = invoices::issue(
        &app.db,
        &app.config.finance,
        &mr,
        &e,
        chrono::Utc::now() - chrono::Duration::days(800),
    )
    .await
    .unwrap()
    .invoice;
    let fresh = invoice(&app).await;
    refund_mock(
        &rzp,
        &old.razorpay_payment_id,
        18_000,
        "rfnd_old",
        "processed",
        1,
    )
    .await;
    refund_mock(
        &rzp,
        &fresh.razorpay_payment_id,
        18_000,
        "rfnd_new",
        "processed",
        1,
    )
    .await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let refund = |pay: String| {
        let (app, fin) = (&app, fin.clone());
        async move {
            let res = app
                .call(
                    Method::POST,
                    "/api/finance/refunds",
                    &fin,
                    Some(json!({"payment_id": pay, "amount_paise": 18_000, "reason": "late"})),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text);
            res.json()
        }
    };
    let late = refund(old.razorpay_payment_id.clone()).await;
    let w = late["credit_note"]["warning"].as_str().unwrap();
    assert!(w.contains("cannot reduce the output tax"), "{w}");
    let recent = refund(fresh.razorpay_payment_id.clone()).await;
    assert_eq!(recent["credit_note"]["warning"], json!(null), "{recent}");
}

/// A credit note is a document of its own: listed under its invoice, printed as a PDF that
/// says what it reverses and against which invoice, emailed to the buyer with the PDF
/// attached; the buyer sees their own only, another user nothing.
#[tokio::test]
async fn a_credit_note_is_listed_printed_and_emailed_to_the_buyer_only() {
    let (app, rzp) = app_with_razorpay().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, buyer_token) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(&mr, buyer, 499_900, true);
    let inv = invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    refund_mock(
        &rzp,
        &inv.razorpay_payment_id,
        100_000,
        "rfnd_cn",
        "processed",
        1,
    )
    .await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let res = app
        .req(Method::POST, "/api/finance/refunds")
        .bearer(&fin)
        .json(&json!({"payment_id": inv.razorpay_payment_id, "amount_paise": 100_000, "reason": "course cancelled"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let note = res.json()["credit_note"].clone();
    let (id, number) = (
        note["id"].as_str().unwrap().to_owned(),
        note["number"].as_str().unwrap().to_owned(),
    );
    assert_eq!(
        note["pdf_url"],
        format!("/api/finance/credit-notes/{id}/pdf")
    );

    // listed under the invoice: for finance, and for the buyer with the buyer's PDF route
    let all = app
        .call(
            Method::GET,
            &format!("/api/finance/invoices/{}/credit-notes", inv.id),
            &fin,
            None,
        )
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json()["items"][0]["id"], id.as_str());
    let mine = app
        .call(
            Method::GET,
            &format!("/api/finance/my-invoices/{}/credit-notes", inv.id),
            &buyer_token,
            None,
        )
        .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let items = mine.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["pdf_url"],
        format!("/api/finance/my-credit-notes/{id}/pdf")
    );
    assert_eq!(items[0]["total_paise"], 100_000);

    // the PDF says what it reverses, against which invoice
    let (status, ct, pdf) = crate::pdf::get_bytes(
        &app,
        &format!("/api/finance/my-credit-notes/{id}/pdf"),
        &buyer_token,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ct.as_deref(), Some("application/pdf"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "CREDIT NOTE".to_owned(),
        format!("Credit note number: {number}"),
        format!("Against invoice: {}", inv.number),
        "Reason: course cancelled".to_owned(),
        "999293".to_owned(),
        "CGST reversed: 76.27".to_owned(),
        "SGST reversed: 76.27".to_owned(),
        "Taxable value reversed: 847.46".to_owned(),
        "Credit note value (INR): 1000.00".to_owned(),
    ] {
        assert!(flat.contains(&want), "{want:?} not in {flat:?}");
    }
    let (status, _, same) =
        crate::pdf::get_bytes(&app, &format!("/api/finance/credit-notes/{id}/pdf"), &fin).await;
    assert_eq!(status, 200);
    assert_eq!(same, pdf, "the same document for finance");

    // anyone else: the buyer's routes are 404, the finance routes 403
    let other = app.user_token();
    for path in [
        format!("/api/finance/my-credit-notes/{id}/pdf"),
        format!("/api/finance/my-invoices/{}/credit-notes", inv.id),
    ] {
        app.call(Method::GET, &path, &other, None)
            .await
            .assert_problem(404, "not_found");
    }
    app.call(
        Method::GET,
        &format!("/api/finance/credit-notes/{id}/pdf"),
        &other,
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    app.call(
        Method::GET,
        &format!("/api/finance/credit-notes/{}/pdf", uuid::Uuid::now_v7()),
        &fin,
        None,
    )
    .await
    .assert_problem(404, "not_found");

    // emailed to the buyer with the PDF attached
    let email = email_of(&app, buyer).await;
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    app.wait_completed("emailQueue", "send-credit-note", 1)
        .await;
    worker.stop().await;
    let mails = app.mails();
    let mail = mails
        .iter()
        .find(|m| m.contains(&format!("Your credit note {number}")))
        .expect("the credit note mail");
    assert!(mail.contains(&format!("To: {email}")), "{mail}");
    assert!(
        mail.contains(&format!("filename=\"{}.pdf\"", number.replace('/', "-"))),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: application/pdf"), "{mail}");
}

/// The user's email.
async fn email_of(app: &TestApp, user: uuid::Uuid) -> String {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    app.db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT email FROM users WHERE id = $1",
            [user.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "email")
        .unwrap()
}
