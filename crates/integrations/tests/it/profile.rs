//! The student profile for AI agents: sections from identity, mentorship and tokens built
//! by real bookings through the API; an admin sees the email, the user themself a masked
//! one; another user is refused, another platform's user is not found; the document
//! declares the named sections.

use chrono::{Duration, Utc};
use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;

const MM: &str = "mr-mentor";
const MAS: &str = "my-analytics-school";

async fn ok(app: &TestApp, verb: Method, route: &str, token: &str, body: Option<Value>) -> Value {
    let res = app.call(verb, route, token, body).await;
    assert!(res.status < 300, "{route}: {} {}", res.status, res.text);
    res.json()
}

/// An approved mentor charging 10 tokens: (id, token).
async fn mentor(app: &TestApp, admin: &str) -> (Uuid, String) {
    let (id, token) = app.user(Role::Expert, &[], MM);
    let profile = ok(
        app,
        Method::POST,
        "/api/mentors/me",
        &token,
        Some(
            json!({"headline": "Coach", "bio": "", "expertise": ["careers"],
                    "price_tokens": 10, "full_name": "Ravi Mentor"}),
        ),
    )
    .await;
    let pid = profile["id"].as_str().unwrap();
    ok(
        app,
        Method::POST,
        &format!("/api/admin/mentors/{pid}/approve"),
        admin,
        None,
    )
    .await;
    (id, token)
}

async fn book(app: &TestApp, mentor: &str, student: &str, hours: i64) -> Value {
    let start = (Utc::now() + Duration::hours(hours))
        .date_naive()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc()
        + Duration::days(1);
    let slot = ok(
        app,
        Method::POST,
        "/api/mentors/me/slots",
        mentor,
        Some(json!({"start_at": start, "end_at": start + Duration::minutes(45)})),
    )
    .await;
    let sid = slot["id"].as_str().unwrap();
    ok(
        app,
        Method::POST,
        &format!("/api/slots/{sid}/book"),
        student,
        None,
    )
    .await
}

fn profile_of(id: Uuid) -> String {
    format!("/api/ai/student-profile/{id}")
}

#[tokio::test]
async fn sections_come_from_their_owners_and_only_the_right_people_see_them() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (mentor_id, mentor) = mentor(&app, &admin).await;
    let (student_id, student) = app.user(Role::User, &[], MM);
    ok(
        &app,
        Method::POST,
        "/api/admin/tokens/grant",
        &admin,
        Some(json!({"user_id": student_id, "amount": 100, "reason": "test grant"})),
    )
    .await;
    let held = book(&app, &mentor, &student, 30).await;
    let dropped = book(&app, &mentor, &student, 80).await;
    ok(
        &app,
        Method::POST,
        &format!(
            "/api/bookings/{}/cancel",
            dropped["booking_id"].as_str().unwrap()
        ),
        &student,
        None,
    )
    .await;
    let meeting = held["meeting_id"].as_str().unwrap();
    app.hold_session(meeting, &mentor, &student).await;
    ok(
        &app,
        Method::POST,
        &format!("/api/meetings/{meeting}/complete"),
        &mentor,
        None,
    )
    .await;

    let me = ok(&app, Method::GET, "/api/auth/me", &student, None).await;
    let email = me["email"].as_str().unwrap().to_owned();

    let p = ok(&app, Method::GET, &profile_of(student_id), &admin, None).await;
    assert_eq!(p["user_id"], student_id.to_string());
    let s = &p["sections"];
    assert_eq!(s["user"]["id"], student_id.to_string());
    assert_eq!(s["user"]["email"], email.as_str());
    assert_eq!(s["user"]["role"], "USER");
    let m = &s["mentorship"];
    assert_eq!(m["meetings_booked"], 2, "{p}");
    assert_eq!(m["meetings_held"], 1, "{p}");
    assert_eq!(m["meetings_cancelled"], 1, "{p}");
    assert_eq!(m["meetings_upcoming"], 0, "{p}");
    assert!(m["last_meeting_at"].is_string(), "{p}");
    assert_eq!(m["mentors"][0]["mentor_user_id"], mentor_id.to_string());
    assert_eq!(m["mentors"][0]["meetings"], 2);
    let t = &s["tokens"];
    assert_eq!(t["held"], 0, "{p}");
    assert!(t["spent"].as_i64().unwrap() >= 10, "{p}");
    assert_eq!(
        t["available"].as_i64().unwrap() + t["spent"].as_i64().unwrap(),
        100,
        "{p}"
    );
    assert_eq!(t["purchased"], 0, "{p}");

    // the user themself: contact details masked
    let own = ok(&app, Method::GET, &profile_of(student_id), &student, None).await;
    let masked = own["sections"]["user"]["email"].as_str().unwrap();
    assert_ne!(masked, email);
    assert!(masked.contains("***@"), "{masked}");
    assert_eq!(own["sections"]["mentorship"], p["sections"]["mentorship"]);

    // another user: refused; the mentor is no admin either
    let (_, other) = app.user(Role::User, &[], MM);
    app.call(Method::GET, &profile_of(student_id), &other, None)
        .await
        .assert_problem(403, "forbidden");
    app.call(Method::GET, &profile_of(student_id), &mentor, None)
        .await
        .assert_problem(403, "forbidden");
    // another platform's admin does not find this platform's user, nor does anyone a stranger
    let mas_admin = app.token(Role::Admin, &[], MAS);
    app.req(Method::GET, &profile_of(student_id))
        .platform(MAS)
        .bearer(&mas_admin)
        .send()
        .await
        .assert_problem(404, "profile_not_found");
    app.call(Method::GET, &profile_of(Uuid::now_v7()), &admin, None)
        .await
        .assert_problem(404, "profile_not_found");
    app.req(Method::GET, &profile_of(student_id))
        .send()
        .await
        .assert_problem(401, "unauthorized");

    // a new user's sections are empty, not missing
    let (fresh_id, _) = app.user(Role::User, &[], MM);
    let p = ok(&app, Method::GET, &profile_of(fresh_id), &admin, None).await;
    assert_eq!(p["sections"]["mentorship"]["meetings_booked"], 0);
    assert_eq!(p["sections"]["tokens"]["available"], 0);

    // the document names the sections
    let doc = app.get("/api/openapi.json").await.json();
    let sections = &doc["components"]["schemas"]["ProfileSectionsDoc"]["properties"];
    for name in ["user", "mentorship", "tokens"] {
        assert!(
            sections.get(name).is_some(),
            "{name} not declared: {sections}"
        );
    }
}
