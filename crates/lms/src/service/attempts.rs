//! Attempts: the server's clock, pinned question versions, answers saved one by one, and
//! grading exactly once (ADR 0046).
//!
//! - **Deadline** = `started_at + duration × time multiplier + extra seconds`, cut at the
//!   quiz's `closes_at` only when the quiz says `close_clamps_deadline`. Saves and submits
//!   are accepted until `deadline + QUIZ_SUBMIT_GRACE_SECONDS`.
//! - **One attempt in progress** per learner and quiz: starting takes a transaction-scoped
//!   advisory lock on (quiz, learner), then answers the attempt in progress if there is one
//!   (a second tab gets the same attempt, 200 instead of 201), else counts the attempts
//!   against `max_attempts + extra_attempts` and inserts; the partial unique index
//!   `quiz_attempts_one_open` holds it in the database too.
//! - **Answers** are upserts keyed by (attempt, question) that only replace a lower `seq`;
//!   a save holds the attempt row `FOR SHARE`, a submit `FOR UPDATE`, so no save lands
//!   after grading.
//! - **Grading once**: the submit locks the attempt row and grades only an attempt still
//!   `in_progress`; the update to `submitted` is conditional on that status too. A passed
//!   attempt publishes `quiz.passed` in the same transaction.

use chrono::{DateTime, Duration, Utc};
use kernel::{AppError, Tenant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait, sea_query::LockType,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dto::attempts::{
        AnswerSaved, AttemptQuestion, AttemptResult, AttemptView, OptionView, SampleCase,
        SaveAnswer, SavedAnswer, SubmittedAnswer,
    },
    entities::{AttemptStatus, QuestionKind, ReviewPolicy, quiz_attempts, quizzes},
    error::LmsError,
    events::QuizPassed,
    service::{
        accommodations::{self, Allowance},
        code_runner::{CodeRunner, CodeRuns, TestCase},
        enrollment, quiz_grading, quizzes as quiz_service,
    },
};

/// Who takes an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taker {
    /// A learner (a user of the platform).
    Learner(Uuid),
    /// A candidate, by invite.
    Candidate(Uuid),
}

/// The deadline of an attempt started at `started_at`.
pub fn deadline(
    quiz: &quizzes::Model,
    started_at: DateTime<Utc>,
    allowance: Allowance,
) -> DateTime<Utc> {
    let millis =
        (f64::from(quiz.duration_seconds) * allowance.time_multiplier * 1000.0).round() as i64;
    let mut end = started_at
        + Duration::milliseconds(millis)
        + Duration::seconds(allowance.extra_seconds.into());
    if quiz.close_clamps_deadline
        && let Some(close) = quiz.closes_at
        && close < end
    {
        end = close.max(started_at);
    }
    end
}

fn random_below(n: usize) -> Result<usize, LmsError> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|e| {
        LmsError::App(AppError::Unexpected(anyhow::anyhow!(
            "the OS random source failed: {e}"
        )))
    })?;
    Ok((u64::from_le_bytes(buf) % n as u64) as usize)
}

/// Shuffles in place (Fisher-Yates over the OS random source).
pub fn shuffle<T>(items: &mut [T]) -> Result<(), LmsError> {
    for i in (1..items.len()).rev() {
        let j = random_below(i + 1)?;
        items.swap(i, j);
    }
    Ok(())
}

/// A question of an attempt with its pinned version and saved answer.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Pinned {
    /// Question.
    pub question_id: Uuid,
    /// Pinned version.
    pub version: i32,
    /// Order.
    pub position: i32,
    /// Options' order in this attempt.
    pub option_order: Value,
    /// Kind.
    pub kind: QuestionKind,
    /// Text.
    pub prompt: String,
    /// Options.
    pub options: Value,
    /// Right answer.
    pub key: Value,
    /// Marks.
    pub marks: i32,
    /// Partial credit.
    pub partial_credit: bool,
    /// Tolerance.
    pub tolerance: Option<f64>,
    /// Language.
    pub language_id: Option<i32>,
    /// Test cases.
    pub test_cases: Value,
    /// Saved answer.
    pub given: Option<Value>,
    /// Its seq.
    pub seq: Option<i64>,
    /// Saved at.
    pub saved_at: Option<DateTime<Utc>>,
    /// Marks given.
    pub score: Option<f64>,
}

impl Pinned {
    fn options_len(&self) -> usize {
        self.options.as_array().map_or(0, Vec::len)
    }
}

