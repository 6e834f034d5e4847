//! The real binary: `serve` creates a database that does not exist, migrates, seeds and
//! listens; SIGTERM lets an in-flight request finish, then the process exits 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, Database};
use testkit::{TcpProxy, postgres_server, redis_url};

struct Gateway {
    child: Child,
    port: u16,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(db_name: &str, redis: &str) -> Gateway {
    start_with(db_name, redis, &[])
}

fn start_with(db_name: &str, redis: &str, extra_env: &[(&str, &str)]) -> Gateway {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .arg("serve")
        .env_clear()
        .envs(extra_env.iter().copied())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", format!("{}/{db_name}", postgres_server()))
        .env("REDIS_URL", redis)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("HTTP_WORKERS", "1")
        .env("SHUTDOWN_TIMEOUT_SECS", "3")
        .env("REDIS_KEY_PREFIX", format!("test:{db_name}:"))
        .env("BULLMQ_PREFIX", format!("test-bull-{db_name}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Gateway { child, port }
}

async fn wait_until_up(client: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = client
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .send()
            .await
            && res.status() == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "the gateway did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the gateway did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The JSON body of a request's answer.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

async fn drop_db(name: &str) {
    testkit::database::clear_redis_prefix(&format!("test-bull-{name}:")).await;
    testkit::database::clear_redis_prefix(&format!("test:{name}:")).await;
    let admin = Database::connect(format!("{}/postgres", postgres_server()))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
}

/// `serve` prepares in a child process (`gateway prepare`) and serves the document that child
/// wrote; without a writable temporary directory it prepares in its own process instead. Both
/// serve the document `gateway openapi` prints, and the 404/405 table read from it.
#[tokio::test]
async fn serve_serves_the_document_its_prepare_step_collected_with_or_without_a_child() {
    let printed = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(printed.status.success());
    let expected: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    let client = reqwest::Client::new();
    for tmpdir in [None, Some("/nonexistent/tmp")] {
        let db_name = format!("mas_proc_{}", uuid::Uuid::now_v7().simple());
        let extra: Vec<(&str, &str)> = tmpdir.map(|t| ("TMPDIR", t)).into_iter().collect();
        let mut gw = start_with(&db_name, &redis_url(), &extra);
        wait_until_up(&client, gw.port).await;
        let base = format!("http://127.0.0.1:{}", gw.port);
        let served = json_of(client.get(format!("{base}/api/openapi.json"))).await;
        assert!(served == expected, "TMPDIR {tmpdir:?}: another document");
        let wrong_method = client
            .delete(format!("{base}/api/mentors/{}", uuid::Uuid::now_v7()))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong_method.status(), 405, "TMPDIR {tmpdir:?}");
        let allow = wrong_method.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains("GET"), "{allow}");
        sigterm(&gw.child);
        assert!(wait_exit(&mut gw.child, Duration::from_secs(10)).success());
        drop_db(&db_name).await;
    }
}

#[tokio::test]
async fn serve_creates_migrates_seeds_and_stops_cleanly() {
    let db_name = format!("mas_proc_{}", uuid::Uuid::now_v7().simple());
    let client = reqwest::Client::new();
    let mut gw = start(&db_name, &redis_url());
    wait_until_up(&client, gw.port).await;

    let ready = client
        .get(format!("http://127.0.0.1:{}/api/health/ready", gw.port))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["redis"], "ok");
    let platform = json_of(
        client
            .get(format!("http://127.0.0.1:{}/api/platform", gw.port))
            .header("X-Platform", "mr-hire"),
    )
    .await;
    assert_eq!(platform["name"], "Mr. Hire", "seeded");

    sigterm(&gw.child);
    let status = wait_exit(&mut gw.child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");

    // a second boot on the now-existing database is fine too (idempotent migrate + seed)
    let mut again = start(&db_name, &redis_url());
    wait_until_up(&client, again.port).await;
    sigterm(&again.child);
    assert!(wait_exit(&mut again.child, Duration::from_secs(10)).success());
    drop_db(&db_name).await;
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish() {
    let db_name = format!("mas_proc_{}", uuid::Uuid::now_v7().simple());
    let proxy = TcpProxy::start("127.0.0.1:6379".parse().unwrap()).await;
    let client = reqwest::Client::new();
    let mut gw = start(&db_name, &format!("redis://{}", proxy.host_port()));
    wait_until_up(&client, gw.port).await;

    // a stalled Redis makes the readiness check take its full 2 s deadline
    proxy.stall();
    let url = format!("http://127.0.0.1:{}/api/health/ready", gw.port);
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { client.get(url).send().await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    sigterm(&gw.child);

    let res = in_flight
        .await
        .unwrap()
        .expect("the in-flight request was answered, not dropped");
    assert_eq!(res.status(), 503);
    let status = wait_exit(&mut gw.child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    // after the drain, new connections are refused
    assert!(
        client
            .get(format!("http://127.0.0.1:{}/api/health", gw.port))
            .send()
            .await
            .is_err()
    );
    drop_db(&db_name).await;
}
