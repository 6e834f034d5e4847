//! Schedules defined by PostgreSQL rows (the seed's Mr. Learn / Mr. Test sync configs and
//! SystemConfig toggles): a [`ScheduleSource`] turns rows into [`ScheduleSpec`]s. Every
//! consuming process syncs the sources at boot, and again when a `schedules.changed` domain
//! event says a defining row changed (the writer publishes it in the same transaction, so the
//! schedule follows the commit). Syncing upserts what the rows define and removes the source's
//! schedulers that the rows no longer define (a disabled config).

use std::{future::Future, pin::Pin, sync::Arc};

use kernel::system_config::entity as system_config;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::{EventSpec, Jobs, ScheduleSpec, schedule};

/// Boxed future of [`ScheduleSource::load`].
pub type LoadFuture<'a> =
    Pin<Box<dyn Future<Output = anyhow::Result<Vec<ScheduleSpec>>> + Send + 'a>>;

/// Rows that define schedules.
pub trait ScheduleSource: Send + Sync {
    /// Every scheduler id of this source starts with this prefix (`mrlearn-sync:`), so its
    /// stale schedulers can be told apart from everyone else's.
    fn id_prefix(&self) -> &str;
    /// Queues the source's schedules go to.
    fn queues(&self) -> Vec<String>;
    /// The schedules the rows define now.
    fn load<'a>(&'a self, db: &'a DatabaseConnection) -> LoadFuture<'a>;
}

/// Published (through the outbox, inside the writing transaction) when a row that defines
/// schedules changed; consuming processes re-sync their sources.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SchedulesChanged {
    /// What changed, for the log (`system_config:MRLEARN_NEW_STUDENT_SYNC_ENABLED`).
    pub what: String,
}

impl EventSpec for SchedulesChanged {
    const NAME: &'static str = "schedules.changed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Outcome of syncing one source.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Synced {
    /// Schedulers upserted.
    pub upserted: usize,
    /// Stale schedulers removed.
    pub removed: usize,
}

/// Makes Redis match what `source`'s rows define now.
pub async fn sync(jobs: &Jobs, source: &dyn ScheduleSource) -> anyhow::Result<Synced> {
    let prefix = source.id_prefix();
    let specs = source.load(&jobs.context().db).await?;
    let mut synced = Synced::default();
    for spec in &specs {
        anyhow::ensure!(
            spec.id.starts_with(prefix),
            "schedule {} does not start with its source's prefix {prefix}",
            spec.id
        );
        schedule::upsert(jobs, spec).await?;
        synced.upserted += 1;
    }
    for queue_name in source.queues() {
        let queue = jobs.queue(&queue_name).await?;
        let existing = queue
            .get_job_schedulers(0, -1, true)
            .await
            .map_err(|e| anyhow::anyhow!("listing schedulers of {queue_name}: {e}"))?;
        for scheduler in existing {
            let wanted = specs
                .iter()
                .any(|s| s.id == scheduler.key && s.queue == queue_name);
            if scheduler.key.starts_with(prefix) && !wanted {
                schedule::remove(jobs, &queue_name, &scheduler.key).await?;
                synced.removed += 1;
            }
        }
    }
    tracing::info!(
        source = prefix,
        upserted = synced.upserted,
        removed = synced.removed,
        "schedules synced from their rows"
    );
    Ok(synced)
}

/// Syncs every source; one failing source does not stop the others.
pub async fn sync_all(jobs: &Jobs, sources: &[Arc<dyn ScheduleSource>]) -> anyhow::Result<()> {
    let mut first_error = None;
    for source in sources {
        if let Err(err) = sync(jobs, source.as_ref()).await {
            tracing::error!(source = source.id_prefix(), error = %format!("{err:#}"), "syncing schedules failed");
            first_error.get_or_insert(err);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Unit of an interval kept in SystemConfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalUnit {
    /// Hours (the seed's `*_INTERVAL_HOURS`).
    Hours,
    /// Minutes.
    Minutes,
    /// Seconds.
    Seconds,
}

impl IntervalUnit {
    fn millis(self, n: u64) -> u64 {
        n.saturating_mul(match self {
            Self::Hours => 3_600_000,
            Self::Minutes => 60_000,
            Self::Seconds => 1_000,
        })
    }
}

/// A schedule switched on and paced by two SystemConfig keys, such as
/// `MRLEARN_NEW_STUDENT_SYNC_ENABLED` and `MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS`.
#[derive(Debug, Clone)]
pub struct ToggleSchedule {
    /// Scheduler id; starts with `system-config:`.
    pub id: String,
    /// Queue.
    pub queue: String,
    /// Job name.
    pub job_name: String,
    /// Key whose JSON `true` turns the schedule on.
    pub enabled_key: String,
    /// Key holding the interval (a positive number).
    pub interval_key: String,
    /// Unit of the interval value.
    pub unit: IntervalUnit,
    /// Interval used when the key is missing or invalid.
    pub default_interval: u64,
}

/// The schedules toggled by SystemConfig keys, one source for all of them.
#[derive(Debug, Clone, Default)]
pub struct SystemConfigSchedules {
    toggles: Vec<ToggleSchedule>,
}

/// Prefix of every scheduler id of [`SystemConfigSchedules`].
pub const SYSTEM_CONFIG_PREFIX: &str = "system-config:";

impl SystemConfigSchedules {
    /// Adds a toggle (its id gets the `system-config:` prefix if it lacks it).
    pub fn with(mut self, mut toggle: ToggleSchedule) -> Self {
        if !toggle.id.starts_with(SYSTEM_CONFIG_PREFIX) {
            toggle.id = format!("{SYSTEM_CONFIG_PREFIX}{}", toggle.id);
        }
        self.toggles.push(toggle);
        self
    }
}

impl ScheduleSource for SystemConfigSchedules {
    fn id_prefix(&self) -> &str {
        SYSTEM_CONFIG_PREFIX
    }

    fn queues(&self) -> Vec<String> {
        let mut queues: Vec<String> = self.toggles.iter().map(|t| t.queue.clone()).collect();
        queues.sort();
        queues.dedup();
        queues
    }

    fn load<'a>(&'a self, db: &'a DatabaseConnection) -> LoadFuture<'a> {
        Box::pin(async move {
            let keys: Vec<&str> = self
                .toggles
                .iter()
                .flat_map(|t| [t.enabled_key.as_str(), t.interval_key.as_str()])
                .collect();
            let rows = system_config::Entity::find()
                .filter(system_config::Column::Key.is_in(keys))
                .all(db)
                .await?;
            let value = |key: &str| rows.iter().find(|r| r.key == key).map(|r| &r.value);
            Ok(self
                .toggles
                .iter()
                .filter(|t| value(&t.enabled_key).and_then(|v| v.as_bool()) == Some(true))
                .map(|t| {
                    let n = value(&t.interval_key)
                        .and_then(|v| v.as_u64())
                        .filter(|n| *n > 0)
                        .unwrap_or(t.default_interval);
                    ScheduleSpec::every(&t.id, &t.queue, &t.job_name, t.unit.millis(n))
                })
                .collect())
        })
    }
}
