//! Weekly availability rules through HTTP: slots generated at once in the mentor's zone,
//! idempotent regeneration, overlaps skipped, `SLOT_GENERATION_DAYS`, validation, deletion,
//! and other mentors and platforms seeing nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use common::*;
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

const RULES: &str = "/api/mentors/me/availability-rules";

/// The weekday (0 = Sunday) `days` after today in `tz`, and that date at `h:m` in UTC.
fn ahead(tz: Tz, days: i64, h: u32, m: u32) -> (u32, chrono::DateTime<Utc>) {
    let date = Utc::now().with_timezone(&tz).date_naive() + Duration::days(days);
    let local = date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap());
    (
        date.weekday().num_days_from_sunday(),
        tz.from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc),
    )
}

async fn open_slots(app: &TestApp, profile: &str) -> Vec<Value> {
    let to = (Utc::now() + Duration::days(20)).format("%Y-%m-%dT%H:%M:%SZ");
    let res = app
        .req(
            Method::GET,
            &format!("/api/mentors/{profile}/slots?to={to}"),
        )
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json().as_array().unwrap().clone()
}

#[tokio::test]
async fn rules_open_slots_in_the_mentors_zone_once_and_skip_overlaps() {
    let app = spawn_app().await;
    let (_, mentor, profile) = mentor_on(&app, MM, 10).await;
    let profile = profile.to_string();
    let ist: Tz = "Asia/Kolkata".parse().unwrap();
    let (weekday, ten) = ahead(ist, 1, 10, 0);
    // a manual slot tomorrow 10:30-11:00 IST, inside the rule's first hour
    slot(&app, &mentor, ten + Duration::minutes(30), 30).await;

    let body = json!({"weekday": weekday, "start_time": "10:00", "end_time": "12:00"});
    let res = app
        .call(Method::POST, RULES, &mentor, Some(body.clone()))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let created = res.json();
    assert_eq!(
        created["rule"]["timezone"], "Asia/Kolkata",
        "the profile's zone"
    );
    assert_eq!(created["rule"]["slot_minutes"], 60);
    // two such weekdays in 14 days, two hours each, less tomorrow's overlapped 10:00
    assert_eq!(created["slots_created"], 3, "{created}");
    let starts: Vec<String> = open_slots(&app, &profile)
        .await
        .iter()
        .map(|s| s["start_at"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        starts.len(),
        4,
        "three generated and the manual one: {starts:?}"
    );
    let eleven = (ten + Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(starts.contains(&eleven), "{eleven} in {starts:?}");

    // the same rule again is a conflict; regenerating (the daily job) creates nothing
    app.call(Method::POST, RULES, &mentor, Some(body))
        .await
        .assert_problem(409, "rule_exists");
    assert_eq!(
        mentorship::service::rules::generate_all(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(open_slots(&app, &profile).await.len(), 4);

    // a rule in another zone than the profile's
    let (weekday_ny, _) = ahead("America/New_York".parse().unwrap(), 3, 9, 0);
    let res = app
        .call(
            Method::POST,
            RULES,
            &mentor,
            Some(
                json!({"weekday": weekday_ny, "start_time": "09:00", "end_time": "10:30",
                    "slot_minutes": 45, "timezone": "America/New_York"}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let ny_rule = res.json()["rule"]["id"].as_str().unwrap().to_owned();
    let (_, nine_ny) = ahead("America/New_York".parse().unwrap(), 3, 9, 0);
    let nine_ny = nine_ny.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(
        open_slots(&app, &profile)
            .await
            .iter()
            .any(|s| s["start_at"] == nine_ny.as_str()),
        "09:00 in New York is {nine_ny}"
    );
    let list = app.call(Method::GET, RULES, &mentor, None).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // other mentors and other platforms neither see nor delete the rules
    let (_, other, _) = mentor_on(&app, MM, 10).await;
    let none = app.call(Method::GET, RULES, &other, None).await.json();
    assert_eq!(none["items"], json!([]));
    app.call(Method::DELETE, &format!("{RULES}/{ny_rule}"), &other, None)
        .await
        .assert_problem(404, "not_found");
    let (_, foreign, _) = mentor_on(&app, "my-analytics-school", 10).await;
    let res = app
        .req(Method::GET, RULES)
        .platform("my-analytics-school")
        .bearer(&foreign)
        .send()
        .await;
    assert_eq!(res.json()["items"], json!([]), "{}", res.text);
    let res = app
        .req(Method::DELETE, &format!("{RULES}/{ny_rule}"))
        .platform("my-analytics-school")
        .bearer(&foreign)
        .send()
        .await;
    assert_eq!(res.status, 404, "{}", res.text);

    // deleting a rule removes its future open slots
    let before = open_slots(&app, &profile).await.len();
    let res = app
        .call(Method::DELETE, &format!("{RULES}/{ny_rule}"), &mentor, None)
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    assert_eq!(
        open_slots(&app, &profile).await.len(),
        before - 4,
        "two 45-minute slots on two days"
    );
}

#[tokio::test]
async fn generation_days_come_from_the_configuration_and_input_is_validated() {
    let app = spawn_app().await;
    exec(
        &app,
        "INSERT INTO system_config (key, value, description) VALUES ('SLOT_GENERATION_DAYS', '3', 'test')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        vec![],
    )
    .await;
    let (_, mentor, _) = mentor_on(&app, MM, 10).await;
    let ist: Tz = "Asia/Kolkata".parse().unwrap();
    let (near, _) = ahead(ist, 1, 9, 0);
    let (far, _) = ahead(ist, 5, 9, 0);
    for (weekday, expected) in [(near, 2), (far, 0)] {
        let res = app
            .call(
                Method::POST,
                RULES,
                &mentor,
                Some(
                    json!({"weekday": weekday, "start_time": "09:00", "end_time": "10:00",
                        "slot_minutes": 30}),
                ),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        assert_eq!(res.json()["slots_created"], expected, "{}", res.text);
    }
    let ok = json!({"weekday": 1, "start_time": "09:00", "end_time": "10:00"});
    for (change, field) in [
        (json!({"weekday": 7}), "weekday"),
        (json!({"start_time": "25:00"}), "start_time"),
        (json!({"end_time": "08:00"}), "end_time"),
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"slot_minutes": 10}), "slot_minutes"),
        (json!({"slot_minutes": 90}), "slot_minutes"),
    ] {
        let mut body = ok.clone();
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let res = app.call(Method::POST, RULES, &mentor, Some(body)).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // a plain user may not; an EXPERT without an approved profile is refused
    let (_, plain) = user(&app, Role::User);
    assert_eq!(
        app.call(Method::POST, RULES, &plain, Some(ok.clone()))
            .await
            .status,
        403
    );
    let (_, unapproved) = user(&app, Role::Expert);
    app.call(Method::POST, RULES, &unapproved, Some(ok))
        .await
        .assert_problem(403, "mentor_not_approved");
}
