//! Shared pieces of the real-time tests: a booked meeting made through the HTTP API, the
//! official `socket.io-client` driving a meeting (`crates/realtime/tests/node/meeting.mjs`),
//! and extra gateway processes (real replicas) on the test's database and Redis prefix.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod sources;

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use chrono::Utc;
use kernel::auth::Role;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use testkit::TestApp;
use uuid::Uuid;

/// The people and ids of a booked session.
pub struct Booked {
    /// An admin's token.
    pub admin: String,
    /// The mentor (approved from a plain USER) and their token.
    pub mentor: (Uuid, String),
    /// The student and their token.
    pub student: (Uuid, String),
    /// The booking.
    pub booking_id: String,
    /// Its meeting (the room id).
    pub meeting_id: String,
}

/// Price of the session in tokens; the student is granted [`GRANT`].
pub const PRICE: i64 = 150;
/// Tokens granted to the student.
pub const GRANT: i64 = 200;

/// The seed's journey up to a booked session, through the API: the admin grants tokens, a
/// user applies as mentor, the admin approves, the mentor opens a slot, the student books.
pub async fn booked_meeting(app: &TestApp) -> Booked {
    let admin = app.admin_token();
    let mentor = app.user(Role::User, &[], "mr-mentor");
    let student = app.user(Role::User, &[], "mr-mentor");
    let res = app
        .call(
            Method::POST,
            "/api/admin/tokens/grant",
            &admin,
            Some(json!({"user_id": student.0, "amount": GRANT, "reason": "welcome"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me",
            &mentor.1,
            Some(json!({
                "headline": "SQL and analytics", "bio": "Analytics lead.", "expertise": ["sql"],
                "price_tokens": PRICE, "languages": ["en"], "full_name": "Meera Iyer"
            })),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let profile = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/mentors/{profile}/approve"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.json()["status"], "approved", "{}", res.text);
    let start = Utc::now() + chrono::Duration::hours(2);
    let res = app
        .call(
            Method::POST,
            "/api/mentors/me/slots",
            &mentor.1,
            Some(json!({"start_at": start, "end_at": start + chrono::Duration::minutes(45)})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let slot = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/slots/{slot}/book"),
            &student.1,
            None,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["tokens_held"], PRICE);
    // the session is due now (a socket joining two hours early would not count as presence)
    let meeting = body["meeting_id"].as_str().unwrap();
    app.shift_meeting(meeting, -1, 44).await;
    Booked {
        admin,
        mentor,
        student,
        booking_id: body["booking_id"].as_str().unwrap().to_owned(),
        meeting_id: body["meeting_id"].as_str().unwrap().to_owned(),
    }
}

fn node_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/realtime/tests/node");
    assert!(
        dir.join("node_modules/socket.io-client").exists(),
        "npm packages missing: run `npm ci --prefix crates/realtime/tests/node` (scripts/test.sh does)"
    );
    dir
}

/// A long-running Node peer (a script of `crates/realtime/tests/node` given `config` as its
/// argument) that prints one JSON object per line as things happen.
pub struct NodeLines {
    _child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl NodeLines {
    /// Starts `script` (killed when this is dropped).
    pub fn spawn(script: &str, config: &Value) -> Self {
        let dir = node_dir();
        let mut child = tokio::process::Command::new("node")
            .arg(dir.join(script))
            .arg(config.to_string())
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("running node");
        let stdout = child.stdout.take().unwrap();
        Self {
            _child: child,
            lines: tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout)),
        }
    }

    /// The next line, within `within` (fails when the peer goes quiet or exits).
    pub async fn next(&mut self, within: Duration) -> Value {
        let line = tokio::time::timeout(within, self.lines.next_line())
            .await
            .expect("the client went quiet")
            .unwrap()
            .expect("the client exited");
        serde_json::from_str(&line).unwrap()
    }
}

/// Runs `meeting.mjs` with `config` and returns its transcript (`{steps:[{name,value}], error?}`).
pub async fn run_meeting(config: Value) -> Value {
    let dir = node_dir();
    let out = tokio::process::Command::new("node")
        .arg(dir.join("meeting.mjs"))
        .arg(config.to_string())
        .current_dir(&dir)
        .output()
        .await
        .expect("running node");
    assert!(
        out.status.success(),
        "meeting.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "meeting.mjs printed {:?}: {e}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The value of step `name` of a transcript (fails with the whole transcript when absent).
pub fn step<'a>(transcript: &'a Value, name: &str) -> &'a Value {
    transcript["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .map(|s| &s["value"])
        .unwrap_or_else(|| panic!("no step {name} in {transcript:#}"))
}

/// Another gateway process (`gateway api`) on the test's database, Redis and key prefixes:
/// a second replica. Killed when dropped.
pub struct Replica {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Replica {
    /// Starts a replica of `app` with extra environment, and waits for its health probe.
    pub async fn start(app: &TestApp, extra: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gateway"));
        cmd.arg("api")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_ENV", "development")
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("HTTP_WORKERS", "1")
            .env(
                "DATABASE_URL",
                format!("{}/{}", testkit::postgres_server(), app.db_name),
            )
            .env("DB_POOL_MAX", "4")
            .env("REDIS_URL", app.config.kernel.redis_url.expose_secret())
            .env("REDIS_KEY_PREFIX", &app.config.kernel.redis_key_prefix)
            .env("BULLMQ_PREFIX", &app.config.kernel.bullmq_prefix)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("starting a gateway replica");
        let address = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(res) = http.get(format!("{address}/api/health")).send().await
                && res.status().is_success()
            {
                return Self { child, address };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the replica exited at boot: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the replica did not answer /api/health in 10 s");
    }

    /// `kill -9`: no shutdown, no cleanup, as a crash.
    pub fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The meeting script's configuration: both participants on `app`, an outsider optional.
pub fn config(app: &TestApp, b: &Booked, outsider: Option<&str>) -> Value {
    json!({
        "meetingId": b.meeting_id,
        "badTokenUrl": app.address,
        "mentor": {"url": app.address, "token": b.mentor.1},
        "student": {"url": app.address, "token": b.student.1},
        "outsider": outsider.map(|t| json!({"url": app.address, "token": t})),
    })
}

/// Asserts the whole meeting exchange of a transcript.
pub fn assert_meeting(t: &Value, b: &Booked) {
    assert!(t["error"].is_null(), "the client failed: {t:#}");
    let ids = step(t, "ids");
    let (mentor_sid, student_sid) = (ids["mentor"].clone(), ids["student"].clone());
    let (mentor, student) = (b.mentor.0.to_string(), b.student.0.to_string());

    let init = step(t, "initialize");
    assert_eq!(init["ok"], true, "{init}");
    assert_eq!(init["meeting"]["id"], b.meeting_id.as_str());
    assert_eq!(step(t, "mentor_join")["ok"], true);
    assert_eq!(step(t, "meeting_started")["roomId"], b.meeting_id.as_str());
    let joined = step(t, "student_join");
    assert_eq!(joined["ok"], true, "{joined}");
    for name in ["mentor_sees_two", "student_sees_two"] {
        let update = step(t, name);
        assert_eq!(update["roomId"], b.meeting_id.as_str());
        let mut users: Vec<(String, String)> = update["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                assert_eq!(u["fullName"], "Test User", "{u}");
                (
                    u["userId"].as_str().unwrap().to_owned(),
                    u["socketId"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        users.sort();
        let mut expected = vec![
            (mentor.clone(), mentor_sid.as_str().unwrap().to_owned()),
            (student.clone(), student_sid.as_str().unwrap().to_owned()),
        ];
        expected.sort();
        assert_eq!(users, expected, "{update}");
    }

    assert_eq!(step(t, "offer_ack")["ok"], true);
    let offer = step(t, "offer");
    assert_eq!(offer["from"], mentor_sid);
    assert_eq!(offer["sdp"]["type"], "offer");
    assert_eq!(
        offer["sdp"]["sdp"], "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n",
        "relayed unchanged"
    );
    let answer = step(t, "answer");
    assert_eq!(answer["from"], student_sid);
    assert_eq!(answer["sdp"]["type"], "answer");
    let ice = step(t, "ice");
    assert_eq!(ice["from"], mentor_sid);
    assert_eq!(
        ice["candidate"], "candidate:1 1 udp 1 127.0.0.1 9 typ host",
        "a plain string works too"
    );

    let chat_ack = step(t, "chat_ack");
    assert_eq!(chat_ack["ok"], true, "{chat_ack}");
    for name in ["chat_mentor", "chat_student"] {
        let chat = step(t, name);
        assert_eq!(chat["text"], "Hello, mentor!");
        assert_eq!(chat["from"]["userId"], student.as_str());
        assert_eq!(chat["roomId"], b.meeting_id.as_str());
        assert_eq!(chat["id"], chat_ack["id"]);
    }

    let audio = step(t, "audio");
    assert_eq!(audio["enabled"], false);
    assert_eq!(audio["userId"], mentor.as_str());
    assert_eq!(audio["socketId"], mentor_sid);
    assert_eq!(
        step(t, "mentor_got_own_audio"),
        false,
        "toggles go to the others"
    );

    assert_eq!(step(t, "rec_started")["by"], mentor.as_str());
    assert!(step(t, "rec_started")["startedAt"].is_string());
    assert_eq!(step(t, "rec_stopped")["by"], mentor.as_str());

    let online = step(t, "online");
    assert_eq!(online["ok"], true);
    let online: Vec<&str> = online["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userId"].as_str().unwrap())
        .collect();
    assert!(
        online.contains(&mentor.as_str()) && online.contains(&student.as_str()),
        "{online:?}"
    );

    assert_eq!(step(t, "end_ack")["ok"], true);
    for name in ["ended_mentor", "ended_student"] {
        assert_eq!(step(t, name)["roomId"], b.meeting_id.as_str());
        assert!(step(t, name)["endedAt"].is_string());
    }
}
