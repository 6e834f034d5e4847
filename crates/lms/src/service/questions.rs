//! The question bank: create, edit (a new version per content change), read, list with
//! filters. Attempts pin a version ([`super::attempts`]), so an edit never changes an
//! attempt already started.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dto::questions::{NewQuestion, QuestionDto, QuestionFilter, QuestionUpdate},
    entities::{Difficulty, QuestionKind, question_versions, questions},
    error::LmsError,
    service::{code_runner::TestCase, quiz_grading},
};

/// A question's content: what a version holds.
#[derive(Debug, Clone)]
pub struct Content {
    /// Text.
    pub prompt: String,
    /// Option texts.
    pub options: Vec<String>,
    /// Right answer.
    pub answer: Value,
    /// Marks.
    pub marks: i32,
    /// Partial credit.
    pub partial_credit: bool,
    /// numeric tolerance.
    pub tolerance: Option<f64>,
    /// code language.
    pub language_id: Option<i32>,
    /// code cases.
    pub test_cases: Vec<TestCase>,
}

/// Checks content against its kind; the error names the field.
pub fn check(kind: QuestionKind, c: &Content) -> Result<(), LmsError> {
    let choice = matches!(kind, QuestionKind::Mcq | QuestionKind::Multi);
    if choice && !(2..=20).contains(&c.options.len()) {
        return Err(LmsError::Invalid(
            "options",
            "mcq and multi questions need 2 to 20 options".into(),
        ));
    }
    if !choice && !c.options.is_empty() {
        return Err(LmsError::Invalid(
            "options",
            "only mcq and multi questions have options".into(),
        ));
    }
    if c.options
        .iter()
        .any(|o| o.trim().is_empty() || o.chars().count() > 1000)
    {
        return Err(LmsError::Invalid(
            "options",
            "each option has 1 to 1000 characters".into(),
        ));
    }
    if kind == QuestionKind::Multi && c.answer.as_array().is_some_and(Vec::is_empty) {
        return Err(LmsError::Invalid(
            "answer",
            "a multi question has at least one right option".into(),
        ));
    }
    quiz_grading::check_shape(kind, c.options.len(), &c.answer)
        .map_err(|m| LmsError::Invalid("answer", m))?;
    if kind != QuestionKind::Numeric && c.tolerance.is_some() {
        return Err(LmsError::Invalid(
            "tolerance",
            "only numeric questions have a tolerance".into(),
        ));
    }
    if kind == QuestionKind::Code {
        if c.language_id.is_none() {
            return Err(LmsError::Invalid(
                "language_id",
                "a code question needs its language".into(),
            ));
        }
        if c.test_cases.is_empty() {
            return Err(LmsError::Invalid(
                "test_cases",
                "a code question needs 1 to 50 test cases".into(),
            ));
        }
        if c.test_cases
            .iter()
            .any(|t| t.stdin.len() > 65_536 || t.expected_output.len() > 65_536)
        {
            return Err(LmsError::Invalid(
                "test_cases",
                "stdin and expected_output have at most 64 KiB each".into(),
            ));
        }
    } else if c.language_id.is_some() || !c.test_cases.is_empty() {
        return Err(LmsError::Invalid(
            "test_cases",
            "only code questions have a language and test cases".into(),
        ));
    }
    Ok(())
}

