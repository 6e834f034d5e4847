//! Idempotent seeders run at boot in one transaction: the three platforms and the system
//! configuration defaults. Existing rows are never overwritten, so admin changes survive.

use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait, sea_query::OnConflict};

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

/// Runs every seeder in one transaction.
pub async fn run(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let rows = PLATFORMS
        .iter()
        .map(|(slug, name, modules)| new_platform_row(slug, name, modules));
    platforms::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(platforms::Column::Slug)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    kernel::system_config::seed_defaults(&txn).await?;
    txn.commit().await?;
    Ok(())
}
