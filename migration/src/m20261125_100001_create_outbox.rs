//! `outbox`: jobs and domain events written inside business transactions, relayed to BullMQ
//! after commit (ADR 0009).

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
                CREATE TABLE outbox (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid REFERENCES platforms (id),
                    queue        text NOT NULL CHECK (length(queue) BETWEEN 1 AND 100),
                    job_name     text NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
                    payload      jsonb NOT NULL,
                    delay_ms     bigint NOT NULL DEFAULT 0 CHECK (delay_ms >= 0),
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    relayed_at   timestamptz,
                    attempts     integer NOT NULL DEFAULT 0,
                    last_error   text
                );
                CREATE INDEX outbox_pending ON outbox (created_at) WHERE relayed_at IS NULL;
                CREATE INDEX outbox_relayed ON outbox (relayed_at) WHERE relayed_at IS NOT NULL;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE outbox;")
            .await?;
        Ok(())
    }
}