/// The questions of an attempt in its order (one question when `only` is given).
pub async fn pinned<C: ConnectionTrait>(
    conn: &C,
    attempt_id: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<Pinned>, LmsError> {
    Ok(Pinned::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT aq.question_id, aq.version, aq.position, aq.option_order, q.kind, v.prompt, v.options,
                v.answer AS key, v.marks, v.partial_credit, v.tolerance, v.language_id, v.test_cases,
                a.answer AS given, a.seq, a.saved_at, a.score
         FROM attempt_questions aq
         JOIN questions q ON q.id = aq.question_id
         JOIN question_versions v ON v.question_id = aq.question_id AND v.version = aq.version
         LEFT JOIN attempt_answers a ON a.attempt_id = aq.attempt_id AND a.question_id = aq.question_id
         WHERE aq.attempt_id = $1 AND ($2::uuid IS NULL OR aq.question_id = $2)
         ORDER BY aq.position",
        [attempt_id.into(), only.into()],
    ))
    .all(conn)
    .await?)
}

#[derive(Debug, FromQueryResult)]
struct Current {
    question_id: Uuid,
    version: i32,
    kind: QuestionKind,
    options: Value,
}

/// Starts an attempt inside `txn`: the quiz's questions at their current versions (pinned),
/// shuffled when the quiz says so, and the server's deadline. A quiz with code questions
/// needs a code runner (503 `provider_not_configured`).
pub async fn create_in<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    quiz: &quizzes::Model,
    taker: Taker,
    attempt_no: i32,
    allowance: Allowance,
    has_runner: bool,
) -> Result<quiz_attempts::Model, LmsError> {
    let now = Utc::now();
    if quiz.closes_at.is_some_and(|c| c <= now) {
        return Err(LmsError::QuizClosed);
    }
    let mut questions = Current::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT qq.question_id, q.current_version AS version, q.kind, v.options
         FROM quiz_questions qq
         JOIN questions q ON q.id = qq.question_id
         JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version
         WHERE qq.quiz_id = $1 ORDER BY qq.position",
        [quiz.id.into()],
    ))
    .all(txn)
    .await?;
    if !has_runner && questions.iter().any(|q| q.kind == QuestionKind::Code) {
        return Err(AppError::provider_not_configured("judge0").into());
    }
    if quiz.shuffle_questions {
        shuffle(&mut questions)?;
    }
    let mut orders = Vec::with_capacity(questions.len());
    for q in &questions {
        let mut order: Vec<usize> = (0..q.options.as_array().map_or(0, Vec::len)).collect();
        if quiz.shuffle_options {
            shuffle(&mut order)?;
        }
        orders.push(order);
    }
    // nothing is written before this point (a refusal above leaves the transaction clean)
    let (user_id, invite_id) = match taker {
        Taker::Learner(u) => (Some(u), None),
        Taker::Candidate(i) => (None, Some(i)),
    };
    let id = kernel::ids::new_id();
    let end = deadline(quiz, now, allowance);
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO quiz_attempts (id, platform_id, quiz_id, user_id, invite_id, attempt_no, status,
                                    started_at, deadline, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'in_progress', $7, $8, $7)",
        [
            id.into(),
            platform_id.into(),
            quiz.id.into(),
            user_id.into(),
            invite_id.into(),
            attempt_no.into(),
            now.into(),
            end.into(),
        ],
    ))
    .await?;
    for (position, (q, order)) in questions.iter().zip(orders).enumerate() {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO attempt_questions (attempt_id, question_id, version, position, option_order)
             VALUES ($1, $2, $3, $4, $5)",
            [
                id.into(),
                q.question_id.into(),
                q.version.into(),
                i32::try_from(position).unwrap_or(i32::MAX).into(),
                json!(order).into(),
            ],
        ))
        .await?;
    }
    tracing::info!(attempt = %id, quiz = %quiz.id, deadline = %end, "quiz attempt started");
    quiz_attempts::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(LmsError::NotFound("attempt"))
}

/// The learner's attempt in progress at a quiz, if any (locked with `lock`).
async fn open_attempt<C: ConnectionTrait>(
    conn: &C,
    quiz_id: Uuid,
    user_id: Uuid,
    lock: Option<LockType>,
) -> Result<Option<quiz_attempts::Model>, LmsError> {
    let mut q = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::QuizId.eq(quiz_id))
        .filter(quiz_attempts::Column::UserId.eq(user_id))
        .filter(quiz_attempts::Column::Status.eq(AttemptStatus::InProgress));
    if let Some(lock) = lock {
        q = q.lock(lock);
    }
    Ok(q.one(conn).await?)
}

