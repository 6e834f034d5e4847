//! The transactional outbox: `enqueue_in` / `publish_in` write a row inside the caller's
//! transaction, so a job exists exactly when the business change committed. The relay moves
//! rows to BullMQ right after commit (woken by [`Jobs::notify_committed`]) and sweeps every
//! few seconds for rows a crash left behind. The BullMQ job id is the row id, so relaying a
//! row twice adds the job once. A [`Batch`] (the jobs of one change) is one row whose jobs
//! keep ids of their own.

use std::time::Duration;

use chrono::Utc;
use kernel::Tenant;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionTrait, Value,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::{
    Jobs,
    job::{Envelope, JobSpec},
    queues::EVENTS_QUEUE,
    registry::EventSpec,
};

/// How often the relay sweeps without being woken.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// Rows relayed per transaction.
const BATCH: u64 = 100;
/// Relayed rows are kept this long, then pruned.
pub const KEEP_RELAYED_DAYS: i64 = 7;

/// The `outbox` table.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One job or event waiting to be relayed (or relayed, kept for audit).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub struct Model {
        /// Row id; also the BullMQ job id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant.
        pub platform_id: Option<Uuid>,
        /// Target queue.
        pub queue: String,
        /// Job name (the event name on the events queue).
        pub job_name: String,
        /// Job data, tenant included.
        pub payload: Json,
        /// Delay before the job may run.
        pub delay_ms: i64,
        /// Written at.
        pub created_at: DateTimeUtc,
        /// Relayed at; null while pending.
        pub relayed_at: Option<DateTimeUtc>,
        /// Failed relay attempts.
        pub attempts: i32,
        /// Last relay error.
        pub last_error: Option<String>,
    }

    /// No relations declared.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

async fn insert<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    queue: &str,
    job_name: &str,
    payload: serde_json::Value,
    delay: Duration,
) -> Result<Uuid, DbErr> {
    let job = BatchedJob::new(queue, job_name, payload, delay);
    let id = job.id;
    entity::Entity::insert(model(tenant.id, job))
        .exec_without_returning(txn)
        .await?;
    Ok(id)
}

fn envelope<T: serde::Serialize>(tenant: &Tenant, payload: &T) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(Envelope {
        platform: Some(tenant.slug.clone()),
        payload,
    })
    .map_err(|e| DbErr::Custom(format!("serializing an outbox payload: {e}")))
}

/// Writes a job into the outbox inside `txn`; it is enqueued only if `txn` commits.
pub async fn enqueue_in<C: ConnectionTrait, T: JobSpec>(
    txn: &C,
    tenant: &Tenant,
    payload: &T,
) -> Result<Uuid, DbErr> {
    insert(
        txn,
        tenant,
        T::QUEUE,
        T::NAME,
        envelope(tenant, payload)?,
        Duration::ZERO,
    )
    .await
}

/// Like [`enqueue_in`], with a delay (reminders).
pub async fn enqueue_delayed_in<C: ConnectionTrait, T: JobSpec>(
    txn: &C,
    tenant: &Tenant,
    payload: &T,
    delay: Duration,
) -> Result<Uuid, DbErr> {
    insert(
        txn,
        tenant,
        T::QUEUE,
        T::NAME,
        envelope(tenant, payload)?,
        delay,
    )
    .await
}

/// Publishes a domain event inside `txn`; subscribers see it only if `txn` commits.
pub async fn publish_in<C: ConnectionTrait, E: EventSpec>(
    txn: &C,
    tenant: &Tenant,
    event: &E,
) -> Result<Uuid, DbErr> {
    insert(
        txn,
        tenant,
        EVENTS_QUEUE,
        E::NAME,
        envelope(tenant, event)?,
        Duration::ZERO,
    )
    .await
}

/// The `queue` and `job_name` of a row that carries a batch of jobs ([`Batch`]).
const BATCH_ROW: &str = "outbox-batch";

/// One job of a batch row: what its own row would have held.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BatchedJob {
    /// The BullMQ job id.
    id: Uuid,
    queue: String,
    name: String,
    data: serde_json::Value,
    delay_ms: i64,
}

impl BatchedJob {
    /// A job with a new id (its outbox row id, or its id inside a batch row).
    fn new(queue: &str, name: &str, data: serde_json::Value, delay: Duration) -> Self {
        Self {
            id: kernel::ids::new_id(),
            queue: queue.to_owned(),
            name: name.to_owned(),
            data,
            delay_ms: i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
        }
    }
}

