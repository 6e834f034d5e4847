//! Mr. Mentor through HTTP: apply, approve, open slots, list, book under concurrency with
//! idempotency, cancel per the policy, complete, and the ledger reconciling at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, Utc};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::json;
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

const MM: &str = "mr-mentor";

fn user(app: &TestApp, role: Role) -> (Uuid, String) {
    app.user(role, &[], MM)
}

async fn grant(app: &TestApp, admin: &str, user: Uuid, amount: i64) {
    let res = app
        .call(
            Method::POST,
            "/api/admin/tokens/grant",
            admin,
            Some(json!({"user_id": user, "amount": amount, "reason": "test grant"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

async fn balance(app: &TestApp, token: &str) -> (i64, i64) {
    let b = app
        .call(Method::GET, "/api/tokens/balance", token, None)
        .await
        .json();
    (
        b["available"].as_i64().unwrap(),
        b["held"].as_i64().unwrap(),
    )
}

/// An approved mentor charging `price` with `n` open slots an hour apart from `hours_ahead`.
async fn mentor(
    app: &TestApp,
    admin: &str,
    price: i64,
    n: usize,
    hours_ahead: i64,
) -> (Uuid, String, Uuid, Vec<String>) {
    // a plain USER applies; approval makes them EXPERT, effective on their next request
    let (id, token) = user(app, Role::User);
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me",
            &token,
            Some(json!({
                "headline": "Data science mentor", "bio": "Ten years of analytics.",
                "expertise": ["Python", "SQL"], "price_tokens": price, "languages": ["en", "hi"],
                "full_name": "Asha Rao"
            })),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let profile: Uuid = res.json()["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(res.json()["status"], "pending");
    let approved = app
        .call(
            Method::POST,
            &format!("/api/admin/mentors/{profile}/approve"),
            admin,
            None,
        )
        .await;
    assert_eq!(approved.json()["status"], "approved", "{}", approved.text);
    let me = app.call(Method::GET, "/api/auth/me", &token, None).await;
    assert_eq!(me.json()["role"], "EXPERT", "{}", me.text);
    let mut slots = Vec::new();
    for i in 0..n {
        let start = Utc::now() + Duration::hours(hours_ahead + i64::try_from(i).unwrap());
        let res = app
            .call(
                Method::POST,
                "/api/mentors/me/slots",
                &token,
                Some(json!({
                    "start_at": start, "end_at": start + Duration::minutes(45)
                })),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        slots.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    (id, token, profile, slots)
}

async fn reconciles(app: &TestApp, admin: &str) {
    let r = app
        .call(Method::GET, "/api/admin/tokens/reconcile", admin, None)
        .await
        .json();
    assert_eq!(r["ok"], true, "{r}");
}

#[tokio::test]
async fn a_student_books_the_mentor_completes_and_earns() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    let (mentor_id, mentor_token, profile, slots) = mentor(&app, &admin, 30, 2, 48).await;
    let (student, student_token) = user(&app, Role::User);
    grant(&app, &admin, student, 100).await;

    // the public list shows the mentor with the next open slot
    let list = app.get("/api/mentors").await.json();
    assert_eq!(list["items"][0]["id"], profile.to_string());
    assert_eq!(list["items"][0]["next_open_slot"]["id"], slots[0].as_str());
    assert_eq!(list["items"][0]["expertise"], json!(["python", "sql"]));
    let filtered = app.get("/api/mentors?expertise=rust").await.json();
    assert_eq!(filtered["items"], json!([]));
    let by_price = app.get("/api/mentors?max_price=29").await.json();
    assert_eq!(by_price["items"], json!([]));
    let open = app
        .get(&format!("/api/mentors/{profile}/slots"))
        .await
        .json();
    assert_eq!(open.as_array().unwrap().len(), 2);

    let booked = app
        .call(
            Method::POST,
            &format!("/api/slots/{}/book", slots[0]),
            &student_token,
            None,
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.text);
    let b = booked.json();
    assert_eq!(b["tokens_held"], 30);
    assert_eq!(balance(&app, &student_token).await, (70, 30));
    let meeting = b["meeting_id"].as_str().unwrap();
    let m = app
        .call(
            Method::GET,
            &format!("/api/meetings/{meeting}"),
            &student_token,
            None,
        )
        .await
        .json();
    assert_eq!(m["participants"][0]["user_id"], mentor_id.to_string());
    // an outsider cannot see it, the student cannot complete it
    let (_, outsider) = user(&app, Role::User);
    app.call(
        Method::GET,
        &format!("/api/meetings/{meeting}"),
        &outsider,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    app.call(
        Method::POST,
        &format!("/api/meetings/{meeting}/complete"),
        &student_token,
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    // nor can the mentor before the session happened (the slot is two days ahead)
    app.call(
        Method::POST,
        &format!("/api/meetings/{meeting}/complete"),
        &mentor_token,
        None,
    )
    .await
    .assert_problem(409, "meeting_not_held");
    assert_eq!(balance(&app, &student_token).await, (70, 30));

    app.hold_session(meeting, &mentor_token, &student_token)
        .await;
    let done = app
        .call(
            Method::POST,
            &format!("/api/meetings/{meeting}/complete"),
            &mentor_token,
            None,
        )
        .await;
    assert_eq!(
        done.json(),
        json!({"meeting_id": meeting, "status": "completed"})
    );
    let again = app
        .call(
            Method::POST,
            &format!("/api/meetings/{meeting}/complete"),
            &mentor_token,
            None,
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(balance(&app, &student_token).await, (70, 0));
    let earnings = app
        .call(Method::GET, "/api/mentor-earnings/me", &mentor_token, None)
        .await
        .json();
    assert_eq!(
        earnings["available"], 24,
        "30 tokens less 20 % commission: {earnings}"
    );
    reconciles(&app, &admin).await;
}

#[tokio::test]
async fn a_hundred_concurrent_bookings_of_one_slot_make_one_booking() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    let (_, _, _, slots) = mentor(&app, &admin, 10, 1, 48).await;
    let mut students = Vec::new();
    for _ in 0..100 {
        let (id, token) = user(&app, Role::User);
        grant(&app, &admin, id, 10).await;
        students.push(token);
    }
    let path = format!("/api/slots/{}/book", slots[0]);
    let results = futures::future::join_all(
        students
            .iter()
            .map(|t| app.call(Method::POST, &path, t, None)),
    )
    .await;
    let created = results.iter().filter(|r| r.status == 201).count();
    let taken = results
        .iter()
        .filter(|r| r.status == 409 && r.json()["code"] == "slot_taken")
        .count();
    assert_eq!(
        (created, taken),
        (1, 99),
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let held: i64 = futures::future::join_all(students.iter().map(|t| balance(&app, t)))
        .await
        .iter()
        .map(|(_, held)| held)
        .sum();
    assert_eq!(held, 10, "one hold in the ledger");
    reconciles(&app, &admin).await;
}

#[tokio::test]
async fn one_sessions_worth_of_tokens_books_one_of_two_slots_and_keys_replay() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    let (_, _, _, slots) = mentor(&app, &admin, 25, 2, 48).await;
    let (student, token) = user(&app, Role::User);
    grant(&app, &admin, student, 30).await;
    let paths: Vec<String> = slots
        .iter()
        .map(|s| format!("/api/slots/{s}/book"))
        .collect();
    let two = futures::future::join_all(
        paths
            .iter()
            .map(|p| app.call(Method::POST, p, &token, None)),
    )
    .await;
    let mut statuses: Vec<u16> = two.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        vec![201, 402],
        "{:?}",
        two.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
    );
    assert_eq!(balance(&app, &token).await, (5, 25));
    // the refused slot is still open
    let open = app
        .get(&format!("/api/mentors/{}/slots", {
            let list = app.get("/api/mentors").await.json();
            list["items"][0]["id"].as_str().unwrap().to_owned()
        }))
        .await
        .json();
    assert_eq!(open.as_array().unwrap().len(), 1);

    // a repeated Idempotency-Key returns the first booking, also under concurrency
    let (student2, token2) = user(&app, Role::User);
    grant(&app, &admin, student2, 100).await;
    let free = open[0]["id"].as_str().unwrap();
    let path = format!("/api/slots/{free}/book");
    let repeats = futures::future::join_all((0..10).map(|_| {
        app.req(Method::POST, &path)
            .bearer(&token2)
            .header("Idempotency-Key", "book-1")
            .send()
    }))
    .await;
    assert!(
        repeats.iter().all(|r| r.status == 201),
        "{:?}",
        repeats.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
    );
    let ids: std::collections::HashSet<String> = repeats
        .iter()
        .map(|r| r.json()["booking_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(balance(&app, &token2).await, (75, 25));
    reconciles(&app, &admin).await;
}

#[tokio::test]
async fn cancellations_follow_the_policy() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    // one slot two days ahead (free cancellation), one in two hours (late)
    let (_, mentor_token, profile, far) = mentor(&app, &admin, 20, 1, 48).await;
    let soon_start = Utc::now() + Duration::hours(2);
    let soon = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            &mentor_token,
            Some(json!({
                "start_at": soon_start, "end_at": soon_start + Duration::minutes(30)
            })),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (student, token) = user(&app, Role::User);
    grant(&app, &admin, student, 100).await;

    let b1 = app
        .call(
            Method::POST,
            &format!("/api/slots/{}/book", far[0]),
            &token,
            None,
        )
        .await
        .json();
    let c1 = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                b1["booking_id"].as_str().unwrap()
            ),
            &token,
            Some(json!({"reason": "clash"})),
        )
        .await;
    assert_eq!(c1.json()["refunded_tokens"], 20, "{}", c1.text);
    assert_eq!(balance(&app, &token).await, (100, 0));
    // the slot reopened and can be booked again
    let rebook = app
        .call(
            Method::POST,
            &format!("/api/slots/{}/book", far[0]),
            &token,
            None,
        )
        .await;
    assert_eq!(rebook.status, 201, "{}", rebook.text);

    let b2 = app
        .call(
            Method::POST,
            &format!("/api/slots/{soon}/book"),
            &token,
            None,
        )
        .await
        .json();
    let c2 = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                b2["booking_id"].as_str().unwrap()
            ),
            &token,
            None,
        )
        .await;
    assert_eq!(
        c2.json()["refunded_tokens"],
        10,
        "late: half back: {}",
        c2.text
    );
    // the mentor cancelling refunds everything
    let c3 = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                rebook.json()["booking_id"].as_str().unwrap()
            ),
            &mentor_token,
            None,
        )
        .await;
    assert_eq!(c3.json()["refunded_tokens"], 20);
    assert_eq!(balance(&app, &token).await, (90, 0));
    let earned = app
        .call(Method::GET, "/api/mentor-earnings/me", &mentor_token, None)
        .await
        .json();
    assert_eq!(earned["available"], 8, "10 late tokens less 20 %: {earned}");
    // cancelling twice changes nothing; completing a cancelled meeting is refused
    let again = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                b2["booking_id"].as_str().unwrap()
            ),
            &token,
            None,
        )
        .await;
    assert_eq!(again.json()["refunded_tokens"], 10);
    app.call(
        Method::POST,
        &format!(
            "/api/meetings/{}/complete",
            b2["meeting_id"].as_str().unwrap()
        ),
        &mentor_token,
        None,
    )
    .await
    .assert_problem(409, "meeting_cancelled");
    assert!(profile != Uuid::nil());
    reconciles(&app, &admin).await;
}

#[tokio::test]
async fn slots_validate_overlap_roles_and_tenancy() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    let (_, mentor_token, profile, slots) = mentor(&app, &admin, 10, 1, 48).await;
    let start = Utc::now() + Duration::hours(48) + Duration::minutes(15);
    app.call(
        Method::POST,
        "/api/mentors/me/slots",
        &mentor_token,
        Some(json!({"start_at": start, "end_at": start + Duration::minutes(30)})),
    )
    .await
    .assert_problem(409, "slot_overlap");
    let past = Utc::now() - Duration::hours(1);
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            &mentor_token,
            Some(json!({"start_at": past, "end_at": past + Duration::minutes(30)})),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "start_at"
    );
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            &mentor_token,
            Some(json!({"start_at": "tomorrow"})),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text);
    // a plain user cannot open slots; an expert without an approved profile is refused
    let (_, plain) = user(&app, Role::User);
    app.call(
        Method::POST,
        "/api/mentors/me/slots",
        &plain,
        Some(json!({"start_at": start, "end_at": start + Duration::minutes(30)})),
    )
    .await
    .assert_problem(403, "forbidden");
    let (_, unapproved) = user(&app, Role::Expert);
    app.call(
        Method::POST,
        "/api/mentors/me/slots",
        &unapproved,
        Some(json!({"start_at": start, "end_at": start + Duration::minutes(30)})),
    )
    .await
    .assert_problem(403, "mentor_not_approved");
    // approving is for admins
    app.call(
        Method::POST,
        &format!("/api/admin/mentors/{profile}/approve"),
        &plain,
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    // another platform sees neither the mentor nor the slot
    let other = app.token(Role::User, &[], "my-analytics-school");
    let list = app
        .req(Method::GET, "/api/mentors")
        .platform("my-analytics-school")
        .send()
        .await
        .json();
    assert_eq!(list["items"], json!([]));
    app.req(Method::POST, &format!("/api/slots/{}/book", slots[0]))
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await
        .assert_problem(404, "not_found");
    // mr-hire has no mentorship module
    app.req(Method::GET, "/api/mentors")
        .platform("mr-hire")
        .send()
        .await
        .assert_problem(404, "not_found");
    // applying twice
    app.call(
        Method::POST,
        "/api/mentors/me",
        &mentor_token,
        Some(json!({
            "headline": "again", "bio": "", "expertise": ["x"], "price_tokens": 5
        })),
    )
    .await
    .assert_problem(409, "already_applied");
}