/// Checks the user may take `quiz` as a learner (`admin`: the caller is a platform admin).
///
/// - A quiz of a course needs an active enrolment in that course, admins too (403
///   `not_enrolled`).
/// - A quiz of no course (shared by courses) needs an active enrolment in a course that offers
///   it as an item (403 `not_enrolled`); one with candidate invites is a screening quiz that
///   learners do not take (403 `forbidden`). Admins take such a quiz without either.
pub async fn check_learner_access<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    admin: bool,
    quiz: &quizzes::Model,
) -> Result<(), LmsError> {
    if let Some(course) = quiz.course_id {
        return if enrollment::is_enrolled(conn, platform_id, user_id, course).await? {
            Ok(())
        } else {
            Err(LmsError::NotEnrolled)
        };
    }
    if admin {
        return Ok(());
    }
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT EXISTS (SELECT 1 FROM quiz_invites i
                             WHERE i.platform_id = $1 AND i.quiz_id = $2) AS invited,
                    EXISTS (SELECT 1 FROM course_items ci
                              JOIN enrollments e ON e.platform_id = ci.platform_id
                                                AND e.course_id = ci.course_id
                             WHERE ci.platform_id = $1 AND ci.kind = 'quiz' AND ci.ref_id = $2
                               AND e.user_id = $3 AND e.status = 'active') AS offered",
            [platform_id.into(), quiz.id.into(), user_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("quiz"))?;
    if row.try_get::<bool>("", "invited")? {
        return Err(LmsError::Forbidden(
            "this quiz is taken by invited candidates only".into(),
        ));
    }
    if !row.try_get::<bool>("", "offered")? {
        return Err(LmsError::NotEnrolled);
    }
    Ok(())
}

