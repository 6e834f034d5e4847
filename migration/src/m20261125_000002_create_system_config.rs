//! `system_config`: runtime flags and cron toggles (the seed's SystemConfig).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                r#"
                CREATE TABLE system_config (
                    key          text PRIMARY KEY CHECK (key ~ '^[A-Z][A-Z0-9_]{0,99}$'),
                    value        jsonb NOT NULL,
                    description  text NOT NULL DEFAULT '',
                    updated_at   timestamptz NOT NULL DEFAULT now(),
                    updated_by   uuid
                );
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE system_config;")
            .await?;
        Ok(())
    }
}
