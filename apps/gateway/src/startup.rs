//! Process lifecycle: prepare the database (create, migrate, seed), build the server, run
//! until a signal, then shut down in the seed's order: sockets, HTTP (draining in-flight
//! requests), database, Redis.

use std::{future::Future, net::TcpListener, sync::Arc};

use actix_web::{HttpServer, dev::Server, web};
use anyhow::Context;
use kernel::AppContext;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use secrecy::ExposeSecret;

use jobs::runner::{Background, Mode};

use crate::{
    app::{ApiDocs, Services, build_app},
    config::GatewayConfig,
};

/// What a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// HTTP + workers + schedules.
    Serve,
    /// HTTP only.
    Api,
    /// Workers + schedules only.
    Worker,
}

/// Key of the advisory lock that serializes migrate + seed across replicas.
const MIGRATION_LOCK: i64 = 0x6d61_735f_6d69_6772; // "mas_migr"

/// Creates the database if missing, applies pending migrations and runs the seeders, holding
/// an advisory lock so concurrent replicas take turns.
pub async fn prepare_database(config: &GatewayConfig) -> anyhow::Result<()> {
    let url = config.kernel.database_url.expose_secret();
    kernel::db::ensure_database(url).await?;
    let mut single = config.kernel.clone();
    single.db_pool_max = 1;
    single.db_pool_min = 1;
    let conn = kernel::db::connect_url(url, &single).await?;
    conn.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let result = async {
        Migrator::up(&conn, None)
            .await
            .context("applying migrations")?;
        crate::seed::run_all(&conn, config).await.context("seeding")
    }
    .await;
    conn.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await
        .ok();
    conn.close().await.ok();
    result
}

/// `gateway migrate`.
pub async fn migrate_only(config: &GatewayConfig) -> anyhow::Result<()> {
    let url = config.kernel.database_url.expose_secret();
    kernel::db::ensure_database(url).await?;
    let conn = kernel::db::connect(&config.kernel).await?;
    Migrator::up(&conn, None)
        .await
        .context("applying migrations")?;
    conn.close().await.ok();
    tracing::info!("migrations applied");
    Ok(())
}

/// `gateway seed`.
pub async fn seed_only(config: &GatewayConfig) -> anyhow::Result<()> {
    let conn = kernel::db::connect(&config.kernel).await?;
    crate::seed::run_all(&conn, config).await?;
    conn.close().await.ok();
    tracing::info!("seeders ran");
    Ok(())
}

/// A built, bound, not yet running gateway.
pub struct Application {
    port: u16,
    server: Option<Server>,
    ctx: AppContext,
    role: Role,
    jobs: jobs::Jobs,
    background: Background,
    realtime: realtime::Realtime,
}

impl Application {
    /// Connects, binds `HOST:PORT` (port 0 picks one) and builds the server.
    /// The database must exist and be migrated ([`prepare_database`]).
    pub async fn build(config: GatewayConfig, role: Role) -> anyhow::Result<Self> {
        Self::build_with_docs(config, role, None).await
    }

    /// [`Application::build`] serving `docs` (collected by `gateway prepare`) rather than
    /// collecting the document in this process.
    pub async fn build_with_docs(
        config: GatewayConfig,
        role: Role,
        docs: Option<ApiDocs>,
    ) -> anyhow::Result<Self> {
        let db = kernel::db::connect(&config.kernel).await?;
        let redis = kernel::redis::pool(&config.kernel)?;
        let ctx = AppContext::new(config.kernel.clone(), db, redis)?;
        Self::from_context(ctx, &config, role, docs).await
    }