/// Starts (or resumes) the learner's attempt at a quiz, in one transaction, once
/// [`check_learner_access`] lets them (`admin`: the caller is a platform admin). Answers the
/// attempt and whether this call created it (false: the attempt in progress is answered,
/// e.g. to a second tab).
pub async fn start(
    db: &DatabaseConnection,
    tenant: &Tenant,
    user_id: Uuid,
    admin: bool,
    quiz_id: Uuid,
    grace: i64,
    runner: Option<&dyn CodeRunner>,
) -> Result<(AttemptView, bool), LmsError> {
    // who may take it is checked before anything runs or is locked
    let quiz = quiz_service::find(db, tenant.id, quiz_id).await?;
    check_learner_access(db, tenant.id, user_id, admin, &quiz).await?;
    // an attempt in progress whose time is over is graded below: its programs run first,
    // before any lock is taken
    let runs = match open_attempt(db, quiz_id, user_id, None).await? {
        Some(open)
            if matches!(
                open_for_answers(&open, grace),
                Err(LmsError::AttemptExpired)
            ) =>
        {
            run_code_ahead(db, &open, grace, &[], runner).await?
        }
        _ => CodeRuns::new(runner),
    };
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [format!("quiz-attempt:{quiz_id}:{user_id}").into()],
    ))
    .await?;
    if let Some(open) = open_attempt(&txn, quiz_id, user_id, Some(LockType::Update)).await? {
        if Utc::now() <= open.deadline + Duration::seconds(grace) {
            let view = view(&txn, &open, &quiz, grace).await?;
            txn.commit().await?;
            return Ok((view, false));
        }
        // its time is over: grade what was saved, then count it
        finalise_in(
            &txn,
            tenant,
            &open,
            &quiz,
            AttemptStatus::AutoSubmitted,
            &runs,
            false,
        )
        .await?;
    }
    let used = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM quiz_attempts WHERE quiz_id = $1 AND user_id = $2",
            [quiz_id.into(), user_id.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let allowance = accommodations::allowance(&txn, tenant.id, user_id).await?;
    let created = if used >= i64::from(quiz.max_attempts + allowance.extra_attempts) {
        Err(LmsError::AttemptsExhausted)
    } else {
        let attempt_no = i32::try_from(used + 1).unwrap_or(i32::MAX);
        create_in(
            &txn,
            tenant.id,
            &quiz,
            Taker::Learner(user_id),
            attempt_no,
            allowance,
            runs.available(),
        )
        .await
    };
    let attempt = match created {
        Ok(attempt) => attempt,
        // refused before anything was written: keep the grading of an overdue attempt above
        Err(e @ (LmsError::AttemptsExhausted | LmsError::QuizClosed | LmsError::App(_))) => {
            txn.commit().await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let view = view(&txn, &attempt, &quiz, grace).await?;
    txn.commit().await?;
    Ok((view, true))
}

/// The learner's attempt `id` (404 for anyone else's), locked as asked.
pub async fn of_learner<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    id: Uuid,
    lock: Option<LockType>,
) -> Result<quiz_attempts::Model, LmsError> {
    let mut q = quiz_attempts::Entity::find_by_id(id)
        .filter(quiz_attempts::Column::PlatformId.eq(platform_id))
        .filter(quiz_attempts::Column::UserId.eq(user_id));
    if let Some(lock) = lock {
        q = q.lock(lock);
    }
    q.one(conn).await?.ok_or(LmsError::NotFound("attempt"))
}

/// The attempt as its taker sees it (questions without answers, saved answers, deadline;
/// the result and right answers as the quiz's review policy allows).
pub async fn view<C: ConnectionTrait>(
    conn: &C,
    attempt: &quiz_attempts::Model,
    quiz: &quizzes::Model,
    grace: i64,
) -> Result<AttemptView, LmsError> {
    let now = Utc::now();
    let graded = attempt.status != AttemptStatus::InProgress;
    let show_result = graded && quiz.review_policy != ReviewPolicy::None;
    let show_answers = graded
        && match quiz.review_policy {
            ReviewPolicy::AnswersAfterSubmit => true,
            ReviewPolicy::AnswersAfterClose => quiz.closes_at.is_some_and(|c| c <= now),
            _ => false,
        };
    let rows = pinned(conn, attempt.id, None).await?;
    let mut questions = Vec::with_capacity(rows.len());
    let mut answers = Vec::new();
    for p in rows {
        let texts: Vec<String> = serde_json::from_value(p.options.clone()).unwrap_or_default();
        let order: Vec<usize> = serde_json::from_value(p.option_order.clone()).unwrap_or_default();
        let cases: Vec<TestCase> = serde_json::from_value(p.test_cases.clone()).unwrap_or_default();
        if let (Some(answer), Some(seq), Some(saved_at)) = (p.given.clone(), p.seq, p.saved_at) {
            answers.push(SavedAnswer {
                question_id: p.question_id,
                answer,
                seq,
                saved_at,
            });
        }
        questions.push(AttemptQuestion {
            question_id: p.question_id,
            position: p.position,
            kind: p.kind,
            prompt: p.prompt,
            marks: p.marks,
            options: order
                .into_iter()
                .filter_map(|i| {
                    texts.get(i).map(|t| OptionView {
                        index: i,
                        text: t.clone(),
                    })
                })
                .collect(),
            language_id: p.language_id,
            sample_cases: cases
                .into_iter()
                .filter(|c| !c.hidden)
                .map(|c| SampleCase {
                    stdin: c.stdin,
                    expected_output: c.expected_output,
                })
                .collect(),
            correct_answer: (show_answers && p.kind != QuestionKind::Code).then_some(p.key),
            score: if show_result {
                Some(p.score.unwrap_or(0.0))
            } else {
                None
            },
        });
    }
    let result = match (
        show_result,
        attempt.score,
        attempt.max_score,
        attempt.passed,
    ) {
        (true, Some(score), Some(max_score), Some(passed)) => Some(AttemptResult {
            score,
            max_score,
            passed,
        }),
        _ => None,
    };
    Ok(AttemptView {
        attempt_id: attempt.id,
        quiz_id: quiz.id,
        title: quiz.title.clone(),
        attempt_no: attempt.attempt_no,
        status: attempt.status,
        started_at: attempt.started_at,
        deadline: attempt.deadline,
        grace_seconds: grace,
        server_time: now,
        questions,
        answers,
        result,
    })
}

fn open_for_answers(attempt: &quiz_attempts::Model, grace: i64) -> Result<(), LmsError> {
    if attempt.status != AttemptStatus::InProgress {
        return Err(LmsError::AttemptSubmitted);
    }
    if Utc::now() > attempt.deadline + Duration::seconds(grace) {
        return Err(LmsError::AttemptExpired);
    }
    Ok(())
}

/// Saves one answer of an attempt the caller holds `FOR SHARE` (or stronger) in `txn`:
/// an upsert that only replaces a lower `seq`.
pub async fn save_in<C: ConnectionTrait>(
    txn: &C,
    attempt: &quiz_attempts::Model,
    grace: i64,
    question_id: Uuid,
    req: SaveAnswer,
) -> Result<AnswerSaved, LmsError> {
    open_for_answers(attempt, grace)?;
    let p = pinned(txn, attempt.id, Some(question_id))
        .await?
        .into_iter()
        .next()
        .ok_or(LmsError::NotFound("question"))?;
    quiz_grading::check_shape(p.kind, p.options_len(), &req.answer)
        .map_err(|m| LmsError::Invalid("answer", m))?;
    let now = Utc::now();
    let written = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO attempt_answers (attempt_id, question_id, answer, seq, saved_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (attempt_id, question_id) DO UPDATE
                 SET answer = EXCLUDED.answer, seq = EXCLUDED.seq, saved_at = EXCLUDED.saved_at
                 WHERE attempt_answers.seq < EXCLUDED.seq
             RETURNING seq, saved_at",
            [
                attempt.id.into(),
                question_id.into(),
                req.answer.into(),
                req.seq.into(),
                now.into(),
            ],
        ))
        .await?;
    if let Some(row) = written {
        return Ok(AnswerSaved {
            question_id,
            seq: row.try_get("", "seq")?,
            applied: true,
            saved_at: row.try_get("", "saved_at")?,
        });
    }
    Ok(AnswerSaved {
        question_id,
        seq: p.seq.unwrap_or(req.seq),
        applied: false,
        saved_at: p.saved_at.unwrap_or(now),
    })
}

