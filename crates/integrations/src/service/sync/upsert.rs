//! Idempotent upserts of synced rows: one `INSERT … ON CONFLICT (platform_id, config_id,
//! <outside ids>) DO UPDATE … WHERE (<columns>) IS DISTINCT FROM (<new values>)` per page, so
//! a row is written (and its `updated_at` bumped) only when something changed, and a repeated
//! or retried run leaves the same rows behind.

use std::collections::BTreeMap;

use kernel::ids::new_id;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use uuid::Uuid;

use super::runs::Counts;
use crate::sync::{ezexam, graphy};

/// A synced table: its name, the outside ids that identify a row, and the data columns.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Table name.
    pub name: &'static str,
    /// Outside id columns (after `platform_id, config_id` in the unique key).
    pub keys: &'static [&'static str],
    /// Columns copied from the outside record.
    pub data: &'static [&'static str],
}

/// `mrlearn_enrolments`.
pub const ENROLMENTS: Table = Table {
    name: "mrlearn_enrolments",
    keys: &["external_id"],
    data: &[
        "learner_external_id",
        "learner_name",
        "learner_email",
        "learner_phone",
        "course_external_id",
        "course_title",
        "status",
        "enrolled_at",
    ],
};

/// `mrlearn_progress`.
pub const PROGRESS: Table = Table {
    name: "mrlearn_progress",
    keys: &["learner_external_id", "course_external_id"],
    data: &[
        "percent",
        "completed_lessons",
        "total_lessons",
        "last_activity_at",
    ],
};

/// `mrtest_exams`.
pub const EXAMS: Table = Table {
    name: "mrtest_exams",
    keys: &["external_id"],
    data: &[
        "title",
        "status",
        "max_score",
        "duration_minutes",
        "starts_at",
        "ends_at",
    ],
};

/// `mrtest_results`.
pub const RESULTS: Table = Table {
    name: "mrtest_results",
    keys: &["exam_external_id", "candidate_external_id"],
    data: &[
        "candidate_name",
        "candidate_email",
        "candidate_phone",
        "score",
        "max_score",
        "passed",
        "status",
        "submitted_at",
    ],
};

/// One row: its outside ids and its data, in the table's column order.
pub type Row = (Vec<String>, Vec<Value>);

/// Upserts `rows` into `table` for one config; adds what happened to `counts`. Rows with the
/// same outside ids in one page keep the last one (a provider listing a record twice).
pub async fn upsert(
    conn: &impl ConnectionTrait,
    table: Table,
    platform_id: Uuid,
    config_id: Uuid,
    rows: Vec<Row>,
    counts: &mut Counts,
) -> Result<(), DbErr> {
    let rows: BTreeMap<Vec<String>, Vec<Value>> = rows.into_iter().collect();
    if rows.is_empty() {
        return Ok(());
    }
    let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    let width = 3 + table.keys.len() + table.data.len();
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * width);
    let mut tuples = Vec::with_capacity(rows.len());
    for (keys, data) in rows {
        let start = values.len();
        values.push(new_id().into());
        values.push(platform_id.into());
        values.push(config_id.into());
        values.extend(keys.into_iter().map(Value::from));
        values.extend(data);
        let params: Vec<String> = (start + 1..=values.len())
            .map(|i| format!("${i}"))
            .collect();
        tuples.push(format!("({})", params.join(", ")));
    }
    let keys = table.keys.join(", ");
    let data = table.data.join(", ");
    let set: Vec<String> = table
        .data
        .iter()
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    let old: Vec<String> = table.data.iter().map(|c| format!("t.{c}")).collect();
    let new: Vec<String> = table.data.iter().map(|c| format!("EXCLUDED.{c}")).collect();
    let sql = format!(
        "INSERT INTO {name} AS t (id, platform_id, config_id, {keys}, {data}) VALUES {tuples} \
         ON CONFLICT (platform_id, config_id, {keys}) DO UPDATE SET {set}, updated_at = now() \
         WHERE ({old}) IS DISTINCT FROM ({new}) RETURNING 1 AS written",
        name = table.name,
        tuples = tuples.join(", "),
        set = set.join(", "),
        old = old.join(", "),
        new = new.join(", "),
    );
    let written = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .len();
    let written = i32::try_from(written).unwrap_or(i32::MAX);
    counts.upserted += written;
    counts.unchanged += total - written;
    Ok(())
}

/// An enrolment as a row of [`ENROLMENTS`].
pub fn enrolment(e: graphy::Enrolment) -> Row {
    (
        vec![e.id],
        vec![
            e.learner.id.into(),
            e.learner.name.into(),
            e.learner.email.into(),
            e.learner.phone.into(),
            e.course.id.into(),
            e.course.title.into(),
            e.status.into(),
            e.enrolled_at.into(),
        ],
    )
}

/// A progress record as a row of [`PROGRESS`].
pub fn progress(p: graphy::Progress) -> Row {
    let percent = p.percent_rounded();
    (
        vec![p.learner_id, p.course_id],
        vec![
            percent.into(),
            p.completed_lessons.max(0).into(),
            p.total_lessons.max(0).into(),
            p.last_activity_at.into(),
        ],
    )
}

/// An exam as a row of [`EXAMS`].
pub fn exam(e: ezexam::Exam) -> Row {
    (
        vec![e.id],
        vec![
            e.title.into(),
            e.status.into(),
            e.max_score.into(),
            e.duration_minutes.into(),
            e.starts_at.into(),
            e.ends_at.into(),
        ],
    )
}

/// A result of `exam_id` as a row of [`RESULTS`].
pub fn result(exam_id: &str, r: ezexam::ExamResult) -> Row {
    (
        vec![exam_id.to_owned(), r.candidate.id],
        vec![
            r.candidate.name.into(),
            r.candidate.email.into(),
            r.candidate.phone.into(),
            r.score.into(),
            r.max_score.into(),
            r.passed.into(),
            r.status.into(),
            r.submitted_at.into(),
        ],
    )
}