#[tokio::test]
async fn a_booking_moves_to_another_slot_of_the_same_mentor() {
    let app = spawn_app().await;
    let (_, admin) = user(&app, Role::Admin);
    let (_, _, profile, slots) = mentor(&app, &admin, 10, 2, 48).await;
    let (_, _, _, other_mentor_slots) = mentor(&app, &admin, 10, 1, 100).await;
    let (student, token) = user(&app, Role::User);
    grant(&app, &admin, student, 10).await;
    let b = app
        .call(
            Method::POST,
            &format!("/api/slots/{}/book", slots[0]),
            &token,
            None,
        )
        .await
        .json();
    let id = b["booking_id"].as_str().unwrap();
    app.call(
        Method::POST,
        &format!("/api/bookings/{id}/reschedule"),
        &token,
        Some(json!({"slot_id": other_mentor_slots[0]})),
    )
    .await
    .assert_problem(422, "validation_failed");
    let moved = app
        .call(
            Method::POST,
            &format!("/api/bookings/{id}/reschedule"),
            &token,
            Some(json!({"slot_id": slots[1]})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json()["slot_id"], slots[1].as_str());
    assert_eq!(balance(&app, &token).await, (0, 10), "the tokens stay held");
    let open = app
        .get(&format!("/api/mentors/{profile}/slots"))
        .await
        .json();
    assert_eq!(open[0]["id"], slots[0].as_str(), "the old slot reopened");
    let (_, stranger) = user(&app, Role::User);
    app.call(
        Method::POST,
        &format!("/api/bookings/{id}/reschedule"),
        &stranger,
        Some(json!({"slot_id": slots[0]})),
    )
    .await
    .assert_problem(404, "not_found");
    reconciles(&app, &admin).await;
}
