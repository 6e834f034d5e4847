//! Real time across replicas: the meeting exchange with the two participants on two
//! gateway processes sharing PostgreSQL and Redis, and a replica killed with `kill -9`
//! whose users disappear from the other's `room-users-updated` within the heartbeat window.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::{Duration, Instant};

use common::{NodeLines, Replica, assert_meeting, booked_meeting, config, run_meeting};
use serde_json::json;
use testkit::{TestOptions, spawn_app_with};

const HEARTBEAT_MS: u64 = 300;
const NODE_TTL_MS: u64 = 1_200;

fn fast_heartbeat() -> [(&'static str, String); 2] {
    [
        ("REALTIME_HEARTBEAT_MS", HEARTBEAT_MS.to_string()),
        ("REALTIME_NODE_TTL_MS", NODE_TTL_MS.to_string()),
    ]
}

async fn app() -> testkit::TestApp {
    let mut options = TestOptions::default();
    for (k, v) in fast_heartbeat() {
        options = options.env(k, v);
    }
    spawn_app_with(options).await
}

async fn replica(app: &testkit::TestApp) -> Replica {
    let env = fast_heartbeat();
    let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Replica::start(app, &extra).await
}

#[tokio::test]
async fn the_meeting_works_with_each_participant_on_another_replica() {
    let app = app().await;
    let other = replica(&app).await;
    let b = booked_meeting(&app).await;
    let mut cfg = config(&app, &b, None);
    cfg["student"]["url"] = json!(other.address);
    let t = run_meeting(cfg).await;
    assert_meeting(&t, &b);
}

#[tokio::test]
async fn a_killed_replicas_users_leave_the_room_within_the_heartbeat_window() {
    let app = app().await;
    let mut other = replica(&app).await;
    let b = booked_meeting(&app).await;
    let cfg = json!({
        "meetingId": b.meeting_id,
        "mentor": {"url": app.address, "token": b.mentor.1},
        "student": {"url": other.address, "token": b.student.1},
    });
    let mut node = NodeLines::spawn("presence.mjs", &cfg);
    let mut next = async || node.next(Duration::from_secs(20)).await;

    let ready = next().await;
    let users = ready["ready"]["users"].as_array().unwrap();
    assert_eq!(users.len(), 2, "{ready}");
    let student = b.student.0.to_string();
    assert!(
        users.iter().any(|u| u["userId"] == student.as_str()),
        "{ready}"
    );

    other.kill();
    let killed = Instant::now();
    let vanished = next().await;
    let elapsed = killed.elapsed();
    let users = vanished["vanished"]["users"].as_array().unwrap();
    assert_eq!(users.len(), 1, "{vanished}");
    assert_eq!(users[0]["userId"], b.mentor.0.to_string().as_str());
    // the dead node's heartbeat key expires within the TTL; the next heartbeat of the live
    // node notices (one interval), then announces
    let window = Duration::from_millis(NODE_TTL_MS + 2 * HEARTBEAT_MS + 500);
    assert!(
        elapsed <= window,
        "the student vanished after {elapsed:?}, beyond the {window:?} window"
    );
}