/// Checks every answer a submit sends against the attempt's questions `rows`: each names a
/// question of this attempt and has its kind's shape (422 on `answers` otherwise). Runs
/// before any program does, so a submit refused here costs no code runs.
pub fn check_answers(rows: &[Pinned], answers: &[SubmittedAnswer]) -> Result<(), LmsError> {
    for a in answers {
        let p = rows
            .iter()
            .find(|p| p.question_id == a.question_id)
            .ok_or_else(|| {
                LmsError::Invalid(
                    "answers",
                    format!("question {} is not in this attempt", a.question_id),
                )
            })?;
        quiz_grading::check_shape(p.kind, p.options_len(), &a.answer).map_err(|m| {
            LmsError::Invalid("answers", format!("question {}: {m}", a.question_id))
        })?;
    }
    Ok(())
}

/// What a submit came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Submitted {
    /// Graded now.
    Graded(AttemptResult),
    /// Too late: the saved answers were graded instead (commit, then answer 409
    /// `attempt_expired`).
    Expired,
}

/// Submits an attempt the caller holds `FOR UPDATE` in `txn`: the given answers replace the
/// saved ones, then every answer is graded once.
pub async fn submit_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    attempt: &quiz_attempts::Model,
    quiz: &quizzes::Model,
    grace: i64,
    runs: &CodeRuns<'_>,
    answers: Vec<SubmittedAnswer>,
) -> Result<Submitted, LmsError> {
    match open_for_answers(attempt, grace) {
        Ok(()) => {}
        Err(LmsError::AttemptExpired) => {
            finalise_in(
                txn,
                tenant,
                attempt,
                quiz,
                AttemptStatus::AutoSubmitted,
                runs,
                false,
            )
            .await?;
            return Ok(Submitted::Expired);
        }
        Err(e) => return Err(e),
    }
    if !answers.is_empty() {
        let rows = pinned(txn, attempt.id, None).await?;
        check_answers(&rows, &answers)?;
        let now = Utc::now();
        for a in answers {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO attempt_answers (attempt_id, question_id, answer, seq, saved_at)
                 VALUES ($1, $2, $3, 0, $4)
                 ON CONFLICT (attempt_id, question_id) DO UPDATE
                     SET answer = EXCLUDED.answer, saved_at = EXCLUDED.saved_at",
                [
                    attempt.id.into(),
                    a.question_id.into(),
                    a.answer.into(),
                    now.into(),
                ],
            ))
            .await?;
        }
    }
    let result = finalise_in(
        txn,
        tenant,
        attempt,
        quiz,
        AttemptStatus::Submitted,
        runs,
        true,
    )
    .await?;
    Ok(Submitted::Graded(result))
}

