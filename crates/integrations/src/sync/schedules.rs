//! The sync's schedules: each enabled config row is a BullMQ job scheduler
//! (`mrlearn-sync:<config id>` every `interval_seconds` on `mrlearnSyncQueue`,
//! `mrtest-sync:<config id>` on `mrtestSyncQueue`; job data `{platform, config_id}`), and the
//! new-student fast sync is toggled by the SystemConfig keys `MRLEARN_NEW_STUDENT_SYNC_ENABLED`
//! and `MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS`. `jobs` syncs both sources at boot and on
//! `schedules.changed`, which every config write publishes in its transaction.

use jobs::{
    ScheduleSpec,
    schedule_source::{
        IntervalUnit, LoadFuture, ScheduleSource, SystemConfigSchedules, ToggleSchedule,
    },
};
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use serde_json::json;
use uuid::Uuid;

use super::{SyncKind, payloads::MrlearnNewStudentSync};

/// The schedules of one config table.
#[derive(Debug, Clone, Copy)]
pub struct ConfigSchedules(pub SyncKind);

#[derive(Debug, FromQueryResult)]
struct Enabled {
    id: Uuid,
    interval_seconds: i32,
    slug: String,
}

impl ScheduleSource for ConfigSchedules {
    fn id_prefix(&self) -> &str {
        self.0.id_prefix()
    }

    fn queues(&self) -> Vec<String> {
        vec![self.0.queue().to_owned()]
    }

    fn load<'a>(&'a self, db: &'a DatabaseConnection) -> LoadFuture<'a> {
        let kind = self.0;
        Box::pin(async move {
            let rows = Enabled::find_by_statement(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT c.id, c.interval_seconds, p.slug FROM {} c \
                     JOIN platforms p ON p.id = c.platform_id WHERE c.enabled ORDER BY c.id",
                    kind.config_table()
                ),
            ))
            .all(db)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let every = u64::try_from(r.interval_seconds.max(1)).unwrap_or(1) * 1_000;
                    ScheduleSpec::every(
                        &kind.scheduler_id(r.id),
                        kind.queue(),
                        kind.job_name(),
                        every,
                    )
                    .with_data(json!({"platform": r.slug, "config_id": r.id}))
                })
                .collect())
        })
    }
}

/// The new-student fast sync's SystemConfig toggle (`system-config:mrlearn-new-student-sync`).
pub fn new_student_toggle() -> SystemConfigSchedules {
    SystemConfigSchedules::default().with(ToggleSchedule {
        id: "mrlearn-new-student-sync".into(),
        queue: <MrlearnNewStudentSync as jobs::JobSpec>::QUEUE.into(),
        job_name: <MrlearnNewStudentSync as jobs::JobSpec>::NAME.into(),
        enabled_key: "MRLEARN_NEW_STUDENT_SYNC_ENABLED".into(),
        interval_key: "MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS".into(),
        unit: IntervalUnit::Hours,
        default_interval: 6,
    })
}
