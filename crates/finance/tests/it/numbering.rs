//! Gapless numbering under concurrency and rollback.

use finance::service::invoices;
use kernel::auth::Role;
use sea_orm::TransactionTrait;
use testkit::{eventually, spawn_app};

use crate::common::{captured, count, numbers, tenant};

fn expected(fy: &str, n: i64) -> Vec<(i64, String)> {
    (1..=n).map(|i| (i, format!("MM/{fy}/{i:05}"))).collect()
}

/// 200 `payment.captured` events, each published twice through the outbox, delivered to a
/// worker (events queue concurrency 4): 200 invoices numbered 1..200, no gap, no duplicate.
#[tokio::test]
async fn two_hundred_payments_each_delivered_twice_through_the_outbox() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let events: Vec<_> = (0..200)
        .map(|_| captured(&mr, buyer, 118_000, true))
        .collect();
    for e in events.iter().chain(events.iter()) {
        jobs::outbox::publish_in(&app.db, &mr, e).await.unwrap();
    }
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    let done = eventually(90, || async {
        (count(&app, "SELECT count(*) FROM invoices").await == 200).then_some(())
    })
    .await;
    assert!(done.is_some(), "200 invoices within 90 s");
    app.wait_completed("domainEventsQueue", "payment.captured", 400)
        .await;
    let fy = finance::tax::financial_year(chrono::Utc::now());
    assert_eq!(numbers(&app).await, expected(&fy, 200));
    assert_eq!(
        count(&app, "SELECT count(DISTINCT order_id) FROM invoices").await,
        200
    );
    assert_eq!(
        count(&app, "SELECT max(next_seq) FROM invoice_counters").await,
        201,
        "no number taken and lost"
    );
    worker.stop().await;
}

/// 200 orders issued concurrently, each twice at the same time, straight through the service
/// on a pool: still 1..200 and one invoice per order.
#[tokio::test]
async fn concurrent_duplicates_through_the_service() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let config = app.config.finance.clone();
    let events: Vec<_> = (0..200)
        .map(|_| captured(&mr, buyer, 50_000, false))
        .collect();
    let mut tasks = Vec::new();
    for e in events.iter().chain(events.iter()) {
        let (db, config, mr, e) = (app.db.clone(), config.clone(), mr.clone(), e.clone());
        tasks.push(tokio::spawn(async move {
            invoices::issue(&db, &config, &mr, &e, chrono::Utc::now())
                .await
                .map(|i| i.created)
        }));
    }
    let mut created = 0;
    for t in futures::future::join_all(tasks).await {
        if t.unwrap().unwrap() {
            created += 1;
        }
    }
    assert_eq!(created, 200, "each order's invoice created exactly once");
    let fy = finance::tax::financial_year(chrono::Utc::now());
    assert_eq!(numbers(&app).await, expected(&fy, 200));
}

/// An invoice whose transaction rolls back leaves no hole: the next one takes its number.
#[tokio::test]
async fn a_rolled_back_invoice_leaves_no_hole() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let config = app.config.finance.clone();
    let fy = finance::tax::financial_year(chrono::Utc::now());
    let first = captured(&mr, buyer, 10_000, true);
    let txn = app.db.begin().await.unwrap();
    let doomed = invoices::issue_in(&txn, &config, &mr, &first, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(doomed.number, format!("MM/{fy}/00001"));
    txn.rollback().await.unwrap();
    assert_eq!(count(&app, "SELECT count(*) FROM invoices").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM finance_ledger").await, 0);

    let second = captured(&mr, buyer, 10_000, true);
    let i = invoices::issue(&app.db, &config, &mr, &second, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (i.invoice.seq, i.invoice.number.as_str()),
        (1, &*format!("MM/{fy}/00001"))
    );
    // the rolled-back order, delivered again, gets the next number
    let again = invoices::issue(&app.db, &config, &mr, &first, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(again.invoice.seq, 2);
    assert_eq!(numbers(&app).await, expected(&fy, 2));
}