    /// Builds the server around an existing context (made from `config.kernel`): queues and
    /// background work for every role, HTTP unless the role is `worker`; each crate's state
    /// gets its section of `config`. The API document is `docs`, or collected here.
    pub async fn from_context(
        ctx: AppContext,
        config: &GatewayConfig,
        role: Role,
        docs: Option<ApiDocs>,
    ) -> anyhow::Result<Self> {
        let jobs = jobs::Jobs::new(&ctx).await?;
        let services = Services::build(&ctx, &jobs, config).await?;
        let config = ctx.config.clone();
        let registry = Arc::new(crate::workers::registry(&jobs, &services));
        let mode = if role == Role::Api {
            Mode::ProduceOnly
        } else {
            Mode::Consume
        };
        let background = Background::start(&jobs, registry, mode).await?;
        let realtime = services.realtime.clone();
        if role == Role::Worker {
            return Ok(Self {
                port: 0,
                server: None,
                ctx,
                role,
                jobs,
                background,
                realtime,
            });
        }
        let listener = TcpListener::bind(config.listen_addr())
            .with_context(|| format!("binding {}:{}", config.host, config.port))?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(ctx.clone());
        let docs = match docs {
            Some(docs) => docs,
            None => ApiDocs::collect().context("serialising the API document")?,
        };
        let docs = web::Data::new(docs);
        let mut server =
            HttpServer::new(move || build_app(data.clone(), docs.clone(), services.clone()))
                .disable_signals()
                .shutdown_timeout(config.shutdown_timeout.as_secs())
                .listen(listener)?;
        if let Some(workers) = config.http_workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: Some(server.run()),
            ctx,
            role,
            jobs,
            background,
            realtime,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared context (tests reach the pool and Redis through it).
    pub fn context(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &jobs::Jobs {
        &self.jobs
    }

    /// Serves until `shutdown` resolves, then stops in the seed's order: sockets, HTTP
    /// (draining in-flight requests), background workers (finishing or returning their
    /// jobs), the database pool, Redis.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Application {
            server,
            ctx,
            role,
            port,
            jobs,
            background,
            realtime,
        } = self;
        tracing::info!(?role, port, queues = ?background.queues(), "gateway running");
        let stopped = match server {
            Some(server) => {
                let handle = server.handle();
                // The server future processes the stop command itself, so it runs as its own
                // task while this one waits for the signal.
                let mut task = tokio::spawn(server);
                tokio::select! {
                    result = &mut task => result.context("HTTP server task").and_then(|r| r.context("HTTP server stopped")),
                    () = shutdown => {
                        tracing::info!("shutting down: closing sockets, draining HTTP");
                        realtime.shutdown().await;
                        handle.stop(true).await;
                        task.await.ok();
                        Ok(())
                    }
                }
            }
            None => {
                shutdown.await;
                Ok(())
            }
        };
        tracing::info!("draining background workers");
        background.close(ctx.config.shutdown_timeout).await;
        close(ctx, jobs).await;
        stopped
    }
}

async fn close(ctx: AppContext, jobs: jobs::Jobs) {
    let AppContext { db, redis, .. } = ctx;
    close_db(db).await;
    redis.close();
    jobs.close().await;
    tracing::info!("stopped");
}

async fn close_db(db: DatabaseConnection) {
    if let Err(err) = db.close().await {
        tracing::warn!(error = %err, "closing the database pool");
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// `gateway serve | api | worker`: prepare (in a child process), build, run until a signal.
pub async fn run(config: GatewayConfig, role: Role) -> anyhow::Result<()> {
    let docs = if role == Role::Worker {
        None
    } else {
        prepare(&config).await?
    };
    let app = Application::build_with_docs(config, role, docs).await?;
    app.run_until(shutdown_signal()).await
}

/// Runs `gateway prepare` (the database prepared, the API document written to a private
/// temporary file) as a child process of this binary and returns the document it wrote. The
/// boot work's code (migrations, seeders, every route's OpenAPI item) and its short-lived heap
/// stay in the child, so the long-running server never maps them (ADR 0087: idle memory).
/// Where no child can be started (no writable temporary directory, no binary to execute), the
/// database is prepared in this process and `None` returned (the document is collected here).
async fn prepare(config: &GatewayConfig) -> anyhow::Result<Option<ApiDocs>> {
    let started = tempfile::Builder::new()
        .prefix("gateway-openapi-")
        .suffix(".json")
        .tempfile()
        .and_then(|out| {
            let exe = std::env::current_exe()?;
            let child = tokio::process::Command::new(exe)
                .arg("prepare")
                .arg("--docs-out")
                .arg(out.path())
                .kill_on_drop(true)
                .spawn()?;
            Ok((out, child))
        });
    let (out, mut child) = match started {
        Ok(started) => started,
        Err(err) => {
            tracing::warn!(error = %err, "cannot run `gateway prepare` as a child process; preparing in this one");
            prepare_database(config).await?;
            return Ok(None);
        }
    };
    let status = child
        .wait()
        .await
        .context("waiting for `gateway prepare`")?;
    anyhow::ensure!(status.success(), "`gateway prepare` failed ({status})");
    let json = tokio::fs::read(out.path())
        .await
        .context("reading the API document")?;
    ApiDocs::from_json(json.into())
        .map(Some)
        .context("parsing the API document")
}

/// `gateway prepare --docs-out <file>`: [`prepare_database`], then the API document written
/// to `file` (what [`run`] serves).
pub async fn prepare_only(
    config: &GatewayConfig,
    docs_out: &std::path::Path,
) -> anyhow::Result<()> {
    prepare_database(config).await?;
    // the JSON only: the route table is the parent's, built from what it reads back
    let json =
        serde_json::to_vec(&crate::docs::openapi()).context("serialising the API document")?;
    tokio::fs::write(docs_out, json)
        .await
        .with_context(|| format!("writing {}", docs_out.display()))
}
