//! Test harness shared by every crate's integration tests (a dev-dependency only).
//!
//! [`spawn_app`] builds the real gateway App on port 0 against a fresh database cloned from
//! a migrated, seeded template (milliseconds instead of a migration run), with a Redis key
//! prefix of its own. Set `TEST_LOG=1` to see the app's logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod client;
pub mod database;
pub mod llm;
pub mod logs;
mod meetings;
mod outbox;
pub mod proxy;
pub mod razorpay;
pub mod sql_log;
pub mod users;
pub mod worker;

use std::{collections::HashMap, sync::Once};

use gateway::{config::GatewayConfig, startup::Application};
use kernel::{
    AppContext, Config,
    auth::{Capability, Role as UserRole},
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub use client::TestResponse;
pub use gateway::startup::Role;
pub use proxy::TcpProxy;
pub use sql_log::SqlLog;
pub use users::Session;
pub use worker::Worker;

/// Where the machine's PostgreSQL server is (no database name).
pub fn postgres_server() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Where the machine's Redis is.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Options of [`spawn_app_with`]: environment overrides on top of the test defaults.
#[derive(Debug, Default, Clone)]
pub struct TestOptions {
    /// Variables to set (`DATABASE_URL` is filled in unless given; give `REDIS_URL` to point
    /// at a proxy).
    pub env: HashMap<String, String>,
    /// Rewrites the database URL the app connects to (e.g. through a [`TcpProxy`]).
    pub database_host_port: Option<String>,
    /// Process role (default `Api`: HTTP, outbox relay, no queue workers; `Serve` runs the
    /// registered workers and schedules too).
    pub role: Option<Role>,
}

impl TestOptions {
    /// Sets one variable.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_owned(), value.into());
        self
    }
}

/// A running gateway on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The bound port.
    pub port: u16,
    /// The configuration the app runs with (kernel's settings and every crate's section,
    /// composed as `main` does).
    pub config: GatewayConfig,
    /// The app's context (its pool, Redis, JWT keys).
    pub ctx: AppContext,
    /// The app's queues handle (BullMQ prefix of its own).
    pub jobs: jobs::Jobs,
    /// A direct pool to the test database (not through any proxy).
    pub db: DatabaseConnection,
    /// The test database's name.
    pub db_name: String,
    /// Plain HTTP client (no redirects followed).
    pub http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Whether dropping the app drops its database and Redis keys (not a replica's).
    owns_data: bool,
}

/// Polls `f` every 100 ms until it returns `Some` or `secs` pass (the wait of tests whose
/// outcome arrives asynchronously: a queued job, recovery after an outage).
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if let Some(v) = f().await {
            return Some(v);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

static LOG: Once = Once::new();

fn init_logs() {
    LOG.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let mut config = Config::from_lookup(|_| None).unwrap();
            config.log_filter =
                std::env::var("RUST_LOG").unwrap_or_else(|_| "debug,sqlx=info,hyper=info".into());
            kernel::telemetry::init(&config);
        }
    });
}

/// Spawns the gateway with test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

