//! The booking and meeting lists through HTTP: a student's own bookings and a mentor's by
//! status, an admin's meetings with every filter and a meeting's log, pages across cursors,
//! nobody seeing another user's or another platform's data, and validation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::*;
use kernel::auth::Role;
use mentorship::service::live::{self, JoinPolicy, LiveEvent};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse, spawn_app};
use uuid::Uuid;

async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    get_on(app, MM, token, path).await
}

async fn get_on(app: &TestApp, platform: &str, token: &str, path: &str) -> TestResponse {
    app.req(Method::GET, path)
        .platform(platform)
        .bearer(token)
        .send()
        .await
}

/// The items of a 200 page.
async fn items(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let res = get(app, token, path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.text);
    res.json()["items"].as_array().unwrap().clone()
}

fn field(items: &[Value], name: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[name].as_str().unwrap().to_owned())
        .collect()
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Every item of a list, following `next_cursor` with pages of `limit`; also the pages' sizes.
async fn all_pages(app: &TestApp, token: &str, path: &str, limit: u64) -> (Vec<Value>, Vec<usize>) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (mut all, mut sizes, mut cursor) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let mut url = format!("{path}{sep}limit={limit}");
        if let Some(c) = &cursor {
            url += &format!("&cursor={c}");
        }
        let page = get(app, token, &url).await;
        assert_eq!(page.status, 200, "{url}: {}", page.text);
        let page = page.json();
        let got = page["items"].as_array().unwrap();
        sizes.push(got.len());
        all.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (all, sizes),
        }
        assert!(sizes.len() < 20, "the cursor does not advance: {sizes:?}");
    }
}

