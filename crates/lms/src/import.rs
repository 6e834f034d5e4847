//! The `questions` import kind (`POST /api/bulk-upload/kinds/questions`): each row adds an
//! `mcq`, `multi` or `numeric` question to the platform's bank (code questions, with their
//! test cases, are created through the API). `options`, `answer` (for multi) and `tags` are
//! `|`-separated; `answer` names options by their index from 0. The natural key is the
//! row's `key` per platform (`questions_import_key_unique`): a key already imported is left
//! as it is, so a retried batch creates nothing twice.

use chrono::Utc;
use futures::future::BoxFuture;
use imports::{CellError, Column, ColumnType, ImportKind, Row};
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};
use serde_json::{Value, json};

use crate::{
    entities::QuestionKind,
    service::questions::{self, Content},
};

/// The questions kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Questions;

const COLUMNS: &[Column] = &[
    Column::text("key", 200).required(),
    Column::text("kind", 10)
        .one_of(&["mcq", "multi", "numeric"])
        .required(),
    Column::text("prompt", 20000).required(),
    Column::text("options", 20000),
    Column::text("answer", 200).required(),
    Column::text("marks", 10).of(ColumnType::Int).required(),
    Column::text("difficulty", 10).one_of(&["easy", "medium", "hard"]),
    Column::text("tags", 1000),
    Column::text("tolerance", 30),
    Column::text("partial_credit", 5).one_of(&["yes", "no"]),
];

fn split(v: Option<&str>) -> Vec<String> {
    v.map(|s| {
        s.split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn err(column: &str, value: Option<&str>, message: impl Into<String>) -> CellError {
    CellError {
        column: column.into(),
        value: value.map(|v| v.chars().take(200).collect()),
        message: message.into(),
    }
}

/// A row as (kind, content, difficulty, tags), or what is wrong.
fn parse(row: &Row) -> Result<(QuestionKind, Content, String, Vec<String>), CellError> {
    let kind = match row.get("kind") {
        Some("mcq") => QuestionKind::Mcq,
        Some("multi") => QuestionKind::Multi,
        Some("numeric") => QuestionKind::Numeric,
        other => return Err(err("kind", other, "must be mcq, multi or numeric")),
    };
    let raw = row.get("answer");
    let answer: Value = match kind {
        QuestionKind::Mcq => raw
            .and_then(|a| a.trim().parse::<u64>().ok())
            .map(|i| json!(i))
            .ok_or_else(|| err("answer", raw, "must be the right option's index (from 0)"))?,
        QuestionKind::Multi => {
            let idx: Option<Vec<u64>> = split(raw).iter().map(|a| a.parse::<u64>().ok()).collect();
            json!(idx.ok_or_else(|| err("answer", raw, "must be option indexes separated by |"))?)
        }
        _ => raw
            .and_then(|a| a.trim().parse::<f64>().ok())
            .filter(|f| f.is_finite())
            .map(|f| json!(f))
            .ok_or_else(|| err("answer", raw, "must be a number"))?,
    };
    let marks = row
        .get("marks")
        .and_then(|m| m.parse::<i32>().ok())
        .filter(|m| (1..=1000).contains(m))
        .ok_or_else(|| err("marks", row.get("marks"), "must be 1 to 1000"))?;
    let tolerance = match row.get("tolerance") {
        None => None,
        Some(t) => Some(
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| err("tolerance", Some(t), "must be a number of at least 0"))?,
        ),
    };
    let content = Content {
        prompt: row.get("prompt").unwrap_or_default().to_owned(),
        options: split(row.get("options")),
        answer,
        marks,
        partial_credit: row.get("partial_credit") == Some("yes"),
        tolerance,
        language_id: None,
        test_cases: Vec::new(),
    };
    questions::check(kind, &content).map_err(|e| match e {
        crate::LmsError::Invalid(field, message) => err(field, row.get(field), message),
        other => err("", None, other.to_string()),
    })?;
    let tags: Vec<String> = split(row.get("tags"))
        .into_iter()
        .map(|t| t.to_lowercase())
        .collect();
    if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 50) {
        return Err(err(
            "tags",
            row.get("tags"),
            "at most 20 tags of at most 50 characters",
        ));
    }
    Ok((
        kind,
        content,
        row.get("difficulty").unwrap_or("medium").to_owned(),
        tags,
    ))
}

impl ImportKind for Questions {
    fn name(&self) -> &'static str {
        "questions"
    }

    fn description(&self) -> &'static str {
        "Question-bank questions (mcq, multi, numeric), unique by key on the platform; existing keys are left unchanged"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn validate_row(&self, row: &Row) -> Vec<CellError> {
        parse(row).err().into_iter().collect()
    }

    fn import_batch<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        rows: &'a [Row],
    ) -> BoxFuture<'a, Result<u64, DbErr>> {
        Box::pin(async move {
            let now = Utc::now();
            let mut created = 0;
            for row in rows {
                let (Some(key), Ok((kind, c, difficulty, tags))) = (row.get("key"), parse(row))
                else {
                    continue;
                };
                created += txn
                    .execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "WITH q AS (
                             INSERT INTO questions (id, platform_id, kind, difficulty, tags, current_version,
                                                    import_key, created_at, updated_at)
                             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)
                             ON CONFLICT ON CONSTRAINT questions_import_key_unique DO NOTHING
                             RETURNING id)
                         INSERT INTO question_versions (question_id, version, platform_id, prompt, options, answer,
                                                        marks, partial_credit, tolerance, created_at)
                         SELECT id, 1, $2, $8, $9, $10, $11, $12, $13, $7 FROM q",
                        [
                            kernel::ids::new_id().into(),
                            tenant.id.into(),
                            kind.to_string().into(),
                            difficulty.into(),
                            json!(tags).into(),
                            key.to_owned().into(),
                            now.into(),
                            c.prompt.trim().to_owned().into(),
                            json!(c.options).into(),
                            c.answer.into(),
                            c.marks.into(),
                            c.partial_credit.into(),
                            c.tolerance.into(),
                        ],
                    ))
                    .await?
                    .rows_affected();
            }
            Ok(created)
        })
    }
}
