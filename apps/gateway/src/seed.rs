//! Idempotent seeders run at boot in one transaction: the three platforms, the system
//! configuration defaults, then identity's (the first SUPERADMIN from `ADMIN_EMAIL` /
//! `ADMIN_PASSWORD`, sales users from `SEED_SALES_USERS`). Existing rows are never
//! overwritten, so admin changes survive.

use crate::config::GatewayConfig;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait, sea_query::OnConflict,
};

use kernel::tenant::{MODULES, entity as platforms, new_platform_row};

/// The seeded platforms: (slug, name, modules). Mr. Mentor, the gateway of the suite, has all.
pub const PLATFORMS: &[(&str, &str, &[&str])] = &[
    ("mr-mentor", "Mr. Mentor", MODULES),
    (
        "my-analytics-school",
        "My Analytics School",
        &[
            "mentorship",
            "tokens",
            "lms",
            "crm",
            "finance",
            "comms",
            "storage",
        ],
    ),
    (
        "mr-hire",
        "Mr. Hire",
        &["hire", "crm", "finance", "comms", "storage"],
    ),
];

/// Runs every seeder in one transaction (what `serve`, `api` and `seed` do at boot).
pub async fn run_all(db: &DatabaseConnection, config: &GatewayConfig) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    core(&txn).await?;
    identity::seed::run(&txn, &config.identity.auth, &config.kernel.default_platform).await?;
    txn.commit().await?;
    Ok(())
}

/// Runs the platform and system-configuration seeders (no configured users) in one
/// transaction.
pub async fn run(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    core(&txn).await?;
    txn.commit().await?;
    Ok(())
}

async fn core<C: ConnectionTrait>(txn: &C) -> anyhow::Result<()> {
    let rows = PLATFORMS
        .iter()
        .map(|(slug, name, modules)| new_platform_row(slug, name, modules));
    platforms::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(platforms::Column::Slug)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    let keys: Vec<_> = crate::settings::keys().copied().collect();
    kernel::system_config::seed_defaults(txn, &keys).await?;
    integrations::service::agent_config::seed_defaults(txn).await?;
    crm::seed::default_workflows(txn).await?;
    Ok(())
}
