//! Candidate quizzes: an admin (or Mr. Hire, through [`create_invite`] and [`result`])
//! invites a person without an account; the link's token is shown once and stored as its
//! SHA-256. The token opens one attempt: starting again answers the same attempt, and once
//! it is graded the link is spent (every token route answers 401 `invalid_token`). The
//! invite carries the candidate's own accommodations.

use chrono::Utc;
use kernel::{AppError, Tenant, crypto::sha256_hex};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait, sea_query::LockType,
};
use uuid::Uuid;

use crate::{
    dto::{
        attempts::{AnswerSaved, AttemptResult, CandidateQuiz, SaveAnswer, SubmittedAnswer},
        quizzes::{InviteCreated, InviteResult, InviteState, NewInvite},
    },
    entities::{AttemptStatus, quiz_attempts, quiz_invites, quizzes},
    error::LmsError,
    service::{
        accommodations::Allowance,
        attempts::{self, Submitted, Taker},
        code_runner::{CodeRunner, CodeRuns},
        quizzes as quiz_service,
    },
};

fn new_token() -> Result<String, LmsError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| {
        LmsError::App(AppError::Unexpected(anyhow::anyhow!(
            "the OS random source failed: {e}"
        )))
    })?;
    Ok(hex::encode(buf))
}

/// Creates an invite to a quiz of the platform; the answer holds the only copy of the token.
/// `public_base_url` is where candidates open the link (`{base}/candidate-quiz/{token}`).
pub async fn create_invite<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Option<Uuid>,
    quiz_id: Uuid,
    public_base_url: &str,
    req: NewInvite,
) -> Result<InviteCreated, LmsError> {
    let quiz = quiz_service::find(conn, platform_id, quiz_id).await?;
    let expires_at = req.expires_at.or(quiz.closes_at);
    if expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(LmsError::Invalid(
            "expires_at",
            "must be in the future (and the quiz open)".into(),
        ));
    }
    let token = new_token()?;
    let invite = quiz_invites::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        quiz_id: Set(quiz.id),
        email: Set(req.email.trim().to_lowercase()),
        full_name: Set(req.full_name.trim().to_owned()),
        token_hash: Set(sha256_hex(token.as_bytes())),
        time_multiplier: Set(req.time_multiplier.unwrap_or(1.0)),
        extra_seconds: Set(req.extra_seconds.unwrap_or(0)),
        expires_at: Set(expires_at),
        created_by: Set(admin_id),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(InviteCreated {
        id: invite.id,
        url: format!(
            "{}/candidate-quiz/{token}",
            public_base_url.trim_end_matches('/')
        ),
        token,
        expires_at,
    })
}

/// Erases the personal data the LMS holds on the platform's invites `invite_ids` (Mr. Hire
/// calls this in its candidate-erasure transaction; ADR 0081): the email and name become
/// placeholders, the link's token is replaced by a random one (the link stops working) and the
/// candidate's saved answers (free text included) are deleted. The attempt's outcome (state,
/// score, pass, dates) stays, so results and counts do not change. Answers how many invites
/// were erased; erasing again is harmless.
pub async fn erase_invite_personal_data<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    invite_ids: &[Uuid],
) -> Result<u64, LmsError> {
    if invite_ids.is_empty() {
        return Ok(0);
    }
    let ids: Vec<sea_orm::Value> = invite_ids.iter().map(|id| (*id).into()).collect();
    let list = (2..ids.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut values: Vec<sea_orm::Value> = vec![platform_id.into()];
    values.extend(ids);
    let erased = conn
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            format!(
                "UPDATE quiz_invites
                    SET email = 'erased+' || id::text || '@erased.invalid',
                        full_name = '[erased]',
                        token_hash = encode(sha256(convert_to(gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex')
                  WHERE platform_id = $1 AND id IN ({list})"
            ),
            values.clone(),
        ))
        .await?
        .rows_affected();
    conn.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        format!(
            "DELETE FROM attempt_answers WHERE attempt_id IN
                (SELECT id FROM quiz_attempts WHERE platform_id = $1 AND invite_id IN ({list}))"
        ),
        values,
    ))
    .await?;
    Ok(erased)
}

/// The invite and the candidate's result (Mr. Hire reads this).
pub async fn result<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    invite_id: Uuid,
) -> Result<InviteResult, LmsError> {
    let invite = quiz_invites::Entity::find_by_id(invite_id)
        .filter(quiz_invites::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("invite"))?;
    let attempt = attempt_of(conn, invite.id, None).await?;
    Ok(InviteResult {
        id: invite.id,
        quiz_id: invite.quiz_id,
        email: invite.email,
        full_name: invite.full_name,
        state: attempt
            .as_ref()
            .map_or(InviteState::NotStarted, |a| a.status.into()),
        started_at: attempt.as_ref().map(|a| a.started_at),
        submitted_at: attempt.as_ref().and_then(|a| a.submitted_at),
        score: attempt.as_ref().and_then(|a| a.score),
        max_score: attempt.as_ref().and_then(|a| a.max_score),
        passed: attempt.as_ref().and_then(|a| a.passed),
        created_at: invite.created_at,
    })
}

async fn attempt_of<C: ConnectionTrait>(
    conn: &C,
    invite_id: Uuid,
    lock: Option<LockType>,
) -> Result<Option<quiz_attempts::Model>, LmsError> {
    let mut q = quiz_attempts::Entity::find().filter(quiz_attempts::Column::InviteId.eq(invite_id));
    if let Some(lock) = lock {
        q = q.lock(lock);
    }
    Ok(q.one(conn).await?)
}

