//! Engagement: XP from domain events through the outbox, once per fact; badges; streaks in
//! the student's own time zone; leaderboards cached in Redis; the daily safety net.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use kernel::auth::Role;
use lms::{
    dto::engagement::{BoardPeriod, BoardScope},
    service::engagement::{
        self, leaderboards,
        xp::{XpFact, XpKind},
    },
};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, spawn_app, spawn_app_with};
use uuid::Uuid;

use crate::common;

/// xorshift64*: a seeded generator, so a failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

async fn platform_of(app: &TestApp, user: Uuid) -> Uuid {
    app.db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT platform_id FROM users WHERE id = '{user}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "platform_id")
        .unwrap()
}

async fn badge(app: &TestApp, admin: &str, code: &str, metric: &str, threshold: i32) {
    let res = app
        .call(
            Method::POST,
            "/api/admin/engagement/badges",
            admin,
            Some(json!({"code": code, "name": code, "metric": metric, "threshold": threshold})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

/// What a student's engagement is, compared between passes.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    ledger: BTreeSet<(Uuid, String, Uuid, i32, i64)>,
    per_user: BTreeMap<Uuid, (i64, i64, i64, Vec<String>)>,
    boards: Vec<Vec<(Uuid, i64)>>,
}

async fn snapshot(
    app: &TestApp,
    platform: Uuid,
    users: &[Uuid],
    boards: &[leaderboards::Board],
    now: DateTime<Utc>,
) -> Snapshot {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT user_id, source_kind, source_id, points, occurred_at FROM xp_ledger",
        ))
        .await
        .unwrap();
    let ledger = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "user_id").unwrap(),
                r.try_get("", "source_kind").unwrap(),
                r.try_get("", "source_id").unwrap(),
                r.try_get("", "points").unwrap(),
                r.try_get::<DateTime<Utc>>("", "occurred_at")
                    .unwrap()
                    .timestamp(),
            )
        })
        .collect();
    let mut per_user = BTreeMap::new();
    for u in users {
        let s = engagement::summary(&app.db, platform, *u, now)
            .await
            .unwrap();
        let mut codes: Vec<String> = s.badges.iter().map(|b| b.code.clone()).collect();
        codes.sort();
        per_user.insert(*u, (s.xp, s.streak, s.longest_streak, codes));
    }
    let mut out = Vec::new();
    for b in boards {
        // The cached board (kept up by increments) must equal one rebuilt from PostgreSQL.
        let (cached, _) = leaderboards::read(&app.ctx, platform, *b, 100, users[0], now)
            .await
            .unwrap();
        let k = leaderboards::key(&app.ctx, platform, b.scope, b.id, b.period, now);
        leaderboards::forget(&app.ctx, &[k]).await;
        let (rebuilt, _) = leaderboards::read(&app.ctx, platform, *b, 100, users[0], now)
            .await
            .unwrap();
        let cached: Vec<(Uuid, i64)> = cached.iter().map(|e| (e.user_id, e.xp)).collect();
        let rebuilt: Vec<(Uuid, i64)> = rebuilt.iter().map(|e| (e.user_id, e.xp)).collect();
        assert_eq!(cached, rebuilt, "cached board drifted from PostgreSQL");
        out.push(rebuilt);
    }
    Snapshot {
        ledger,
        per_user,
        boards: out,
    }
}

