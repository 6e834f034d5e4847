//! `GET /api/mentors` runs a constant number of SQL statements, whatever the page size.
//! Statements are counted on the wire by `testkit::SqlLog` (a protocol-reading proxy in
//! front of PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use testkit::{SqlLog, spawn_app_with};

#[tokio::test]
async fn the_mentor_list_is_a_constant_number_of_statements() {
    let log = SqlLog::start().await.unwrap();
    let app = spawn_app_with(log.options()).await;
    // 20 approved mentors with 3 open slots each, written directly (the API path is tested
    // elsewhere)
    exec(
        &app,
        "WITH p AS (
            INSERT INTO mentor_profiles (id, platform_id, user_id, headline, bio, expertise,
                                         price_tokens, status)
            SELECT gen_random_uuid(), (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
                   gen_random_uuid(), 'Mentor ' || i, '', '[\"sql\"]', 10, 'approved'
              FROM generate_series(1, 20) i
            RETURNING id, platform_id)
         INSERT INTO mentor_slots (id, platform_id, mentor_id, starts_at, ends_at, status)
         SELECT gen_random_uuid(), p.platform_id, p.id, now() + make_interval(hours => 24 + h),
                now() + make_interval(hours => 24 + h, mins => 30), 'open'
           FROM p, generate_series(1, 3) h",
        vec![],
    )
    .await;
    // warm up: tenant cache, the pool's connection
    assert_eq!(app.get("/api/mentors").await.status, 200);
    log.take();

    let mut seen = Vec::new();
    for limit in [1, 5, 10, 20, 100] {
        let res = app.get(&format!("/api/mentors?limit={limit}")).await;
        assert_eq!(res.status, 200, "{}", res.text);
        let items = res.json()["items"].as_array().unwrap().len();
        assert_eq!(items, limit.min(20));
        assert!(res.json()["items"][0]["next_open_slot"].is_object());
        let statements = log.take();
        let mentor_reads = statements
            .iter()
            .filter(|s| s.contains("mentor_profiles") || s.contains("mentor_slots"))
            .count();
        assert_eq!(mentor_reads, 1, "limit {limit}: {statements:#?}");
        seen.push(statements.len());
    }
    // at most a tenant-cache refresh besides the one statement, whatever the page size
    assert!(seen.iter().all(|n| (1..=2).contains(n)), "{seen:?}");
    // the counting is real: a page of 20 mentors' details costs one statement each
    for id in app.get("/api/mentors?limit=3").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
    {
        assert_eq!(app.get(&format!("/api/mentors/{id}")).await.status, 200);
    }
    let details = log.take();
    eprintln!(
        "statements per page size [1, 5, 10, 20, 100]: {seen:?}; list + 3 details: {}",
        details.len()
    );
    // the list, then a profile read and a slot read per detail (and perhaps a tenant-cache
    // refresh)
    assert!((7..=8).contains(&details.len()), "{details:#?}");
}

/// A booking is one transaction whose statements do not grow with what it notifies: the
/// slot is taken with its mentor and both participants read in one statement, the hold is
/// placed with the student's accounts locked and the governance switch read in one, and the
/// booking, its meeting and its jobs' outbox row (two emails, two in-app pushes, the first
/// delayed notice; a calendar event only for a connected mentor) are one.
#[tokio::test]
async fn a_booking_is_a_fixed_short_list_of_statements() {
    let log = SqlLog::start().await.unwrap();
    let app = spawn_app_with(log.options()).await;
    let (_, mentor_token, _) = mentor_on(&app, "mr-mentor", 10).await;
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let first = slot(&app, &mentor_token, start, 30).await;
    let second = slot(&app, &mentor_token, start + chrono::Duration::hours(2), 30).await;
    let (_, student_token) = student(&app, 100).await;
    // warm up: tenant cache, the directory, the pool's connections and prepared statements
    book(&app, &student_token, &first).await;
    log.take();
    let outbox_before: i64 = scalar(&app, "SELECT count(*) FROM outbox", vec![]).await;

    book(&app, &student_token, &second).await;
    let statements = log.take();
    let outbox_after: i64 = scalar(&app, "SELECT count(*) FROM outbox", vec![]).await;
    let user_reads = statements
        .iter()
        .filter(|s| s.contains("FROM \"users\""))
        .count();
    let booking_writes: Vec<_> = statements
        .iter()
        .filter(|s| s.contains("INSERT INTO bookings") || s.contains("INSERT INTO meetings"))
        .collect();
    // one outbox row carrying 2 emails, 2 in-app notices and the first delayed notice (the
    // 24 h reminder, which plans the next when it runs; no calendar connected)
    assert_eq!(outbox_after - outbox_before, 1);
    let jobs: i32 = scalar(
        &app,
        "SELECT jsonb_array_length(payload) FROM outbox ORDER BY created_at DESC LIMIT 1",
        vec![],
    )
    .await;
    assert_eq!(jobs, 5);
    assert_eq!(user_reads, 0, "{statements:#?}");
    // the booking, its meeting and the outbox row: one statement
    assert_eq!(booking_writes.len(), 1, "{statements:#?}");
    assert!(booking_writes[0].contains("INSERT INTO meetings"));
    assert!(booking_writes[0].contains("INSERT INTO outbox"));
    // the slot; the hold with the student's two accounts locked, the governance switch read,
    // its transfer and both balance moves; the booking with its meeting and jobs (ADR 0093)
    assert!(
        statements.len() <= 3,
        "{} statements: {statements:#?}",
        statements.len()
    );
}