/// The pending outbox row of `job` on platform `platform_id`.
fn model(platform_id: Uuid, job: BatchedJob) -> entity::ActiveModel {
    entity::ActiveModel {
        id: Set(job.id),
        platform_id: Set(Some(platform_id)),
        queue: Set(job.queue),
        job_name: Set(job.name),
        payload: Set(job.data),
        delay_ms: Set(job.delay_ms),
        created_at: Set(Utc::now()),
        relayed_at: Set(None),
        attempts: Set(0),
        last_error: Set(None),
    }
}

/// Jobs gathered while a transaction runs and written by one statement ([`Batch::insert`],
/// before the commit): a booking's emails, in-app notices, reminders and calendar event are
/// one outbox row instead of one each, which the relay fans out into their BullMQ jobs (each
/// with its own id, so a repeated relay adds each once). Nothing is written until `insert`;
/// a batch dropped without it writes nothing.
#[derive(Debug, Default)]
pub struct Batch {
    /// Each job with its tenant's platform id.
    jobs: Vec<(Uuid, BatchedJob)>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(
        &mut self,
        tenant: &Tenant,
        queue: &str,
        job_name: &str,
        data: serde_json::Value,
        delay: Duration,
    ) -> Uuid {
        let job = BatchedJob::new(queue, job_name, data, delay);
        let id = job.id;
        self.jobs.push((tenant.id, job));
        id
    }

    /// Like [`enqueue_in`], into the batch.
    pub fn enqueue<T: JobSpec>(&mut self, tenant: &Tenant, payload: &T) -> Result<Uuid, DbErr> {
        let payload = envelope(tenant, payload)?;
        Ok(self.push(tenant, T::QUEUE, T::NAME, payload, Duration::ZERO))
    }

    /// Like [`enqueue_delayed_in`], into the batch.
    pub fn enqueue_delayed<T: JobSpec>(
        &mut self,
        tenant: &Tenant,
        payload: &T,
        delay: Duration,
    ) -> Result<Uuid, DbErr> {
        let payload = envelope(tenant, payload)?;
        Ok(self.push(tenant, T::QUEUE, T::NAME, payload, delay))
    }

    /// Like [`publish_in`], into the batch.
    pub fn publish<E: EventSpec>(&mut self, tenant: &Tenant, event: &E) -> Result<Uuid, DbErr> {
        let payload = envelope(tenant, event)?;
        Ok(self.push(tenant, EVENTS_QUEUE, E::NAME, payload, Duration::ZERO))
    }

    /// How many jobs the batch holds.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Writes the batch inside `txn` in one statement (none when it is empty): one row per
    /// batch; a lone job (or jobs of several tenants) as ordinary rows, each on its tenant.
    pub async fn insert<C: ConnectionTrait>(self, txn: &C) -> Result<(), DbErr> {
        if self.is_empty() {
            return Ok(());
        }
        self.insert_after(txn, "", Vec::new()).await
    }

    /// Writes the batch as [`Batch::insert`] does, in the same statement as the caller's own
    /// writes: `ctes` are data-modifying common table expressions (`a AS (INSERT ...), b AS
    /// (...)`, empty for none) whose placeholders are `$1`-`$n` with `values`; the outbox
    /// rows follow as the statement's last part. One round trip for the change and its jobs.
    pub async fn insert_after<C: ConnectionTrait>(
        self,
        txn: &C,
        ctes: &str,
        mut values: Vec<Value>,
    ) -> Result<(), DbErr> {
        let rows = self.rows()?;
        let mut sql = String::new();
        if !ctes.is_empty() {
            sql.push_str("WITH ");
            sql.push_str(ctes);
            sql.push(' ');
        }
        if rows.is_empty() {
            // the common table expressions run to completion whatever the last part reads
            sql.push_str("SELECT 1");
        } else {
            sql.push_str(
                "INSERT INTO outbox (id, platform_id, queue, job_name, payload, delay_ms) VALUES ",
            );
            for (i, (platform_id, job)) in rows.into_iter().enumerate() {
                let n = values.len();
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6
                ));
                values.extend([
                    job.id.into(),
                    platform_id.into(),
                    job.queue.into(),
                    job.name.into(),
                    job.data.into(),
                    job.delay_ms.into(),
                ]);
            }
        }
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
        Ok(())
    }

    /// The outbox rows of the batch: one row for a batch of one tenant's jobs, else a row per
    /// job, each on its tenant.
    fn rows(self) -> Result<Vec<(Uuid, BatchedJob)>, DbErr> {
        let Some(&(platform_id, _)) = self.jobs.first() else {
            return Ok(Vec::new());
        };
        let one_tenant = self.jobs.iter().all(|(p, _)| *p == platform_id);
        if self.jobs.len() > 1 && one_tenant {
            let jobs: Vec<&BatchedJob> = self.jobs.iter().map(|(_, j)| j).collect();
            let payload = serde_json::to_value(jobs)
                .map_err(|e| DbErr::Custom(format!("serializing an outbox batch: {e}")))?;
            let row = BatchedJob::new(BATCH_ROW, BATCH_ROW, payload, Duration::ZERO);
            Ok(vec![(platform_id, row)])
        } else {
            Ok(self.jobs)
        }
    }
}