async fn reset(
    app: &TestApp,
    boards: &[leaderboards::Board],
    platform: Uuid,
    users: &[Uuid],
    now: DateTime<Utc>,
) {
    for q in [
        "DELETE FROM engagement_user_badges",
        "DELETE FROM xp_ledger",
    ] {
        app.db
            .execute_raw(Statement::from_string(DbBackend::Postgres, q))
            .await
            .unwrap();
    }
    for b in boards {
        let k = leaderboards::key(&app.ctx, platform, b.scope, b.id, b.period, now);
        leaderboards::forget(&app.ctx, &[k]).await;
        // Cache the empty board, so the pass below keeps it up by increments.
        leaderboards::read(&app.ctx, platform, *b, 100, users[0], now)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn replaying_events_twice_and_out_of_order_equals_one_clean_pass() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let course = common::course(&app, &admin, "engaged", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let course_id: Uuid = cid.parse().unwrap();
    let batch = common::batch(&app, &admin, &cid, "B1", None).await;
    let mut users = Vec::new();
    for _ in 0..3 {
        let (u, _) = app.user(Role::User, &[], "mr-mentor");
        common::seat(&app, &admin, &u.to_string(), &cid, &batch).await;
        users.push(u);
    }
    let platform = platform_of(&app, users[0]).await;
    // New York, Kolkata and no zone (IST).
    for (u, tz) in [(users[0], "America/New_York"), (users[1], "Asia/Kolkata")] {
        app.db
            .execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("INSERT INTO student_profiles (user_id, platform_id, timezone) VALUES ('{u}', '{platform}', '{tz}')"),
            ))
            .await
            .unwrap();
    }
    badge(&app, &admin, "xp_100", "xp", 100).await;
    badge(&app, &admin, "streak_3", "longest_streak", 3).await;
    badge(&app, &admin, "two_quizzes", "quizzes_passed", 2).await;
    badge(&app, &admin, "mentored", "mentorship_sessions", 1).await;
    let now = Utc::now();
    let batch_id: Uuid = batch.parse().unwrap();
    let boards = [
        leaderboards::Board {
            scope: BoardScope::Batch,
            id: batch_id,
            period: BoardPeriod::AllTime,
        },
        leaderboards::Board {
            scope: BoardScope::Course,
            id: course_id,
            period: BoardPeriod::AllTime,
        },
        leaderboards::Board {
            scope: BoardScope::Batch,
            id: batch_id,
            period: BoardPeriod::Week,
        },
    ];
    for seed in [0x9E37_79B9_7F4A_7C15_u64, 42, 7_777_777, 0xDEAD_BEEF] {
        let mut rng = Rng(seed);
        // A pool of facts: each source has one fixed fact (as the handlers read it from the
        // source tables), several sources per kind so facts collide only when they should.
        let sources: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
        let mut facts = BTreeMap::new();
        for _ in 0..40 {
            let user = users[rng.below(users.len())];
            let kind = XpKind::ALL[rng.below(XpKind::ALL.len())];
            let source_id = sources[rng.below(sources.len())];
            let minutes = rng.below(14 * 24 * 60) as i64;
            facts.entry((user, kind, source_id)).or_insert(XpFact {
                user_id: user,
                kind,
                source_id,
                course_id: (kind != XpKind::MentorshipSession).then_some(course_id),
                occurred_at: now - Duration::minutes(minutes),
            });
        }
        let mut clean: Vec<XpFact> = facts.values().copied().collect();
        clean.sort_by_key(|f| f.occurred_at);

        reset(&app, &boards, platform, &users, now).await;
        for f in &clean {
            engagement::on_fact(&app.ctx, platform, f, None)
                .await
                .unwrap();
        }
        let one_pass = snapshot(&app, platform, &users, &boards, now).await;
        assert!(!one_pass.ledger.is_empty());

        reset(&app, &boards, platform, &users, now).await;
        let mut replay: Vec<XpFact> = clean.iter().chain(clean.iter()).copied().collect();
        rng.shuffle(&mut replay);
        let mut created = 0;
        for f in &replay {
            if engagement::on_fact(&app.ctx, platform, f, Some(Uuid::now_v7()))
                .await
                .unwrap()
                .created
            {
                created += 1;
            }
        }
        assert_eq!(
            created,
            clean.len(),
            "seed {seed:#x}: each fact awards once"
        );
        let replayed = snapshot(&app, platform, &users, &boards, now).await;
        assert_eq!(replayed, one_pass, "seed {seed:#x}");
        // The safety net finds nothing missing and changes nothing.
        let fixed = engagement::safety_net::run_platform(&app.db, platform)
            .await
            .unwrap();
        assert_eq!(fixed.badges, 0, "seed {seed:#x}");
    }
}

async fn wait_xp(app: &TestApp, token: &str, want: i64) -> Value {
    testkit::eventually(20, || async {
        let res = app
            .call(Method::GET, "/api/student/engagement", token, None)
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        let body = res.json();
        (body["xp"].as_i64() == Some(want)).then_some(body)
    })
    .await
    .unwrap_or_else(|| panic!("xp never reached {want}"))
}