/// The usable invite of a token on the platform (401 `invalid_token` when unknown, expired
/// or spent), locked as asked.
async fn by_token<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    token: &str,
    lock: Option<LockType>,
) -> Result<
    (
        quiz_invites::Model,
        quizzes::Model,
        Option<quiz_attempts::Model>,
    ),
    LmsError,
> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LmsError::InvalidToken);
    }
    let mut q = quiz_invites::Entity::find()
        .filter(quiz_invites::Column::PlatformId.eq(platform_id))
        .filter(
            quiz_invites::Column::TokenHash.eq(sha256_hex(token.to_ascii_lowercase().as_bytes())),
        );
    if let Some(lock) = lock {
        q = q.lock(lock);
    }
    let invite = q.one(conn).await?.ok_or(LmsError::InvalidToken)?;
    let attempt = attempt_of(conn, invite.id, lock).await?;
    if attempt
        .as_ref()
        .is_some_and(|a| a.status != AttemptStatus::InProgress)
    {
        return Err(LmsError::InvalidToken);
    }
    if attempt.is_none() && invite.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(LmsError::InvalidToken);
    }
    let quiz = quiz_service::find(conn, platform_id, invite.quiz_id).await?;
    Ok((invite, quiz, attempt))
}

fn allowance(invite: &quiz_invites::Model) -> Allowance {
    Allowance {
        time_multiplier: invite.time_multiplier,
        extra_seconds: invite.extra_seconds,
        extra_attempts: 0,
    }
}

/// Whether the token is a usable link of the platform (401 `invalid_token` otherwise).
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    token: &str,
) -> Result<(), LmsError> {
    by_token(conn, platform_id, token, None).await.map(|_| ())
}

/// What the candidate's link shows.
pub async fn show(
    db: &DatabaseConnection,
    platform_id: Uuid,
    token: &str,
    grace: i64,
) -> Result<CandidateQuiz, LmsError> {
    let (invite, quiz, attempt) = by_token(db, platform_id, token, None).await?;
    let count = quiz_service::question_ids(db, quiz.id).await?.len();
    let a = allowance(&invite);
    let duration = (f64::from(quiz.duration_seconds) * a.time_multiplier).round() as i64
        + i64::from(a.extra_seconds);
    let attempt = match attempt {
        Some(at) => Some(attempts::view(db, &at, &quiz, grace).await?),
        None => None,
    };
    Ok(CandidateQuiz {
        full_name: invite.full_name,
        title: quiz.title,
        duration_seconds: duration,
        question_count: count,
        expires_at: invite.expires_at,
        attempt,
    })
}

/// Starts the candidate's attempt (or answers the one in progress; false: not created now).
pub async fn start(
    db: &DatabaseConnection,
    tenant: &Tenant,
    token: &str,
    grace: i64,
    runner: Option<&dyn CodeRunner>,
) -> Result<(crate::dto::attempts::AttemptView, bool), LmsError> {
    let txn = db.begin().await?;
    let (invite, quiz, attempt) = by_token(&txn, tenant.id, token, Some(LockType::Update)).await?;
    if let Some(at) = attempt {
        let view = attempts::view(&txn, &at, &quiz, grace).await?;
        txn.commit().await?;
        return Ok((view, false));
    }
    let at = attempts::create_in(
        &txn,
        tenant.id,
        &quiz,
        Taker::Candidate(invite.id),
        1,
        allowance(&invite),
        runner.is_some(),
    )
    .await?;
    let view = attempts::view(&txn, &at, &quiz, grace).await?;
    txn.commit().await?;
    Ok((view, true))
}

/// Saves one answer of the candidate's attempt.
pub async fn save(
    db: &DatabaseConnection,
    platform_id: Uuid,
    token: &str,
    grace: i64,
    question_id: Uuid,
    req: SaveAnswer,
) -> Result<AnswerSaved, LmsError> {
    let txn = db.begin().await?;
    let (_, _, attempt) = by_token(&txn, platform_id, token, Some(LockType::Share)).await?;
    let attempt = attempt.ok_or(LmsError::NotFound("attempt"))?;
    let saved = attempts::save_in(&txn, &attempt, grace, question_id, req).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Submits the candidate's attempt; the link is spent afterwards.
pub async fn submit(
    db: &DatabaseConnection,
    tenant: &Tenant,
    token: &str,
    grace: i64,
    runner: Option<&dyn CodeRunner>,
    answers: Vec<SubmittedAnswer>,
) -> Result<AttemptResult, LmsError> {
    // the programs run before the attempt is locked (no lock waits on the code runner)
    let (_, _, seen) = by_token(db, tenant.id, token, None).await?;
    let runs = match seen {
        Some(seen) => attempts::run_code_ahead(db, &seen, grace, &answers, runner).await?,
        None => CodeRuns::new(runner),
    };
    let txn = db.begin().await?;
    let (_, quiz, attempt) = by_token(&txn, tenant.id, token, Some(LockType::Update)).await?;
    let attempt = attempt.ok_or(LmsError::NotFound("attempt"))?;
    let outcome = attempts::submit_in(&txn, tenant, &attempt, &quiz, grace, &runs, answers).await?;
    txn.commit().await?;
    match outcome {
        Submitted::Graded(r) => Ok(r),
        Submitted::Expired => Err(LmsError::AttemptExpired),
    }
}
