//! Mentors moving and withdrawing their open slots through HTTP: the limits of opening one,
//! overlaps, booked and past slots, other mentors' slots, slots generated from weekly rules
//! staying gone, and a booking racing an edit or a withdrawal of the same slot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Datelike, Duration, SecondsFormat, Utc};
use common::*;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse, spawn_app};
use uuid::Uuid;

async fn patch(app: &TestApp, token: &str, slot: &str, body: Value) -> TestResponse {
    app.call(
        Method::PATCH,
        &format!("/api/mentors/me/slots/{slot}"),
        token,
        Some(body),
    )
    .await
}

async fn delete(app: &TestApp, token: &str, slot: &str) -> TestResponse {
    app.call(
        Method::DELETE,
        &format!("/api/mentors/me/slots/{slot}"),
        token,
        None,
    )
    .await
}

async fn try_book(app: &TestApp, token: &str, slot: &str) -> TestResponse {
    app.call(
        Method::POST,
        &format!("/api/slots/{slot}/book"),
        token,
        None,
    )
    .await
}

/// The open slots of a mentor profile as `(id, start)`.
async fn open_slots(app: &TestApp, profile: Uuid) -> Vec<(String, String)> {
    let to = (Utc::now() + Duration::days(20)).format("%Y-%m-%dT%H:%M:%SZ");
    let res = app
        .get(&format!("/api/mentors/{profile}/slots?to={to}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let start: DateTime<Utc> = s["start_at"].as_str().unwrap().parse().unwrap();
            (s["id"].as_str().unwrap().to_owned(), at(start))
        })
        .collect()
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn field_of(res: &TestResponse) -> String {
    res.assert_problem(422, "validation_failed")["errors"][0]["field"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn mentors_move_and_withdraw_their_open_slots() {
    let app = spawn_app().await;
    let (_, mentor, profile) = mentor_on(&app, MM, 10).await;
    let now = Utc::now();
    let first = slot(&app, &mentor, now + Duration::hours(48), 60).await;

    // moving replaces the slot: new times under a new id, the old id is gone
    let (start, end) = (now + Duration::hours(72), now + Duration::hours(73));
    let res = patch(
        &app,
        &mentor,
        &first,
        json!({"start_at": start, "end_at": end}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let moved = res.json();
    let moved_id = moved["id"].as_str().unwrap().to_owned();
    assert_ne!(moved_id, first);
    assert_eq!(moved["status"], "open");
    assert_eq!(
        open_slots(&app, profile).await,
        [(moved_id.clone(), at(start))]
    );
    patch(&app, &mentor, &first, json!({"end_at": end}))
        .await
        .assert_problem(404, "not_found");
    delete(&app, &mentor, &first)
        .await
        .assert_problem(404, "not_found");
    let (_, student_token) = student(&app, 100).await;
    try_book(&app, &student_token, &first)
        .await
        .assert_problem(409, "slot_taken");
    // one field keeps the other; unchanged times change nothing (same id)
    let longer = end + Duration::minutes(30);
    let res = patch(&app, &mentor, &moved_id, json!({"end_at": longer})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let moved_id = res.json()["id"].as_str().unwrap().to_owned();
    let res = patch(
        &app,
        &mentor,
        &moved_id,
        json!({"start_at": start, "end_at": longer}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["id"], moved_id.as_str());
    let res = patch(&app, &mentor, &moved_id, json!({})).await;
    assert_eq!(res.json()["id"], moved_id.as_str());

    // the limits of opening a slot, each naming its field; nothing changes
    let past = now - Duration::hours(1);
    for (body, field) in [
        (json!({"start_at": past}), "start_at"),
        (json!({"end_at": start - Duration::minutes(5)}), "end_at"),
        (json!({"end_at": start + Duration::hours(9)}), "end_at"),
        (json!({"start_at": "tomorrow"}), "start_at"),
    ] {
        let res = patch(&app, &mentor, &moved_id, body.clone()).await;
        assert_eq!(field_of(&res), field, "{body}");
    }
    // a misspelt field is refused rather than ignored
    let res = patch(&app, &mentor, &moved_id, json!({"start": start})).await;
    res.assert_problem(422, "validation_failed");
    assert_eq!(
        open_slots(&app, profile).await,
        [(moved_id.clone(), at(start))]
    );

    // an overlap with another of the mentor's slots is refused and rolls back
    let other = slot(&app, &mentor, now + Duration::hours(80), 60).await;
    patch(
        &app,
        &mentor,
        &other,
        json!({"start_at": start + Duration::minutes(30), "end_at": start + Duration::minutes(90)}),
    )
    .await
    .assert_problem(409, "slot_overlap");
    assert_eq!(open_slots(&app, profile).await.len(), 2);

    // withdrawing: 204, then gone for everyone
    let res = delete(&app, &mentor, &other).await;
    assert_eq!(res.status, 204, "{}", res.text);
    assert!(res.text.is_empty());
    delete(&app, &mentor, &other)
        .await
        .assert_problem(404, "not_found");
    try_book(&app, &student_token, &other)
        .await
        .assert_problem(409, "slot_taken");
    assert_eq!(
        open_slots(&app, profile).await,
        [(moved_id.clone(), at(start))]
    );

    // a booked slot stays as booked
    book(&app, &student_token, &moved_id).await;
    patch(&app, &mentor, &moved_id, json!({"end_at": end}))
        .await
        .assert_problem(409, "slot_booked");
    delete(&app, &mentor, &moved_id)
        .await
        .assert_problem(409, "slot_booked");

    // a slot whose start has passed (not yet swept to `expired`) no longer changes
    let late = slot(&app, &mentor, now + Duration::hours(100), 30).await;
    exec(
        &app,
        "UPDATE mentor_slots SET starts_at = now() - interval '10 minutes',
                ends_at = now() + interval '20 minutes' WHERE id = $1",
        vec![late.parse::<Uuid>().unwrap().into()],
    )
    .await;
    patch(
        &app,
        &mentor,
        &late,
        json!({"end_at": now + Duration::hours(1)}),
    )
    .await
    .assert_problem(409, "slot_expired");
    delete(&app, &mentor, &late)
        .await
        .assert_problem(409, "slot_expired");
}

#[tokio::test]
async fn nobody_else_changes_a_mentors_slots() {
    let app = spawn_app().await;
    let (_, mentor, profile) = mentor_on(&app, MM, 10).await;
    let (_, other_mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, foreign_mentor, _) = mentor_on(&app, "my-analytics-school", 10).await;
    let start = Utc::now() + Duration::hours(48);
    let id = slot(&app, &mentor, start, 60).await;
    let body =
        json!({"start_at": start + Duration::hours(2), "end_at": start + Duration::hours(3)});

    // another mentor, a mentor of another platform: no such slot
    patch(&app, &other_mentor, &id, body.clone())
        .await
        .assert_problem(404, "not_found");
    delete(&app, &other_mentor, &id)
        .await
        .assert_problem(404, "not_found");
    for method in [Method::PATCH, Method::DELETE] {
        app.req(method, &format!("/api/mentors/me/slots/{id}"))
            .platform("my-analytics-school")
            .bearer(&foreign_mentor)
            .json(&body)
            .send()
            .await
            .assert_problem(404, "not_found");
    }
    // a plain user is no mentor; nobody signed in is nobody; an admin has no slots
    let plain = app.user_token();
    patch(&app, &plain, &id, body.clone())
        .await
        .assert_problem(403, "forbidden");
    app.req(Method::DELETE, &format!("/api/mentors/me/slots/{id}"))
        .send()
        .await
        .assert_problem(401, "unauthorized");
    delete(&app, &app.admin_token(), &id)
        .await
        .assert_problem(404, "not_found");
    // a suspended mentor may withdraw, not move
    exec(
        &app,
        "UPDATE mentor_profiles SET status = 'suspended' WHERE id = $1",
        vec![profile.into()],
    )
    .await;
    patch(&app, &mentor, &id, body)
        .await
        .assert_problem(403, "mentor_not_approved");
    assert_eq!(delete(&app, &mentor, &id).await.status, 204);
    // the slot is untouched by everyone else and gone after its mentor withdrew it
    let status: String = scalar(
        &app,
        "SELECT status FROM mentor_slots WHERE id = $1",
        vec![id.parse::<Uuid>().unwrap().into()],
    )
    .await;
    assert_eq!(status, "cancelled");
}

#[tokio::test]
async fn withdrawn_and_moved_rule_slots_are_not_generated_again() {
    let app = spawn_app().await;
    let (_, mentor, profile) = mentor_on(&app, MM, 10).await;
    // 10:00-12:00 UTC on the weekday two days from now: 2 or 3 such days in 14, 2 slots each
    let weekday = (Utc::now() + Duration::days(2))
        .weekday()
        .num_days_from_sunday();
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me/availability-rules",
            &mentor,
            Some(
                json!({"weekday": weekday, "start_time": "10:00", "end_time": "12:00",
                        "timezone": "UTC"}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let generated = open_slots(&app, profile).await;
    assert!(generated.len() >= 4, "{generated:?}");
    let (withdrawn, withdrawn_at) = generated[0].clone();
    let (moved, moved_at) = generated[1].clone();
    assert_eq!(delete(&app, &mentor, &withdrawn).await.status, 204);
    let from: DateTime<Utc> = moved_at.parse().unwrap();
    let res = patch(
        &app,
        &mentor,
        &moved,
        json!({"start_at": from + Duration::hours(3), "end_at": from + Duration::hours(4)}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // the daily generation brings back neither time
    let created = mentorship::service::rules::generate_all(&app.db)
        .await
        .unwrap();
    assert_eq!(created, 0);
    let starts: Vec<String> = open_slots(&app, profile)
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(starts.len(), generated.len() - 1, "{starts:?}");
    assert!(
        !starts.contains(&withdrawn_at) && !starts.contains(&moved_at),
        "{starts:?}"
    );
    assert!(
        starts.contains(&at(from + Duration::hours(3))),
        "{starts:?}"
    );
}

/// A request on its way.
type Pending<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = TestResponse> + 'a>>;

/// Runs `requests` while the test holds the slot's row lock, so all of them queue on it
/// inside their transactions and go at once when it is released.
async fn at_once<F: std::future::Future<Output = TestResponse>>(
    app: &TestApp,
    slot: &str,
    requests: Vec<F>,
) -> Vec<TestResponse> {
    let txn = app.db.begin().await.unwrap();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM mentor_slots WHERE id = $1 FOR UPDATE",
        [slot.parse::<Uuid>().unwrap().into()],
    ))
    .await
    .unwrap();
    let release = async {
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        txn.commit().await.unwrap();
    };
    let (_, answers) = tokio::join!(release, futures::future::join_all(requests));
    answers
}

#[tokio::test]
async fn a_booking_and_an_edit_or_withdrawal_of_one_slot_never_both_win() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (_, alice) = student(&app, 100).await;
    let (_, bob) = student(&app, 100).await;
    let mut outcomes = Vec::new();
    for round in 0..8i64 {
        let start = Utc::now() + Duration::hours(48 + 3 * round);
        let id = slot(&app, &mentor, start, 60).await;
        let withdraw = round % 2 == 0;
        let change = async {
            if withdraw {
                delete(&app, &mentor, &id).await
            } else {
                let later = start + Duration::minutes(90);
                let body = json!({"start_at": later, "end_at": later + Duration::hours(1)});
                patch(&app, &mentor, &id, body).await
            }
        };
        let requests: Vec<Pending<'_>> = vec![
            Box::pin(try_book(&app, &alice, &id)),
            Box::pin(change),
            Box::pin(try_book(&app, &bob, &id)),
        ];
        let answers = at_once(&app, &id, requests).await;
        let wins: Vec<usize> = (0..3).filter(|i| answers[*i].status < 300).collect();
        assert_eq!(
            wins.len(),
            1,
            "round {round}: {:?}",
            answers.iter().map(|a| &a.text).collect::<Vec<_>>()
        );
        let slot_id: Uuid = id.parse().unwrap();
        let bookings: i64 = scalar(
            &app,
            "SELECT count(*) FROM bookings WHERE slot_id = $1",
            vec![slot_id.into()],
        )
        .await;
        let status: String = scalar(
            &app,
            "SELECT status FROM mentor_slots WHERE id = $1",
            vec![slot_id.into()],
        )
        .await;
        if wins[0] == 1 {
            // the edit won: every booking saw the slot gone
            assert_eq!(answers[1].status, if withdraw { 204 } else { 200 });
            answers[0].assert_problem(409, "slot_taken");
            answers[2].assert_problem(409, "slot_taken");
            assert_eq!((bookings, status.as_str()), (0, "cancelled"));
            outcomes.push("edit");
        } else {
            // a booking won: the edit found it booked, the other booking found it taken
            answers[1].assert_problem(409, "slot_booked");
            answers[2 - wins[0]].assert_problem(409, "slot_taken");
            assert_eq!((bookings, status.as_str()), (1, "booked"));
            let meeting_start: DateTime<Utc> = scalar(
                &app,
                "SELECT m.starts_at FROM meetings m JOIN bookings b ON b.id = m.booking_id
                  WHERE b.slot_id = $1",
                vec![slot_id.into()],
            )
            .await;
            assert_eq!(
                at(meeting_start),
                at(start),
                "the meeting keeps the slot's times"
            );
            outcomes.push("booking");
        }
    }
    // every token held belongs to a booking that won
    let booked = outcomes.iter().filter(|o| **o == "booking").count();
    let held = balance(&app, &alice).await.1 + balance(&app, &bob).await.1;
    assert_eq!(held, 10 * i64::try_from(booked).unwrap(), "{outcomes:?}");
    reconciles(&app).await;
    eprintln!("race outcomes: {outcomes:?}");
}
