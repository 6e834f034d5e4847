//! Graphy (Mr. Learn) and EzExam (Mr. Test) sync (docs/integrations-sync.md, ADR 0040).
//!
//! Each platform keeps sync configs in PostgreSQL (`mrlearn_sync_configs`,
//! `mrtest_sync_configs`: the outside API's key sealed in the row, an interval, filters,
//! enabled). Every enabled config is a BullMQ job scheduler (`mrlearn-sync:<id>` on
//! `mrlearnSyncQueue`, `mrtest-sync:<id>` on `mrtestSyncQueue`) that [`schedules`] rebuilds
//! from the rows at boot and on `schedules.changed`, so a Redis flush loses nothing. The
//! worker ([`workers`]) pages through the outside API ([`client`]) and upserts idempotently
//! (`service::sync`), recording each run in `sync_runs`.

pub mod client;
pub mod config;
pub mod ezexam;
pub mod graphy;
pub mod payloads;
pub mod schedules;
pub mod state;
pub mod workers;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use config::SyncConfig;
pub use state::ExternalSync;

/// Which outside system a config syncs (matches `sync_runs.config_kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    /// Graphy (Mr. Learn): enrolments and progress.
    #[sea_orm(string_value = "mrlearn")]
    Mrlearn,
    /// EzExam (Mr. Test): exams and results.
    #[sea_orm(string_value = "mrtest")]
    Mrtest,
}

impl SyncKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mrlearn => "mrlearn",
            Self::Mrtest => "mrtest",
        }
    }

    /// The outside system's name (messages, logs).
    pub fn provider(self) -> &'static str {
        match self {
            Self::Mrlearn => "Graphy",
            Self::Mrtest => "EzExam",
        }
    }

    /// The configs' table.
    pub fn config_table(self) -> &'static str {
        match self {
            Self::Mrlearn => "mrlearn_sync_configs",
            Self::Mrtest => "mrtest_sync_configs",
        }
    }

    /// Prefix of the configs' scheduler ids.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Self::Mrlearn => "mrlearn-sync:",
            Self::Mrtest => "mrtest-sync:",
        }
    }

    /// The sync jobs' queue.
    pub fn queue(self) -> &'static str {
        match self {
            Self::Mrlearn => payloads::MrlearnSync::QUEUE_NAME,
            Self::Mrtest => payloads::MrtestSync::QUEUE_NAME,
        }
    }

    /// The sync jobs' name.
    pub fn job_name(self) -> &'static str {
        match self {
            Self::Mrlearn => "mrlearn-sync",
            Self::Mrtest => "mrtest-sync",
        }
    }

    /// The scheduler id of a config.
    pub fn scheduler_id(self, config_id: Uuid) -> String {
        format!("{}{config_id}", self.id_prefix())
    }
}