#[tokio::test]
async fn events_award_xp_once_and_the_safety_net_fixes_a_lost_one() {
    let app = spawn_app_with(TestOptions {
        role: Some(testkit::Role::Serve),
        ..TestOptions::default()
    })
    .await;
    let admin = app.admin_token();
    let course = common::course(&app, &admin, "xp-flow", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    let (_, lesson, link) = common::content(&app, &admin, &cid).await;
    let batch = common::batch(&app, &admin, &cid, "B1", None).await;
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let (rival, rival_token) = app.user(Role::User, &[], "mr-mentor");
    let (_, outsider) = app.user(Role::User, &[], "mr-mentor");
    for u in [student, rival] {
        common::seat(&app, &admin, &u.to_string(), &cid, &batch).await;
    }
    badge(&app, &admin, "first_steps", "lessons_completed", 1).await;
    badge(&app, &admin, "xp_20", "xp", 20).await;

    // A lesson completed twice earns once.
    for _ in 0..2 {
        let res = app
            .call(
                Method::POST,
                &format!("/api/student/courses/{cid}/items/{lesson}/complete"),
                &token,
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let body = wait_xp(&app, &token, 10).await;
    assert_eq!(body["lessons_completed"], 1);
    assert_eq!(body["streak"], 1);
    assert_eq!(body["active_today"], true);
    assert_eq!(body["level"], 1);
    assert_eq!(body["badges"][0]["code"], "first_steps");
    // A live class attended.
    let starts = Utc::now() - Duration::minutes(5);
    let class = app
        .call(
            Method::POST,
            &format!("/api/admin/courses/{cid}/live-classes"),
            &admin,
            Some(
                json!({"title": "Live", "starts_at": starts, "ends_at": starts + Duration::hours(1),
                        "join_url": "https://meet.example.com/x"}),
            ),
        )
        .await;
    assert_eq!(class.status, 201, "{}", class.text);
    let class_id = class.json()["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let res = app
            .call(
                Method::POST,
                &format!("/api/student/courses/{cid}/live-classes/{class_id}/join"),
                &token,
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let body = wait_xp(&app, &token, 30).await;
    let codes: BTreeSet<&str> = body["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BTreeSet::from(["first_steps", "xp_20"]));
    // The AI student profile carries the engagement and risk sections, versioned and cached.
    let url = format!("/api/ai/student-profile/{student}");
    let first = app.call(Method::GET, &url, &token, None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let first = first.json();
    assert_eq!(first["version"], 2);
    assert_eq!(first["sections"]["engagement"]["xp"], 30);
    assert_eq!(
        first["sections"]["engagement"]["badges"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(first["sections"]["risk"]["courses"].is_array());
    let again = app.call(Method::GET, &url, &token, None).await.json();
    assert_eq!(
        again["generated_at"], first["generated_at"],
        "served from the cache"
    );
    app.call(Method::GET, &url, &rival_token, None)
        .await
        .assert_problem(403, "forbidden");
    // The dashboard shows the same numbers.
    let dash = app
        .call(Method::GET, "/api/student/dashboard", &token, None)
        .await
        .json();
    assert_eq!(
        (dash["xp"].as_i64(), dash["streak"].as_i64()),
        (Some(30), Some(1))
    );

    // The rival completes the link; the batch board ranks both; an outsider is refused.
    let res = app
        .call(
            Method::POST,
            &format!("/api/student/courses/{cid}/items/{link}/complete"),
            &rival_token,
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    wait_xp(&app, &rival_token, 10).await;
    for period in ["all_time", "week"] {
        let board = app
            .call(
                Method::GET,
                &format!("/api/student/leaderboards/batch/{batch}?period={period}"),
                &rival_token,
                None,
            )
            .await;
        assert_eq!(board.status, 200, "{}", board.text);
        let board = board.json();
        let top: Vec<(String, i64)> = board["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["user_id"].as_str().unwrap().to_owned(),
                    e["xp"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            top,
            vec![(student.to_string(), 30), (rival.to_string(), 10)]
        );
        assert_eq!(board["me"]["rank"], 2);
    }
    app.call(
        Method::GET,
        &format!("/api/student/leaderboards/course/{cid}"),
        &outsider,
        None,
    )
    .await
    .assert_problem(403, "not_enrolled");
    app.call(
        Method::GET,
        &format!("/api/student/leaderboards/batch/{}", Uuid::now_v7()),
        &token,
        None,
    )
    .await
    .assert_problem(404, "not_found");

    // An award whose event was lost: the safety net writes it once and fixes the board.
    app.db
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("DELETE FROM xp_ledger WHERE user_id = '{rival}'"),
        ))
        .await
        .unwrap();
    let fixed = engagement::safety_net::run(&app.ctx).await.unwrap();
    assert_eq!(fixed.awards, 1);
    assert_eq!(
        engagement::safety_net::run(&app.ctx).await.unwrap().awards,
        0
    );
    let body = wait_xp(&app, &rival_token, 10).await;
    assert_eq!(body["lessons_completed"], 1);
    let board = app
        .call(
            Method::GET,
            &format!("/api/student/leaderboards/course/{cid}"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(board["entries"][1]["xp"], 10);
}

#[tokio::test]
async fn streaks_count_each_students_own_days() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let (ny, ny_token) = app.user(Role::User, &[], "mr-mentor");
    let (ist, ist_token) = app.user(Role::User, &[], "mr-mentor");
    for (token, tz) in [
        (&ny_token, "America/New_York"),
        (&ist_token, "Asia/Kolkata"),
    ] {
        let res = app
            .call(
                Method::PATCH,
                "/api/student/profile",
                token,
                Some(json!({"timezone": tz})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let platform = platform_of(&app, ny).await;
    // The same instants for both, around New York's spring-forward night (2026-03-08):
    // 23:30 EST on the 7th, 23:30 EDT on the 8th, 00:30 EDT on the 10th, 21:00 EDT on the 10th.
    let instants = [
        Utc.with_ymd_and_hms(2026, 3, 8, 4, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 9, 3, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 10, 4, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 11, 1, 0, 0).unwrap(),
    ];
    for u in [ny, ist] {
        for at in instants {
            let fact = XpFact {
                user_id: u,
                kind: XpKind::MentorshipSession,
                source_id: Uuid::now_v7(),
                course_id: None,
                occurred_at: at,
            };
            assert!(
                engagement::on_fact(&app.ctx, platform, &fact, None)
                    .await
                    .unwrap()
                    .created
            );
        }
    }
    badge(&app, &admin, "streak_4", "longest_streak", 4).await;
    let _ = engagement::safety_net::run_platform(&app.db, platform)
        .await
        .unwrap();
    // New York: the 7th, 8th, 10th (twice): a run of 2. Kolkata: the 8th, 9th, 10th, 11th: 4.
    let ny_body = app
        .call(Method::GET, "/api/student/engagement", &ny_token, None)
        .await
        .json();
    let ist_body = app
        .call(Method::GET, "/api/student/engagement", &ist_token, None)
        .await
        .json();
    assert_eq!(
        (
            ny_body["timezone"].as_str(),
            ny_body["longest_streak"].as_i64()
        ),
        (Some("America/New_York"), Some(2))
    );
    assert_eq!(
        (
            ist_body["timezone"].as_str(),
            ist_body["longest_streak"].as_i64()
        ),
        (Some("Asia/Kolkata"), Some(4))
    );
    assert_eq!(ny_body["badges"].as_array().unwrap().len(), 0);
    assert_eq!(ist_body["badges"][0]["code"], "streak_4");
    // Long ago: no current streak.
    assert_eq!(
        (ny_body["streak"].as_i64(), ist_body["streak"].as_i64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn badge_rules_are_admin_only_and_codes_unique() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let user = app.user_token();
    badge(&app, &admin, "quiz_master", "quizzes_passed", 5).await;
    app.call(
        Method::POST,
        "/api/admin/engagement/badges",
        &admin,
        Some(json!({"code": "quiz_master", "name": "Again", "metric": "xp", "threshold": 1})),
    )
    .await
    .assert_problem(409, "badge_code_taken");
    let res = app
        .call(
            Method::POST,
            "/api/admin/engagement/badges",
            &admin,
            Some(json!({"code": "Bad Code", "name": "x", "metric": "xp", "threshold": 1})),
        )
        .await;
    assert_eq!(
        (res.status, common::field(&res.json())),
        (422, "code".to_owned())
    );
    app.call(Method::GET, "/api/admin/engagement/badges", &user, None)
        .await
        .assert_problem(403, "forbidden");
    let list = app
        .call(Method::GET, "/api/admin/engagement/badges", &admin, None)
        .await
        .json();
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/admin/engagement/badges/{id}"),
            &admin,
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(
        (res.status, res.json()["active"].as_bool()),
        (200, Some(false))
    );
}
