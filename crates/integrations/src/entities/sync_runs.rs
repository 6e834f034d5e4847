//! `sync_runs`: one row per attempt of a sync job (counts, errors, duration).

use sea_orm::entity::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sync::SyncKind;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    /// The config's job scheduler.
    #[sea_orm(string_value = "schedule")]
    Schedule,
    /// `POST …/sync-configs/{id}/run`.
    #[sea_orm(string_value = "manual")]
    Manual,
    /// The new-student fast sync (`MRLEARN_NEW_STUDENT_SYNC_*`).
    #[sea_orm(string_value = "new_students")]
    NewStudents,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Still going. A run whose worker stopped is closed as `failed` ("abandoned") when its
    /// job starts again (retry or stalled-job takeover).
    #[sea_orm(string_value = "running")]
    Running,
    /// Every page was read and stored.
    #[sea_orm(string_value = "succeeded")]
    Succeeded,
    /// Stopped at an error (`errors`); the job retries with backoff.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// One run.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    /// Id (v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Which config table.
    pub config_kind: SyncKind,
    /// The config.
    pub config_id: Uuid,
    /// What started it.
    pub trigger: RunTrigger,
    /// The BullMQ job.
    pub job_id: Option<String>,
    /// The job's attempt.
    pub attempt: i32,
    /// How it ended.
    pub status: RunStatus,
    /// Pages read.
    pub pages: i32,
    /// Rows inserted or changed.
    pub upserted: i32,
    /// Rows read that were already up to date.
    pub unchanged: i32,
    /// `[{message, at}]`.
    pub errors: Json,
    /// Started.
    pub started_at: DateTimeUtc,
    /// Finished.
    pub finished_at: Option<DateTimeUtc>,
    /// Length.
    pub duration_ms: Option<i64>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
