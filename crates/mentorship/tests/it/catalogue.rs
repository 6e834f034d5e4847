//! The public mentor list from each replica's copy (ADR 0083): a booking, a new slot or an
//! approval shows at once on the replica that made it and, through the invalidation channel,
//! on the others; one platform's page is never another's.

use chrono::{Duration, Utc};
use testkit::{TestApp, TestOptions, eventually, spawn_app_with};

use crate::common::{book, mentor_on, slot, student};

async fn next_slot(app: &TestApp, platform: &str) -> Option<String> {
    let res = app
        .req(reqwest::Method::GET, "/api/mentors?limit=20")
        .platform(platform)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()["items"][0]["next_open_slot"]["id"]
        .as_str()
        .map(str::to_owned)
}

async fn live(app: &TestApp) {
    let pages = mentorship::service::catalogue::pages(&app.ctx);
    eventually(10, || async { pages.is_live().then_some(()) })
        .await
        .expect("subscribed to the catalogue channel");
}

#[tokio::test]
async fn a_booking_shows_on_every_replica_and_pages_stay_per_platform() {
    // pages live a minute here: only the invalidation can make a replica show a change
    let a = spawn_app_with(TestOptions::default().env("MENTOR_LIST_CACHE_MS", "60000")).await;
    let b = a.spawn_replica().await;
    live(&a).await;
    live(&b).await;
    let (_, mentor, _) = mentor_on(&a, "mr-mentor", 10).await;
    let start = Utc::now() + Duration::days(2);
    let first = slot(&a, &mentor, start, 30).await;
    let second = slot(&a, &mentor, start + Duration::hours(1), 30).await;
    // both replicas now hold the page with the first slot next
    assert_eq!(
        next_slot(&a, "mr-mentor").await.as_deref(),
        Some(first.as_str())
    );
    assert_eq!(
        next_slot(&b, "mr-mentor").await.as_deref(),
        Some(first.as_str())
    );
    let pages = mentorship::service::catalogue::pages(&b.ctx);
    assert!(!pages.is_empty(), "B keeps the page");
    // another platform has its own (empty) list, not mr-mentor's page
    assert_eq!(next_slot(&b, "my-analytics-school").await, None);

    let (_, student) = student(&a, 100).await;
    book(&a, &student, &first).await;
    // A: at once
    assert_eq!(
        next_slot(&a, "mr-mentor").await.as_deref(),
        Some(second.as_str())
    );
    // B: once the change has arrived, long before its copy would expire
    let seen = eventually(5, || async {
        let next = next_slot(&b, "mr-mentor").await;
        (next.as_deref() == Some(second.as_str())).then_some(())
    })
    .await;
    assert!(seen.is_some(), "B still shows the booked slot as next");
}

/// The moment a page expires every request in flight misses it: they share one read of
/// PostgreSQL (ADR 0092) instead of each running the list's statement.
#[tokio::test]
async fn requests_missing_one_page_at_once_share_one_read() {
    let log = testkit::SqlLog::start().await.unwrap();
    let app = spawn_app_with(log.options()).await;
    live(&app).await;
    mentor_on(&app, "mr-mentor", 10).await;
    // warm up the tenant cache and the pool's connection on another page
    assert_eq!(app.get("/api/mentors?limit=3").await.status, 200);
    log.take();
    let pages = futures::future::join_all((0..16).map(|_| app.get("/api/mentors?limit=7"))).await;
    assert!(pages.iter().all(|r| r.status == 200));
    assert!(pages.iter().all(|r| r.text == pages[0].text), "one page");
    assert_eq!(pages[0].json()["items"].as_array().unwrap().len(), 1);
    let reads = log
        .take()
        .into_iter()
        .filter(|s| s.contains("mentor_profiles"))
        .count();
    assert_eq!(reads, 1, "16 requests missing one page");
}