/// Runs the programs `attempt` will be graded on, outside any transaction (no row lock or
/// pooled connection waits on the code runner): each code question's answer in `answers`
/// (what a submit sends, while the attempt is open) or else the saved one. Without a runner,
/// or for an attempt no longer in progress, nothing runs. Sent answers are checked first
/// ([`check_answers`]): one refused answer and nothing runs (a failing submit cannot buy
/// code runs).
pub async fn run_code_ahead<'r, C: ConnectionTrait>(
    conn: &C,
    attempt: &quiz_attempts::Model,
    grace: i64,
    answers: &[SubmittedAnswer],
    runner: Option<&'r dyn CodeRunner>,
) -> Result<CodeRuns<'r>, LmsError> {
    let mut runs = CodeRuns::new(runner);
    if !runs.available() || attempt.status != AttemptStatus::InProgress {
        return Ok(runs);
    }
    // a submit's answers count only while the attempt is open (an expired one is graded on
    // what was saved)
    let sent = if open_for_answers(attempt, grace).is_ok() {
        answers
    } else {
        &[]
    };
    let rows = pinned(conn, attempt.id, None).await?;
    check_answers(&rows, sent)?;
    for p in rows {
        let (QuestionKind::Code, Some(language)) = (p.kind, p.language_id) else {
            continue;
        };
        let source = match sent.iter().find(|a| a.question_id == p.question_id) {
            Some(a) => a.answer.as_str(),
            None => p.given.as_ref().and_then(Value::as_str),
        };
        let Some(source) = source else {
            continue;
        };
        let cases: Vec<TestCase> = serde_json::from_value(p.test_cases).unwrap_or_default();
        runs.run_ahead(p.question_id, language, source, &cases)
            .await?;
    }
    Ok(runs)
}

/// Grades every answer of an in-progress attempt against its pinned versions and closes it
/// with `status` (conditional on it still being in progress). Code answers go through
/// `runs` (run ahead, see [`run_code_ahead`]); without a runner, `strict` answers 503 `provider_not_configured` and otherwise (the
/// sweeper) they earn 0. A pass publishes `quiz.passed`.
pub async fn finalise_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    attempt: &quiz_attempts::Model,
    quiz: &quizzes::Model,
    status: AttemptStatus,
    runs: &CodeRuns<'_>,
    strict: bool,
) -> Result<AttemptResult, LmsError> {
    let rows = pinned(txn, attempt.id, None).await?;
    let mut total = 0.0;
    let mut max = 0.0;
    for p in &rows {
        max += f64::from(p.marks);
        let score = match (p.kind, p.given.as_ref()) {
            (QuestionKind::Code, Some(Value::String(source))) => match p.language_id {
                Some(language) if runs.available() => {
                    let cases: Vec<TestCase> =
                        serde_json::from_value(p.test_cases.clone()).unwrap_or_default();
                    let results = runs
                        .results(p.question_id, language, source, &cases)
                        .await?;
                    let passed = results.iter().filter(|r| r.passed).count();
                    quiz_grading::grade_code(p.marks, p.partial_credit, passed, cases.len())
                }
                _ if strict => return Err(AppError::provider_not_configured("judge0").into()),
                _ => {
                    tracing::warn!(attempt = %attempt.id, question = %p.question_id, "no code runner: code answer graded 0");
                    0.0
                }
            },
            (kind, given) => quiz_grading::grade(
                kind,
                p.options_len(),
                &p.key,
                p.marks,
                p.partial_credit,
                p.tolerance,
                given,
            ),
        };
        total += score;
        if p.given.is_some() {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE attempt_answers SET score = $3 WHERE attempt_id = $1 AND question_id = $2",
                [attempt.id.into(), p.question_id.into(), score.into()],
            ))
            .await?;
        }
    }
    let total = quiz_grading::round(total);
    let passed = quiz_grading::passes(total, max, quiz.pass_percent);
    let changed = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE quiz_attempts SET status = $2, submitted_at = now(), score = $3, max_score = $4, passed = $5
             WHERE id = $1 AND status = 'in_progress'",
            [
                attempt.id.into(),
                status.to_string().into(),
                total.into(),
                max.into(),
                passed.into(),
            ],
        ))
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(LmsError::AttemptSubmitted);
    }
    if passed {
        jobs::outbox::publish_in(
            txn,
            tenant,
            &QuizPassed {
                attempt_id: attempt.id,
                quiz_id: quiz.id,
                course_id: quiz.course_id,
                user_id: attempt.user_id,
                invite_id: attempt.invite_id,
                score: total,
                max_score: max,
            },
        )
        .await?;
    }
    tracing::info!(attempt = %attempt.id, quiz = %quiz.id, %status, score = total, max_score = max, passed, "quiz attempt graded");
    Ok(AttemptResult {
        score: total,
        max_score: max,
        passed,
    })
}