/// Spawns the gateway with options.
pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    init_logs();
    let db_name = database::clone_template().await;
    let direct_url = format!("{}/{db_name}", postgres_server());
    let app_db_url = match &options.database_host_port {
        Some(hp) => format!("postgres://postgres@{hp}/{db_name}"),
        None => direct_url.clone(),
    };
    let unique = Uuid::now_v7().simple().to_string();
    let scratch = std::env::temp_dir().join(format!("mas-test-{unique}"));
    let mut env: HashMap<String, String> = [
        ("APP_ENV", "development".to_owned()),
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("HTTP_WORKERS", "1".to_owned()),
        ("SHUTDOWN_TIMEOUT_SECS", "5".to_owned()),
        ("DATABASE_URL", app_db_url),
        ("DB_POOL_MAX", "5".to_owned()),
        ("DB_POOL_MIN", "0".to_owned()),
        ("DB_CONNECT_TIMEOUT_MS", "1500".to_owned()),
        ("REDIS_URL", redis_url()),
        ("REDIS_KEY_PREFIX", format!("test:{unique}:")),
        ("BULLMQ_PREFIX", format!("test-bull-{unique}")),
        (
            "MAIL_OUTBOX_DIR",
            scratch.join("mail").display().to_string(),
        ),
        ("STORAGE_DIR", scratch.join("storage").display().to_string()),
        ("RUST_LOG", "info".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    env.extend(options.env.clone());
    let config = GatewayConfig::from_lookup(|k| env.get(k).cloned()).expect("test configuration");
    start(
        config,
        options.role.unwrap_or(Role::Api),
        direct_url,
        db_name,
        true,
    )
    .await
}

async fn start(
    config: GatewayConfig,
    role: Role,
    direct_url: String,
    db_name: String,
    owns_data: bool,
) -> TestApp {
    let app = Application::build(config.clone(), role)
        .await
        .expect("building the app");
    let port = app.port();
    let ctx = app.context().clone();
    let jobs = app.jobs().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let db = sea_orm::Database::connect(direct_url)
        .await
        .expect("connecting to the test database");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        config,
        ctx,
        jobs,
        db,
        db_name,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        shutdown: Some(tx),
        task: Some(task),
        owns_data,
    }
}

impl TestApp {
    /// Another process of the same deployment: an `Api` app on this app's configuration
    /// (database, Redis and its prefixes, secrets) on a port of its own. Dropping it leaves
    /// the database and the Redis keys to this app.
    pub async fn spawn_replica(&self) -> TestApp {
        self.spawn_replica_with_redis(None).await
    }

    /// [`Self::spawn_replica`] reaching Redis at `redis_url` when given (e.g. a [`TcpProxy`]
    /// to the same server).
    pub async fn spawn_replica_with_redis(&self, redis_url: Option<String>) -> TestApp {
        let mut config = self.config.clone();
        if let Some(url) = redis_url {
            config.kernel.redis_url = secrecy::SecretString::from(url);
        }
        start(
            config,
            Role::Api,
            format!("{}/{}", postgres_server(), self.db_name),
            self.db_name.clone(),
            false,
        )
        .await
    }

    /// Creates a real user with `role` and `caps` on `platform` (no password) and signs an
    /// access token for it. Synchronous, so it can be called anywhere in a test; the row is
    /// written on a helper thread with its own connection. An unknown platform gets a token
    /// for a user that does not exist.
    pub fn token(&self, role: UserRole, caps: &[Capability], platform: &str) -> String {
        self.user(role, caps, platform).1
    }

    /// Like [`TestApp::token`], also returning the new user's id.
    pub fn user(&self, role: UserRole, caps: &[Capability], platform: &str) -> (Uuid, String) {
        let id = users::create_blocking(&self.db_name, role, caps, platform);
        let token = self
            .ctx
            .jwt
            .issue(id, role, caps.to_vec(), platform, 900)
            .unwrap();
        (id, token)
    }

    /// A USER token on the default platform.
    pub fn user_token(&self) -> String {
        self.token(UserRole::User, &[], &self.config.kernel.default_platform)
    }

    /// An ADMIN token on the default platform.
    pub fn admin_token(&self) -> String {
        self.token(UserRole::Admin, &[], &self.config.kernel.default_platform)
    }

    /// A SUPERADMIN token on the default platform.
    pub fn superadmin_token(&self) -> String {
        self.token(
            UserRole::Superadmin,
            &[],
            &self.config.kernel.default_platform,
        )
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if !self.owns_data {
            return;
        }
        let db_name = self.db_name.clone();
        let prefix = self.config.kernel.redis_key_prefix.clone();
        let bull_prefix = format!("{}:", self.config.kernel.bullmq_prefix);
        // Cleanup runs on its own thread and runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                database::drop_database(&db_name).await;
                database::clear_redis_prefix(&prefix).await;
                database::clear_redis_prefix(&bull_prefix).await;
            });
        })
        .join();
    }
}