fn check_tags(tags: &[String]) -> Result<Vec<String>, LmsError> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > 50 {
            return Err(LmsError::Invalid(
                "tags",
                "each tag has 1 to 50 characters".into(),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Writes version `version` of a question.
pub async fn insert_version<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    question_id: Uuid,
    version: i32,
    c: Content,
    by: Option<Uuid>,
) -> Result<question_versions::Model, LmsError> {
    Ok(question_versions::ActiveModel {
        question_id: Set(question_id),
        version: Set(version),
        platform_id: Set(platform_id),
        prompt: Set(c.prompt.trim().to_owned()),
        options: Set(json!(c.options)),
        answer: Set(c.answer),
        marks: Set(c.marks),
        partial_credit: Set(c.partial_credit),
        tolerance: Set(c.tolerance),
        language_id: Set(c.language_id),
        test_cases: Set(json!(c.test_cases)),
        created_by: Set(by),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?)
}

/// Creates a question with its first version (in the caller's transaction).
pub async fn create_in<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    req: NewQuestion,
) -> Result<QuestionDto, LmsError> {
    let content = Content {
        prompt: req.prompt,
        options: req.options,
        answer: req.answer,
        marks: req.marks,
        partial_credit: req.partial_credit,
        tolerance: req.tolerance,
        language_id: req.language_id,
        test_cases: req.test_cases,
    };
    check(req.kind, &content)?;
    let tags = check_tags(&req.tags)?;
    let now = Utc::now();
    let q = questions::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        kind: Set(req.kind),
        difficulty: Set(req.difficulty.unwrap_or(Difficulty::Medium)),
        tags: Set(json!(tags)),
        current_version: Set(1),
        import_key: Set(None),
        created_by: Set(Some(admin_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    let v = insert_version(conn, platform_id, q.id, 1, content, Some(admin_id)).await?;
    Ok(QuestionDto::new(q, v))
}

/// The question `id` of the platform (locked for update when `lock`).
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<questions::Model, LmsError> {
    let mut q =
        questions::Entity::find_by_id(id).filter(questions::Column::PlatformId.eq(platform_id));
    if lock {
        q = q.lock(sea_orm::sea_query::LockType::Update);
    }
    q.one(conn).await?.ok_or(LmsError::NotFound("question"))
}

/// A version of a question.
pub async fn version<C: ConnectionTrait>(
    conn: &C,
    question_id: Uuid,
    version: i32,
) -> Result<question_versions::Model, LmsError> {
    question_versions::Entity::find_by_id((question_id, version))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("question version"))
}

/// The question with its current version.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<QuestionDto, LmsError> {
    let q = find(conn, platform_id, id, false).await?;
    let v = version(conn, q.id, q.current_version).await?;
    Ok(QuestionDto::new(q, v))
}

/// Edits a question under its row lock: content changes write version `current + 1`.
pub async fn update_in<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    id: Uuid,
    req: QuestionUpdate,
) -> Result<QuestionDto, LmsError> {
    let q = find(conn, platform_id, id, true).await?;
    let cur = version(conn, q.id, q.current_version).await?;
    let content_changed = req.prompt.is_some()
        || req.options.is_some()
        || req.answer.is_some()
        || req.marks.is_some()
        || req.tolerance.is_some()
        || req.partial_credit.is_some()
        || req.language_id.is_some()
        || req.test_cases.is_some();
    let mut active: questions::ActiveModel = q.clone().into();
    if let Some(tags) = &req.tags {
        active.tags = Set(json!(check_tags(tags)?));
    }
    if let Some(d) = req.difficulty {
        active.difficulty = Set(d);
    }
    let v = if content_changed {
        let content = Content {
            prompt: req.prompt.unwrap_or(cur.prompt),
            options: req
                .options
                .unwrap_or_else(|| serde_json::from_value(cur.options).unwrap_or_default()),
            answer: req.answer.unwrap_or(cur.answer),
            marks: req.marks.unwrap_or(cur.marks),
            partial_credit: req.partial_credit.unwrap_or(cur.partial_credit),
            tolerance: req.tolerance.or(cur.tolerance),
            language_id: req.language_id.or(cur.language_id),
            test_cases: req
                .test_cases
                .unwrap_or_else(|| serde_json::from_value(cur.test_cases).unwrap_or_default()),
        };
        check(q.kind, &content)?;
        let next = q.current_version + 1;
        active.current_version = Set(next);
        insert_version(conn, platform_id, q.id, next, content, Some(admin_id)).await?
    } else {
        cur
    };
    active.updated_at = Set(Utc::now());
    let q = active.update(conn).await?;
    Ok(QuestionDto::new(q, v))
}

/// A page of the bank, newest first, filtered by tag, kind and difficulty.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    filter: &QuestionFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<QuestionDto>, LmsError> {
    let mut q = questions::Entity::find().filter(questions::Column::PlatformId.eq(platform_id));
    if let Some(tag) = &filter.tag {
        q = q.filter(Expr::cust_with_values(
            "tags @> $1::jsonb",
            [json!([tag.trim().to_lowercase()])],
        ));
    }
    if let Some(kind) = filter.kind {
        q = q.filter(questions::Column::Kind.eq(kind));
    }
    if let Some(d) = filter.difficulty {
        q = q.filter(questions::Column::Difficulty.eq(d));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            sea_orm::Condition::any()
                .add(questions::Column::CreatedAt.lt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(questions::Column::CreatedAt.eq(at))
                        .add(questions::Column::Id.lt(id)),
                ),
        );
    }
    let rows = q
        .order_by_desc(questions::Column::CreatedAt)
        .order_by_desc(questions::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    // the current versions of the page in one statement
    let mut versions = question_versions::Entity::find()
        .filter(question_versions::Column::QuestionId.is_in(rows.iter().map(|r| r.id)))
        .filter(Expr::cust("(question_versions.question_id, question_versions.version) IN (SELECT id, current_version FROM questions)"))
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(i) = versions
            .iter()
            .position(|v| v.question_id == row.id && v.version == row.current_version)
        else {
            return Err(LmsError::NotFound("question version"));
        };
        let v = versions.swap_remove(i);
        out.push(QuestionDto::new(row, v));
    }
    Ok(out)
}

/// [`create_in`] in its own transaction.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    platform_id: Uuid,
    admin_id: Uuid,
    req: NewQuestion,
) -> Result<QuestionDto, LmsError> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let out = create_in(&txn, platform_id, admin_id, req).await?;
    txn.commit().await?;
    Ok(out)
}

/// [`update_in`] in its own transaction.
pub async fn update(
    db: &sea_orm::DatabaseConnection,
    platform_id: Uuid,
    admin_id: Uuid,
    id: Uuid,
    req: QuestionUpdate,
) -> Result<QuestionDto, LmsError> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let out = update_in(&txn, platform_id, admin_id, id, req).await?;
    txn.commit().await?;
    Ok(out)
}

/// Refuses a code question's language that the configured code runner does not run (422 on
/// `language_id`); without a runner every language is accepted (code questions then wait
/// for one).
pub fn check_language(
    runner: Option<&dyn crate::service::code_runner::CodeRunner>,
    language_id: Option<i32>,
) -> Result<(), LmsError> {
    match (runner, language_id) {
        (Some(r), Some(id)) if !r.supports(id) => Err(LmsError::Invalid(
            "language_id",
            "the code runner does not run this language (GET /api/judge0/languages lists those it does)".into(),
        )),
        _ => Ok(()),
    }
}