/// The jobs a pending row stands for: itself, or the jobs of its batch.
fn jobs_of(row: &entity::Model) -> Result<Vec<BatchedJob>, String> {
    if row.queue == BATCH_ROW && row.job_name == BATCH_ROW {
        serde_json::from_value(row.payload.clone()).map_err(|e| format!("unreadable batch: {e}"))
    } else {
        Ok(vec![BatchedJob {
            id: row.id,
            queue: row.queue.clone(),
            name: row.job_name.clone(),
            data: row.payload.clone(),
            delay_ms: row.delay_ms,
        }])
    }
}

/// Relays pending rows until none is left; returns how many rows were relayed. Safe to run
/// in every replica at once (`FOR UPDATE SKIP LOCKED`). A row counts as relayed when every
/// job it stands for was added.
pub async fn relay_pending(jobs: &Jobs) -> anyhow::Result<usize> {
    let db = &jobs.context().db;
    let mut total = 0;
    loop {
        let txn = db.begin().await?;
        let rows = entity::Entity::find()
            .filter(entity::Column::RelayedAt.is_null())
            .order_by_asc(entity::Column::CreatedAt)
            .limit(BATCH)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            txn.commit().await?;
            return Ok(total);
        }
        let mut errors: Vec<Option<String>> = vec![None; rows.len()];
        let mut wanted = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            match jobs_of(row) {
                Ok(js) => wanted.extend(js.into_iter().map(|j| (i, j))),
                Err(err) => errors[i] = Some(err),
            }
        }
        // every add of the pass is in flight at once: they share the multiplexed connection,
        // so a pass costs about one round trip instead of one per job
        let adds = wanted.iter().map(|(i, j)| async move {
            let id = j.id.to_string();
            let delay = u64::try_from(j.delay_ms).unwrap_or(0);
            let added = jobs
                .add_raw(&j.queue, &j.name, j.data.clone(), Some(&id), delay)
                .await;
            (*i, added)
        });
        for (i, added) in futures::future::join_all(adds).await {
            if let Err(err) = added
                && errors[i].is_none()
            {
                errors[i] = Some(format!("{err:#}"));
            }
        }
        let mut relayed = Vec::new();
        let mut failed = 0;
        for (row, error) in rows.iter().zip(errors) {
            let Some(err) = error else {
                relayed.push(row.id);
                continue;
            };
            failed += 1;
            tracing::warn!(outbox_id = %row.id, queue = %row.queue, error = %err, "outbox relay failed");
            entity::Entity::update_many()
                .col_expr(
                    entity::Column::Attempts,
                    Expr::col(entity::Column::Attempts).add(1),
                )
                .col_expr(entity::Column::LastError, Expr::value(err))
                .filter(entity::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
        }
        if !relayed.is_empty() {
            entity::Entity::update_many()
                .col_expr(entity::Column::RelayedAt, Expr::value(Utc::now()))
                .filter(entity::Column::Id.is_in(relayed.clone()))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        total += relayed.len();
        if failed > 0 {
            // Redis is unhealthy: leave the rest for the next sweep instead of spinning.
            return Ok(total);
        }
    }
}

/// Deletes rows relayed more than [`KEEP_RELAYED_DAYS`] ago; returns how many.
pub async fn prune(jobs: &Jobs) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - chrono::Duration::days(KEEP_RELAYED_DAYS);
    let res = entity::Entity::delete_many()
        .filter(entity::Column::RelayedAt.lt(cutoff))
        .exec(&jobs.context().db)
        .await?;
    Ok(res.rows_affected)
}

/// The relay loop: relays when woken after a commit, and sweeps every [`SWEEP_EVERY`].
pub fn spawn_relay(jobs: Jobs) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match relay_pending(&jobs).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(relayed = n, "outbox relayed"),
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "outbox relay pass failed"),
            }
            tokio::select! {
                () = jobs.relay_signal().notified() => {}
                () = tokio::time::sleep(SWEEP_EVERY) => {}
            }
        }
    })
}
