//! The transactional outbox: `enqueue_in` / `publish_in` write a row inside the caller's
//! transaction, so a job exists exactly when the business change committed. The relay moves
//! rows to BullMQ right after commit (woken by [`Jobs::notify_committed`]) and sweeps every
//! few seconds for rows a crash left behind. The BullMQ job id is the row id, so relaying a
//! row twice adds the job once.

use std::time::Duration;

use chrono::Utc;
use kernel::Tenant;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};
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
    let id = kernel::ids::new_id();
    entity::Entity::insert(row(id, tenant, queue, job_name, payload, delay))
        .exec_without_returning(txn)
        .await?;
    Ok(id)
}

fn row(
    id: Uuid,
    tenant: &Tenant,
    queue: &str,
    job_name: &str,
    payload: serde_json::Value,
    delay: Duration,
) -> entity::ActiveModel {
    entity::ActiveModel {
        id: Set(id),
        platform_id: Set(Some(tenant.id)),
        queue: Set(queue.to_owned()),
        job_name: Set(job_name.to_owned()),
        payload: Set(payload),
        delay_ms: Set(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
        created_at: Set(Utc::now()),
        relayed_at: Set(None),
        attempts: Set(0),
        last_error: Set(None),
    }
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

/// Outbox rows gathered while a transaction runs and written by one multi-row `INSERT`
/// ([`Batch::insert`], before the commit): a booking's emails, in-app notices, reminders and
/// calendar event are one statement instead of one each. Nothing is written until `insert`;
/// a batch dropped without it writes nothing.
#[derive(Debug, Default)]
pub struct Batch {
    rows: Vec<entity::ActiveModel>,
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
        payload: serde_json::Value,
        delay: Duration,
    ) -> Uuid {
        let id = kernel::ids::new_id();
        self.rows
            .push(row(id, tenant, queue, job_name, payload, delay));
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

    /// How many rows the batch holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes every row inside `txn` in one statement (none when the batch is empty).
    pub async fn insert<C: ConnectionTrait>(self, txn: &C) -> Result<(), DbErr> {
        if self.rows.is_empty() {
            return Ok(());
        }
        entity::Entity::insert_many(self.rows)
            .exec_without_returning(txn)
            .await?;
        Ok(())
    }
}

/// Relays pending rows until none is left; returns how many were relayed. Safe to run in
/// every replica at once (`FOR UPDATE SKIP LOCKED`).
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
        let mut relayed = Vec::new();
        let mut failed = 0;
        for row in &rows {
            let id = row.id.to_string();
            let delay = u64::try_from(row.delay_ms).unwrap_or(0);
            match jobs
                .add_raw(
                    &row.queue,
                    &row.job_name,
                    row.payload.clone(),
                    Some(&id),
                    delay,
                )
                .await
            {
                Ok(_) => relayed.push(row.id),
                Err(err) => {
                    failed += 1;
                    tracing::warn!(outbox_id = %row.id, queue = %row.queue, error = %format!("{err:#}"), "outbox relay failed");
                    entity::Entity::update_many()
                        .col_expr(
                            entity::Column::Attempts,
                            Expr::col(entity::Column::Attempts).add(1),
                        )
                        .col_expr(entity::Column::LastError, Expr::value(format!("{err:#}")))
                        .filter(entity::Column::Id.eq(row.id))
                        .exec(&txn)
                        .await?;
                }
            }
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