/// Submits the learner's attempt in one transaction.
pub async fn submit(
    db: &DatabaseConnection,
    tenant: &Tenant,
    user_id: Uuid,
    attempt_id: Uuid,
    grace: i64,
    runner: Option<&dyn CodeRunner>,
    answers: Vec<SubmittedAnswer>,
) -> Result<AttemptResult, LmsError> {
    // the programs run before the attempt is locked (no lock waits on the code runner)
    let seen = of_learner(db, tenant.id, user_id, attempt_id, None).await?;
    let runs = run_code_ahead(db, &seen, grace, &answers, runner).await?;
    let txn = db.begin().await?;
    let attempt = of_learner(&txn, tenant.id, user_id, attempt_id, Some(LockType::Update)).await?;
    let quiz = quiz_service::find(&txn, tenant.id, attempt.quiz_id).await?;
    let outcome = submit_in(&txn, tenant, &attempt, &quiz, grace, &runs, answers).await?;
    txn.commit().await?;
    match outcome {
        Submitted::Graded(result) => Ok(result),
        Submitted::Expired => Err(LmsError::AttemptExpired),
    }
}

/// Saves one answer of the learner's attempt.
pub async fn save(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    attempt_id: Uuid,
    grace: i64,
    question_id: Uuid,
    req: SaveAnswer,
) -> Result<AnswerSaved, LmsError> {
    let txn = db.begin().await?;
    let attempt = of_learner(
        &txn,
        platform_id,
        user_id,
        attempt_id,
        Some(LockType::Share),
    )
    .await?;
    let saved = save_in(&txn, &attempt, grace, question_id, req).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The learner's attempt as they see it.
pub async fn get(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    attempt_id: Uuid,
    grace: i64,
) -> Result<AttemptView, LmsError> {
    let attempt = of_learner(db, platform_id, user_id, attempt_id, None).await?;
    let quiz = quiz_service::find(db, platform_id, attempt.quiz_id).await?;
    view(db, &attempt, &quiz, grace).await
}

/// Finalises every attempt whose deadline and grace have passed, each in its own
/// transaction (rows locked `SKIP LOCKED`, so a submit in flight or another worker is left
/// alone). Returns how many were finalised.
pub async fn sweep_overdue(
    db: &DatabaseConnection,
    grace: i64,
    runner: Option<&dyn CodeRunner>,
) -> Result<usize, LmsError> {
    let due = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::Status.eq(AttemptStatus::InProgress))
        .filter(quiz_attempts::Column::Deadline.lt(Utc::now() - Duration::seconds(grace)))
        .limit(500)
        .all(db)
        .await?;
    let mut done = 0;
    for candidate in due {
        // one attempt that cannot be graded now (the code runner down) waits for the next
        // sweep without holding up the others
        let runs = match run_code_ahead(db, &candidate, grace, &[], runner).await {
            Ok(runs) => runs,
            Err(e) => {
                tracing::warn!(attempt = %candidate.id, error = %e, "overdue attempt not graded; retried next sweep");
                continue;
            }
        };
        let txn = db.begin().await?;
        let Some(attempt) = quiz_attempts::Entity::find_by_id(candidate.id)
            .filter(quiz_attempts::Column::Status.eq(AttemptStatus::InProgress))
            .lock_with_behavior(
                LockType::Update,
                sea_orm::sea_query::LockBehavior::SkipLocked,
            )
            .one(&txn)
            .await?
        else {
            continue;
        };
        let quiz = quiz_service::find(&txn, attempt.platform_id, attempt.quiz_id).await?;
        let tenant = tenant_of(&txn, attempt.platform_id).await?;
        if let Err(e) = finalise_in(
            &txn,
            &tenant,
            &attempt,
            &quiz,
            AttemptStatus::AutoSubmitted,
            &runs,
            false,
        )
        .await
        {
            tracing::warn!(attempt = %attempt.id, error = %e, "overdue attempt not graded; retried next sweep");
            continue;
        }
        txn.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// The platform as a tenant (for events published outside a request).
pub async fn tenant_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Tenant, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT slug, name FROM platforms WHERE id = $1",
            [platform_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("platform"))?;
    Ok(Tenant {
        id: platform_id,
        slug: row.try_get("", "slug")?,
        name: row.try_get("", "name")?,
        modules: Vec::new(),
    })
}

/// A page of a quiz's attempts (ADMIN), newest first.
pub async fn list_for_quiz<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    quiz_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<quiz_attempts::Model>, LmsError> {
    quiz_service::find(conn, platform_id, quiz_id).await?;
    let mut q = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::PlatformId.eq(platform_id))
        .filter(quiz_attempts::Column::QuizId.eq(quiz_id));
    if let Some((at, id)) = after {
        q = q.filter(
            sea_orm::Condition::any()
                .add(quiz_attempts::Column::StartedAt.lt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(quiz_attempts::Column::StartedAt.eq(at))
                        .add(quiz_attempts::Column::Id.lt(id)),
                ),
        );
    }
    Ok(q.order_by_desc(quiz_attempts::Column::StartedAt)
        .order_by_desc(quiz_attempts::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// The quiz as the learner sees it: time and attempts with their accommodations, attempts
/// used, the attempt to resume, the best score (as the review policy allows). Only for who
/// may take it ([`check_learner_access`]; `admin`: the caller is a platform admin).
pub async fn learner_quiz<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    admin: bool,
    quiz_id: Uuid,
) -> Result<crate::dto::attempts::LearnerQuiz, LmsError> {
    let quiz = quiz_service::find(conn, platform_id, quiz_id).await?;
    check_learner_access(conn, platform_id, user_id, admin, &quiz).await?;
    let allowance = accommodations::allowance(conn, platform_id, user_id).await?;
    let mine = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::QuizId.eq(quiz_id))
        .filter(quiz_attempts::Column::UserId.eq(user_id))
        .all(conn)
        .await?;
    let show = quiz.review_policy != ReviewPolicy::None;
    let graded: Vec<&quiz_attempts::Model> = mine
        .iter()
        .filter(|a| a.status != AttemptStatus::InProgress)
        .collect();
    let question_count = quiz_service::question_ids(conn, quiz.id).await?.len();
    let duration = (f64::from(quiz.duration_seconds) * allowance.time_multiplier).round() as i64
        + i64::from(allowance.extra_seconds);
    Ok(crate::dto::attempts::LearnerQuiz {
        id: quiz.id,
        title: quiz.title.clone(),
        course_id: quiz.course_id,
        question_count,
        duration_seconds: duration,
        max_attempts: quiz.max_attempts + allowance.extra_attempts,
        attempts_used: mine.len() as i64,
        in_progress_attempt_id: mine
            .iter()
            .find(|a| a.status == AttemptStatus::InProgress)
            .map(|a| a.id),
        best_score: if show {
            graded.iter().filter_map(|a| a.score).reduce(f64::max)
        } else {
            None
        },
        passed: if show && !graded.is_empty() {
            Some(graded.iter().any(|a| a.passed == Some(true)))
        } else {
            None
        },
        closes_at: quiz.closes_at,
        close_clamps_deadline: quiz.close_clamps_deadline,
        pass_percent: quiz.pass_percent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(duration: i32, closes_at: Option<DateTime<Utc>>, clamps: bool) -> quizzes::Model {
        let now = Utc::now();
        quizzes::Model {
            id: Uuid::nil(),
            platform_id: Uuid::nil(),
            course_id: None,
            title: "t".into(),
            duration_seconds: duration,
            max_attempts: 1,
            pass_percent: 50,
            shuffle_questions: false,
            shuffle_options: false,
            closes_at,
            close_clamps_deadline: clamps,
            review_policy: ReviewPolicy::ScoreOnly,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn deadline_applies_multiplier_extra_time_and_the_declared_clamp() {
        let start = Utc::now();
        let a = Allowance {
            time_multiplier: 1.5,
            extra_seconds: 30,
            extra_attempts: 0,
        };
        assert_eq!(
            deadline(&quiz(600, None, true), start, a),
            start + Duration::seconds(930)
        );
        let close = start + Duration::seconds(100);
        assert_eq!(deadline(&quiz(600, Some(close), true), start, a), close);
        assert_eq!(
            deadline(&quiz(600, Some(close), false), start, a),
            start + Duration::seconds(930),
            "a quiz that does not clamp keeps the whole time"
        );
    }

    #[test]
    fn shuffle_keeps_every_item() {
        let mut v: Vec<u32> = (0..50).collect();
        shuffle(&mut v).unwrap();
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }
}
