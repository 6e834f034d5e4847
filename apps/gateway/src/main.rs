//! `gateway` CLI: serve | api | worker | migrate | seed | openapi.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gateway::config::GatewayConfig;
use gateway::startup::{self, Role};

/// jemalloc, with background threads returning freed pages within a second (the options are
/// in `.cargo/config.toml`): glibc's per-thread arenas kept what each HTTP worker freed (ADR
/// 0087).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// MAS gateway: the Rust backend of the EdTech and recruitment suite.
#[derive(Debug, Parser)]
#[command(name = "gateway", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database if missing, migrate, seed, run HTTP + workers (the default).
    Serve,
    /// Like serve, without background workers (scale the HTTP tier on its own).
    Api,
    /// Run background workers and schedules without HTTP.
    Worker,
    /// Create the database if missing and apply pending migrations, then exit.
    Migrate,
    /// Run the idempotent seeders, then exit.
    Seed,
    /// Print the OpenAPI document as JSON, then exit.
    Openapi,
    /// What `serve` and `api` run as a child process before serving: create the database if
    /// missing, migrate, seed, and write the OpenAPI document to `--docs-out`.
    #[command(hide = true)]
    Prepare {
        /// Where the OpenAPI document is written.
        #[arg(long)]
        docs_out: std::path::PathBuf,
    },
    /// Reads a PDF resume from stdin and writes its text to stdout, with this process's
    /// memory and CPU capped first: what the screening runs as a child for each PDF (ADR 0094).
    #[command(hide = true)]
    ResumeText,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::ResumeText) = cli.command {
        return hire::resume_text::child_main();
    }
    // resumes are read by children of this binary (a PDF bomb ends the child, not the server);
    // on Linux through `/proc/self/exe`, which still opens this binary after a deploy replaced
    // the file on disk
    let own = std::path::Path::new("/proc/self/exe");
    let program = if own.exists() {
        Ok(own.to_path_buf())
    } else {
        std::env::current_exe()
    };
    if let Ok(exe) = program {
        hire::resume_text::read_in_children_of(exe);
    }
    if let Some(Command::Openapi) = cli.command {
        return match serde_json::to_string_pretty(&gateway::docs::openapi()) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match GatewayConfig::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::FAILURE;
        }
    };
    kernel::telemetry::init(&config.kernel);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => startup::run(config, Role::Serve).await,
            Command::Api => startup::run(config, Role::Api).await,
            Command::Worker => startup::run(config, Role::Worker).await,
            Command::Migrate => startup::migrate_only(&config).await,
            Command::Seed => startup::seed_only(&config).await,
            Command::Prepare { docs_out } => startup::prepare_only(&config, &docs_out).await,
            Command::Openapi | Command::ResumeText => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = ?err, "gateway failed");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
