//! One sync run of a config: page through the outside API (Graphy enrolments then progress;
//! EzExam exams then each exam's results), upsert every page idempotently, record the run.
//! A failure mid-run (a 5xx, a timeout) records the run as failed and fails the job, which
//! BullMQ retries with backoff; the retry starts again from page 1, and since the upserts
//! only write what changed, its final state is the state a clean run leaves.

use kernel::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, TransactionTrait};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::{
    configs,
    runs::{self, Counts},
    upsert::{self, Row, Table},
};
use crate::{
    entities::{sync_configs::SyncConfigRow, sync_runs::RunTrigger},
    provider::ProviderError,
    sync::{ExternalSync, SyncKind, ezexam, graphy, payloads::MrlearnReminder},
};

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The outside API failed (retryable or not, as [`ProviderError::is_retryable`] says).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The database failed (retryable).
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// The stored key does not open (permanent until an admin stores it again).
    #[error("{0}")]
    Key(String),
}

impl Failure {
    /// Whether a retry of the job may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Provider(e) => e.is_retryable(),
            Self::Db(_) => true,
            Self::Key(_) => false,
        }
    }
}

/// What the run reads with.
struct Source<'a> {
    sync: &'a ExternalSync,
    kind: SyncKind,
    base: &'a str,
    key: SecretString,
    platform_id: Uuid,
    config_id: Uuid,
}

impl Source<'_> {
    /// Reads every page of `path` into `table`; returns the first outside id of every row.
    async fn all_pages<T: DeserializeOwned>(
        &self,
        path: &str,
        filter: &[(&str, String)],
        table: Table,
        counts: &mut Counts,
        to_row: impl Fn(T) -> Option<Row>,
    ) -> Result<Vec<String>, Failure> {
        let mut seen = Vec::new();
        let per_page = self.sync.config.page_size.to_string();
        for page in 1..=self.sync.config.max_pages {
            let mut query = vec![("page", page.to_string()), ("per_page", per_page.clone())];
            query.extend(filter.iter().cloned());
            let paged = self
                .sync
                .client
                .page::<T>(self.kind, self.base, &self.key, path, &query)
                .await?;
            counts.pages += 1;
            let rows: Vec<Row> = paged.data.into_iter().filter_map(&to_row).collect();
            seen.extend(rows.iter().filter_map(|(keys, _)| keys.first().cloned()));
            let db = &self.sync.ctx.db;
            upsert::upsert(db, table, self.platform_id, self.config_id, rows, counts).await?;
            if !paged.has_more {
                return Ok(seen);
            }
        }
        Err(ProviderError::Body {
            provider: self.kind.provider(),
            message: format!(
                "{path} has more than {} pages (SYNC_MAX_PAGES)",
                self.sync.config.max_pages
            ),
        }
        .into())
    }
}

fn ids_filter(name: &'static str, ids: &[String]) -> Vec<(&'static str, String)> {
    if ids.is_empty() {
        vec![]
    } else {
        vec![(name, ids.join(","))]
    }
}

fn wanted(ids: &[String], id: &str) -> bool {
    ids.is_empty() || ids.iter().any(|i| i == id)
}

#[derive(Debug, FromQueryResult)]
struct Watermark {
    latest: Option<chrono::DateTime<chrono::Utc>>,
}

/// The newest enrolment time already stored for a config (the new-student sync's cursor).
async fn latest_enrolment(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    config_id: Uuid,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, DbErr> {
    Ok(Watermark::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT max(enrolled_at) AS latest FROM mrlearn_enrolments \
         WHERE platform_id = $1 AND config_id = $2",
        [platform_id.into(), config_id.into()],
    ))
    .one(conn)
    .await?
    .and_then(|w| w.latest))
}

async fn read_all(
    src: &Source<'_>,
    row: &SyncConfigRow,
    trigger: RunTrigger,
    counts: &mut Counts,
) -> Result<(), Failure> {
    let filters: crate::dto::sync::SyncFilters =
        serde_json::from_value(row.filters.clone()).unwrap_or_default();
    match src.kind {
        SyncKind::Mrlearn => {
            let courses = filters.course_ids.clone();
            let mut query = ids_filter("course_ids", &courses);
            if trigger == RunTrigger::NewStudents
                && let Some(after) =
                    latest_enrolment(&src.sync.ctx.db, src.platform_id, src.config_id).await?
            {
                query.push(("enrolled_after", after.to_rfc3339()));
            }
            src.all_pages(
                graphy::ENROLMENTS,
                &query,
                upsert::ENROLMENTS,
                counts,
                |e: graphy::Enrolment| wanted(&courses, &e.course.id).then(|| upsert::enrolment(e)),
            )
            .await?;
            if trigger != RunTrigger::NewStudents {
                let query = ids_filter("course_ids", &courses);
                src.all_pages(
                    graphy::PROGRESS,
                    &query,
                    upsert::PROGRESS,
                    counts,
                    |p: graphy::Progress| {
                        wanted(&courses, &p.course_id).then(|| upsert::progress(p))
                    },
                )
                .await?;
            }
        }
        SyncKind::Mrtest => {
            let exams = filters.exam_ids.clone();
            let query = ids_filter("exam_ids", &exams);
            let ids = src
                .all_pages(
                    ezexam::EXAMS,
                    &query,
                    upsert::EXAMS,
                    counts,
                    |e: ezexam::Exam| wanted(&exams, &e.id).then(|| upsert::exam(e)),
                )
                .await?;
            for exam_id in ids {
                let path = ezexam::results_path(&exam_id);
                src.all_pages(
                    &path,
                    &[],
                    upsert::RESULTS,
                    counts,
                    |r: ezexam::ExamResult| Some(upsert::result(&exam_id, r)),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Runs a sync of `row` and records it. On success of a Graphy run with nudges on, the
/// reminder job is queued in the transaction that records the run.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), config_id = %row.id, ?trigger), err)]
pub async fn run(
    sync: &ExternalSync,
    tenant: &Tenant,
    kind: SyncKind,
    row: &SyncConfigRow,
    trigger: RunTrigger,
    job: Option<(&str, u32)>,
) -> Result<Counts, Failure> {
    let db = &sync.ctx.db;
    let run = runs::start(db, tenant.id, kind, row.id, trigger, job).await?;
    let mut counts = Counts::default();
    let outcome = match configs::open_key(sync, kind, row) {
        Ok(key) => {
            let src = Source {
                sync,
                kind,
                base: sync.base_url(kind, row.base_url.as_deref()),
                key,
                platform_id: tenant.id,
                config_id: row.id,
            };
            read_all(&src, row, trigger, &mut counts).await
        }
        Err(err) => Err(Failure::Key(err.to_string())),
    };
    let txn = db.begin().await?;
    let message = outcome.as_ref().err().map(ToString::to_string);
    runs::finish(&txn, &run, &counts, message.as_deref()).await?;
    let nudge = outcome.is_ok()
        && kind == SyncKind::Mrlearn
        && row.reminders_enabled
        && trigger != RunTrigger::NewStudents;
    if nudge {
        jobs::outbox::enqueue_in(&txn, tenant, &MrlearnReminder { config_id: row.id }).await?;
    }
    txn.commit().await?;
    if nudge {
        sync.jobs.notify_committed();
    }
    tracing::info!(
        pages = counts.pages,
        upserted = counts.upserted,
        unchanged = counts.unchanged,
        ok = outcome.is_ok(),
        "sync run recorded"
    );
    outcome.map(|()| counts)
}