#[tokio::test]
async fn students_and_mentors_see_their_own_bookings_by_status() {
    let app = spawn_app().await;
    let (mentor_a, mentor_a_token, profile_a) = mentor_on(&app, MM, 10).await;
    let (_, mentor_b_token, profile_b) = mentor_on(&app, MM, 10).await;
    let now = Utc::now();
    let a: Vec<String> = {
        let mut v = Vec::new();
        for h in [48, 50, 52, 54] {
            v.push(slot(&app, &mentor_a_token, now + Duration::hours(h), 45).await);
        }
        v
    };
    let b0 = slot(&app, &mentor_b_token, now + Duration::hours(49), 45).await;
    let (s1, s1_token) = student(&app, 100).await;
    let (s2, s2_token) = student(&app, 100).await;
    let up_a0 = book(&app, &s1_token, &a[0]).await;
    let held = book(&app, &s1_token, &a[1]).await;
    let gone = book(&app, &s1_token, &a[2]).await;
    let up_b0 = book(&app, &s1_token, &b0).await;
    let other = book(&app, &s2_token, &a[3]).await;
    // one cancelled (a day ahead: every token back), one held and completed
    let res = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                gone["booking_id"].as_str().unwrap()
            ),
            &s1_token,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let held_meeting = held["meeting_id"].as_str().unwrap();
    app.hold_session(held_meeting, &mentor_a_token, &s1_token)
        .await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/meetings/{held_meeting}/complete"),
            &mentor_a_token,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // the student: upcoming soonest first, with the mentor, the times and the tokens
    let up = items(&app, &s1_token, "/api/bookings/me?status=upcoming").await;
    assert_eq!(
        field(&up, "booking_id"),
        [&up_a0, &up_b0].map(|b| b["booking_id"].as_str().unwrap().to_owned())
    );
    let first = &up[0];
    assert_eq!(first["meeting_id"], up_a0["meeting_id"]);
    assert_eq!(first["slot_id"], a[0].as_str());
    assert_eq!(
        first["mentor"],
        json!({"id": profile_a, "user_id": mentor_a, "name": "Ravi Mentor"})
    );
    assert_eq!(first["student"]["id"], s1.to_string());
    assert_eq!(first["tokens"], 10);
    assert_eq!(first["status"], "booked");
    assert_eq!(first["meeting_status"], "scheduled");
    let start: DateTime<Utc> = first["start_at"].as_str().unwrap().parse().unwrap();
    let end: DateTime<Utc> = first["end_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(at(start), at(now + Duration::hours(48)));
    assert_eq!(end - start, Duration::minutes(45));
    assert_eq!(up[1]["mentor"]["id"], profile_b.to_string());

    let past = items(&app, &s1_token, "/api/bookings/me?status=past").await;
    assert_eq!(
        field(&past, "booking_id"),
        [held["booking_id"].as_str().unwrap()]
    );
    assert_eq!(past[0]["status"], "completed");
    assert_eq!(past[0]["meeting_status"], "completed");
    let cancelled = items(&app, &s1_token, "/api/bookings/me?status=cancelled").await;
    assert_eq!(
        field(&cancelled, "booking_id"),
        [gone["booking_id"].as_str().unwrap()]
    );
    assert_eq!(cancelled[0]["refunded_tokens"], 10);
    // no filter: all four, newest start first (the held one was moved into the past)
    let every = items(&app, &s1_token, "/api/bookings/me").await;
    assert_eq!(
        field(&every, "booking_id"),
        [&gone, &up_b0, &up_a0, &held].map(|b| b["booking_id"].as_str().unwrap().to_owned())
    );

    // the other student sees only their own booking
    let theirs = items(&app, &s2_token, "/api/bookings/me").await;
    assert_eq!(
        field(&theirs, "booking_id"),
        [other["booking_id"].as_str().unwrap()]
    );
    assert!(
        items(&app, &s2_token, "/api/bookings/me?status=past")
            .await
            .is_empty()
    );

    // mentor A: bookings of their slots with the student, by status
    let up = items(
        &app,
        &mentor_a_token,
        "/api/mentors/me/bookings?status=upcoming",
    )
    .await;
    assert_eq!(
        field(&up, "booking_id"),
        [&up_a0, &other].map(|b| b["booking_id"].as_str().unwrap().to_owned())
    );
    assert_eq!(up[0]["student"], json!({"id": s1, "name": "Test User"}));
    assert_eq!(up[1]["student"]["id"], s2.to_string());
    let past = items(
        &app,
        &mentor_a_token,
        "/api/mentors/me/bookings?status=past",
    )
    .await;
    assert_eq!(
        field(&past, "booking_id"),
        [held["booking_id"].as_str().unwrap()]
    );
    let cancelled = items(
        &app,
        &mentor_a_token,
        "/api/mentors/me/bookings?status=cancelled",
    )
    .await;
    assert_eq!(
        field(&cancelled, "booking_id"),
        [gone["booking_id"].as_str().unwrap()]
    );
    // mentor B sees only the booking of their slot, and no mentor sees it as a student
    let theirs = items(&app, &mentor_b_token, "/api/mentors/me/bookings").await;
    assert_eq!(
        field(&theirs, "booking_id"),
        [up_b0["booking_id"].as_str().unwrap()]
    );
    assert!(
        items(&app, &mentor_b_token, "/api/bookings/me")
            .await
            .is_empty()
    );
    // an EXPERT without a profile has no bookings; a plain user is no mentor
    let (_, bare_expert) = user(&app, Role::Expert);
    assert!(
        items(&app, &bare_expert, "/api/mentors/me/bookings")
            .await
            .is_empty()
    );
    get(&app, &s1_token, "/api/mentors/me/bookings")
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/bookings/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn booking_lists_page_across_cursors_in_order() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 5).await;
    let (_, student_token) = student(&app, 100).await;
    let now = Utc::now();
    let mut booked = Vec::new();
    for h in 0..5 {
        let s = slot(&app, &mentor, now + Duration::hours(30 + h), 30).await;
        booked.push(
            book(&app, &student_token, &s).await["booking_id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // upcoming soonest first: 2 + 2 + 1, every booking once
    let (all, sizes) = all_pages(&app, &student_token, "/api/bookings/me?status=upcoming", 2).await;
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(field(&all, "booking_id"), booked);
    // everything newest first: 3 + 2
    let (all, sizes) = all_pages(&app, &student_token, "/api/bookings/me", 3).await;
    assert_eq!(sizes, [3, 2]);
    let newest_first: Vec<String> = booked.iter().rev().cloned().collect();
    assert_eq!(field(&all, "booking_id"), newest_first);
    // the mentor's list pages the same way; a page of exactly the rest has no cursor
    let (all, sizes) =
        all_pages(&app, &mentor, "/api/mentors/me/bookings?status=upcoming", 4).await;
    assert_eq!(sizes, [4, 1]);
    assert_eq!(field(&all, "booking_id"), booked);
    let (_, sizes) = all_pages(&app, &mentor, "/api/mentors/me/bookings", 5).await;
    assert_eq!(sizes, [5]);
}

/// A booked session of `mentor` (token) with a new student, starting `hours` ahead: the
/// booking body and the student's (id, token).
async fn session(app: &TestApp, mentor: &str, hours: i64) -> (Value, Uuid, String) {
    let (student_id, student_token) = student(app, 50).await;
    let s = slot(app, mentor, Utc::now() + Duration::hours(hours), 30).await;
    (
        book(app, &student_token, &s).await,
        student_id,
        student_token,
    )
}

fn ids(items: &[Value]) -> Vec<String> {
    field(items, "id")
}

fn meeting(b: &Value) -> String {
    b["meeting_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn admins_list_their_platforms_meetings_with_filters_and_read_the_log() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (mentor_a, mentor_a_token, profile_a) = mentor_on(&app, MM, 10).await;
    let (_, mentor_b_token, _) = mentor_on(&app, MM, 10).await;
    let (m1, s1, s1_token) = session(&app, &mentor_a_token, 30).await;
    let (m2, _, _) = session(&app, &mentor_a_token, 40).await;
    let (m3, s3, s3_token) = session(&app, &mentor_b_token, 50).await;
    let (m4, _, _) = session(&app, &mentor_b_token, 60).await;
    // m3 cancelled by its student; m1 held and completed, with a chat line
    let res = app
        .call(
            Method::POST,
            &format!(
                "/api/bookings/{}/cancel",
                m3["booking_id"].as_str().unwrap()
            ),
            &s3_token,
            Some(json!({"reason": "exam clash"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.hold_session(&meeting(&m1), &mentor_a_token, &s1_token)
        .await;
    let policy = JoinPolicy::from_config(&app.config.mentorship);
    let m1_id: Uuid = meeting(&m1).parse().unwrap();
    let chat = LiveEvent::Chat {
        id: Uuid::now_v7(),
        text: "see you next week".into(),
    };
    assert!(
        live::record(&app.db, policy, m1_id, s1, Utc::now(), &chat)
            .await
            .unwrap()
    );
    let res = app
        .call(
            Method::POST,
            &format!("/api/meetings/{}/complete", meeting(&m1)),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // all four, newest start first (m1 was moved into the past)
    let all = items(&app, &admin, "/api/admin/meetings").await;
    assert_eq!(ids(&all), [&m4, &m3, &m2, &m1].map(meeting));
    let first = &all[3];
    assert_eq!(first["status"], "completed");
    assert_eq!(first["booking_status"], "completed");
    assert_eq!(first["mentor"]["id"], profile_a.to_string());
    assert_eq!(first["student"], json!({"id": s1, "name": "Test User"}));
    assert_eq!(first["tokens"], 10);
    assert!(first["started_at"].is_string() && first["completed_at"].is_string());
    // each filter
    let only = |path: &'static str| {
        let app = &app;
        let admin = &admin;
        async move { ids(&items(app, admin, path).await) }
    };
    assert_eq!(
        only("/api/admin/meetings?status=cancelled").await,
        [meeting(&m3)]
    );
    assert_eq!(
        only("/api/admin/meetings?status=completed").await,
        [meeting(&m1)]
    );
    assert_eq!(
        only("/api/admin/meetings?status=scheduled").await,
        [meeting(&m4), meeting(&m2)]
    );
    assert!(only("/api/admin/meetings?status=live").await.is_empty());
    let by_profile = ids(&items(
        &app,
        &admin,
        &format!("/api/admin/meetings?mentor_id={profile_a}"),
    )
    .await);
    assert_eq!(by_profile, [meeting(&m2), meeting(&m1)]);
    let by_user = ids(&items(
        &app,
        &admin,
        &format!("/api/admin/meetings?mentor_id={mentor_a}"),
    )
    .await);
    assert_eq!(by_user, by_profile, "the mentor's user id filters the same");
    let by_student = ids(&items(
        &app,
        &admin,
        &format!("/api/admin/meetings?student_id={s3}"),
    )
    .await);
    assert_eq!(by_student, [meeting(&m3)]);
    let (from, to) = (
        at(Utc::now() + Duration::hours(35)),
        at(Utc::now() + Duration::hours(55)),
    );
    let ranged = ids(&items(
        &app,
        &admin,
        &format!("/api/admin/meetings?from={from}&to={to}"),
    )
    .await);
    assert_eq!(ranged, [meeting(&m3), meeting(&m2)]);
    let combined =
        format!("/api/admin/meetings?mentor_id={profile_a}&status=scheduled&from={from}");
    assert_eq!(ids(&items(&app, &admin, &combined).await), [meeting(&m2)]);
    // two pages of two
    let (paged, sizes) = all_pages(&app, &admin, "/api/admin/meetings", 2).await;
    assert_eq!(sizes, [2, 2]);
    assert_eq!(ids(&paged), ids(&all));

    // the log: both joins, the chat line with its text, the completion; oldest first
    let log = items(
        &app,
        &admin,
        &format!("/api/admin/meetings/{}/log", meeting(&m1)),
    )
    .await;
    let kinds: Vec<&str> = log.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["joined", "joined", "chat", "completed"], "{log:?}");
    assert_eq!(log[0]["actor_role"], "mentor");
    assert_eq!(log[0]["actor"]["id"], mentor_a.to_string());
    assert_eq!(log[1]["actor_role"], "student");
    assert_eq!(log[2]["data"]["text"], "see you next week");
    assert_eq!(log[2]["actor"], json!({"id": s1, "name": "Test User"}));
    assert_eq!(log[3]["actor_role"], "other", "the admin completed it");
    let (paged, sizes) = all_pages(
        &app,
        &admin,
        &format!("/api/admin/meetings/{}/log", meeting(&m1)),
        3,
    )
    .await;
    assert_eq!(sizes, [3, 1]);
    assert_eq!(ids(&paged), ids(&log));
    let cancelled = items(
        &app,
        &admin,
        &format!("/api/admin/meetings/{}/log", meeting(&m3)),
    )
    .await;
    assert_eq!(cancelled[0]["kind"], "cancelled");
    assert_eq!(cancelled[0]["data"]["reason"], "exam clash");
    get(
        &app,
        &admin,
        &format!("/api/admin/meetings/{}/log", Uuid::now_v7()),
    )
    .await
    .assert_problem(404, "not_found");

    // neither students nor mentors are admins
    for token in [&s1_token, &mentor_a_token] {
        get(&app, token, "/api/admin/meetings")
            .await
            .assert_problem(403, "forbidden");
        get(
            &app,
            token,
            &format!("/api/admin/meetings/{}/log", meeting(&m1)),
        )
        .await
        .assert_problem(403, "forbidden");
    }
}

#[tokio::test]
async fn other_platforms_see_nothing_of_mr_mentor() {
    let app = spawn_app().await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let (booked, _, _) = session(&app, &mentor, 30).await;
    let log = format!("/api/admin/meetings/{}/log", meeting(&booked));
    assert_eq!(
        items(&app, &app.admin_token(), "/api/admin/meetings")
            .await
            .len(),
        1
    );

    // mr-hire as seeded has no mentorship module: its admin gets 404 from the gate
    let hire_admin = app.token(Role::Admin, &[], "mr-hire");
    get_on(&app, "mr-hire", &hire_admin, "/api/admin/meetings")
        .await
        .assert_problem(404, "not_found");
    // with the module switched on, the platform filter alone keeps mr-mentor's meetings out
    let res = app
        .req(Method::PATCH, "/api/admin/platforms/mr-hire")
        .bearer(&app.superadmin_token())
        .json(&json!({"modules": ["hire", "crm", "finance", "comms", "storage", "mentorship", "tokens"]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let (_, hire_student) = app.user(Role::User, &[], "mr-hire");
    let (_, hire_expert) = app.user(Role::Expert, &[], "mr-hire");
    for platform in ["mr-hire", "my-analytics-school"] {
        let admin = app.token(Role::Admin, &[], platform);
        let list = get_on(&app, platform, &admin, "/api/admin/meetings").await;
        assert_eq!(list.status, 200, "{platform}: {}", list.text);
        assert_eq!(
            list.json(),
            json!({"items": [], "next_cursor": null}),
            "{platform}"
        );
        get_on(&app, platform, &admin, &log)
            .await
            .assert_problem(404, "not_found");
        // nor does its admin get in with mr-mentor's header
        let res = get_on(&app, MM, &admin, "/api/admin/meetings").await;
        assert_eq!(res.status, 403, "{platform}: {}", res.text);
    }
    let empty = json!({"items": [], "next_cursor": null});
    assert_eq!(
        get_on(&app, "mr-hire", &hire_student, "/api/bookings/me")
            .await
            .json(),
        empty
    );
    assert_eq!(
        get_on(&app, "mr-hire", &hire_expert, "/api/mentors/me/bookings")
            .await
            .json(),
        empty
    );
}

#[tokio::test]
async fn list_filters_are_validated_and_documented() {
    let app = spawn_app().await;
    let (_, student_token) = student(&app, 10).await;
    let (_, expert) = user(&app, Role::Expert);
    let admin = app.admin_token();
    let field_of = |res: TestResponse| {
        let body = res.assert_problem(422, "validation_failed");
        body["errors"][0]["field"].as_str().unwrap().to_owned()
    };
    for (token, path, expected) in [
        (&student_token, "/api/bookings/me?status=soon", "status"),
        (&student_token, "/api/bookings/me?status=UPCOMING", "status"),
        (&student_token, "/api/bookings/me?limit=0", "limit"),
        (&student_token, "/api/bookings/me?limit=101", "limit"),
        (&student_token, "/api/bookings/me?cursor=zz", "cursor"),
        (&expert, "/api/mentors/me/bookings?status=later", "status"),
        (&expert, "/api/mentors/me/bookings?limit=500", "limit"),
        (&admin, "/api/admin/meetings?status=happening", "status"),
        (&admin, "/api/admin/meetings?limit=0", "limit"),
        (
            &admin,
            "/api/admin/meetings?cursor=%E2%82%AC%E2%82%AC",
            "cursor",
        ),
        (
            &admin,
            "/api/admin/meetings?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z",
            "to",
        ),
    ] {
        assert_eq!(field_of(get(&app, token, path).await), expected, "{path}");
    }
    let log = format!("/api/admin/meetings/{}/log?limit=101", Uuid::now_v7());
    assert_eq!(field_of(get(&app, &admin, &log).await), "limit");
    for path in [
        "/api/admin/meetings?mentor_id=not-a-uuid",
        "/api/admin/meetings?from=yesterday",
    ] {
        let res = get(&app, &admin, path).await;
        res.assert_problem(422, "validation_failed");
    }

    // the document shows the allowed values and limits
    let doc = app.get("/api/openapi.json").await.json();
    let params = |path: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .clone()
    };
    let named = |ps: &[Value], name: &str| {
        ps.iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {ps:?}"))["schema"]
            .clone()
    };
    let mine = params("/api/bookings/me");
    let status = named(&mine, "status").to_string();
    for v in ["upcoming", "past", "cancelled"] {
        assert!(status.contains(v), "{status}");
    }
    let limit = named(&mine, "limit");
    assert_eq!(
        (limit["minimum"].as_i64(), limit["maximum"].as_i64()),
        (Some(1), Some(100))
    );
    let status = named(&params("/api/admin/meetings"), "status").to_string();
    for v in ["scheduled", "live", "ended", "completed", "cancelled"] {
        assert!(status.contains(v), "{status}");
    }
    let responses = &doc["paths"]["/api/admin/meetings/{id}/log"]["get"]["responses"];
    for code in ["200", "401", "403", "404", "422"] {
        assert!(responses.get(code).is_some(), "{code} in {responses}");
    }
    assert!(
        responses["404"]["content"]["application/problem+json"].is_object(),
        "{responses}"
    );
}
