//! Idempotent seeders run at boot in one transaction: the three platforms and the system
//! configuration defaults. Existing rows are never overwritten, so admin changes survive.

use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait, sea_query::OnConflict};
use serde_json::json;

use kernel::tenant::entity as platforms;

/// The seeded platforms: (slug, name, modules).
pub const PLATFORMS: &[(&str, &str, &[&str])] = &[
    (
        "mr-mentor",
        "Mr. Mentor",
        &[
            "mentorship",
            "tokens",
            "lms",
            "hire",
            "crm",
            "finance",
            "comms",
            "storage",
        ],
    ),
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
    let now = Utc::now();
    let rows = PLATFORMS
        .iter()
        .map(|(slug, name, modules)| platforms::ActiveModel {
            id: Set(kernel::ids::new_id()),
            slug: Set((*slug).to_owned()),
            name: Set((*name).to_owned()),
            modules: Set(json!(modules)),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        });
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
