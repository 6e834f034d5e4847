//! Candidate quizzes (ADR 0058): a quiz of the platform's LMS question bank sent to an
//! application's candidate by the LMS's single-use invite (`lms::service::candidates`), linked
//! to the application with the stage it was sent at; the result is read from the LMS.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    HireError,
    dto::quizzes::{ApplicationQuiz, QuizSent, SendQuiz},
    entities::application_quizzes,
    service::pipeline,
};

fn lms_error(err: lms::LmsError) -> HireError {
    HireError::App(err.into())
}

/// Sends `req.quiz_id` to the application's candidate (409 `quiz_already_sent` for the same
/// quiz twice); the link is in the answer only.
pub async fn send(
    db: &DatabaseConnection,
    public_base_url: &str,
    platform_id: Uuid,
    actor: Uuid,
    application_id: Uuid,
    req: SendQuiz,
) -> Result<QuizSent, HireError> {
    let txn = db.begin().await?;
    let app = pipeline::find(&txn, platform_id, application_id).await?;
    let already = application_quizzes::Entity::find()
        .filter(application_quizzes::Column::ApplicationId.eq(application_id))
        .filter(application_quizzes::Column::QuizId.eq(req.quiz_id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(HireError::QuizAlreadySent);
    }
    let invite = lms::service::candidates::create_invite(
        &txn,
        platform_id,
        Some(actor),
        req.quiz_id,
        public_base_url,
        lms::dto::quizzes::NewInvite {
            // the application's own name and address (see `reviews::send_stage_email`)
            email: app.email_canonical.clone(),
            full_name: app.full_name.clone(),
            time_multiplier: req.time_multiplier,
            extra_seconds: None,
            expires_at: req.expires_at,
        },
    )
    .await
    .map_err(|e| match e {
        lms::LmsError::NotFound(_) => HireError::Invalid("quiz_id", "no such quiz".into()),
        other => lms_error(other),
    })?;
    let row = application_quizzes::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(platform_id),
        application_id: Set(application_id),
        quiz_id: Set(req.quiz_id),
        invite_id: Set(invite.id),
        stage: Set(app.stage.clone()),
        sent_by: Set(Some(actor)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kernel::db::violates(&e, "application_quizzes_once") {
            HireError::QuizAlreadySent
        } else {
            HireError::Db(e)
        }
    })?;
    txn.commit().await?;
    tracing::info!(application = %application_id, quiz = %req.quiz_id, invite = %invite.id, "candidate quiz sent");
    Ok(QuizSent {
        id: row.id,
        quiz_id: row.quiz_id,
        invite_id: row.invite_id,
        stage: row.stage,
        url: invite.url,
        expires_at: invite.expires_at,
        created_at: row.created_at,
    })
}

/// The application's quizzes with the candidate's results.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    application_id: Uuid,
) -> Result<Vec<ApplicationQuiz>, HireError> {
    pipeline::find(conn, platform_id, application_id).await?;
    let rows = application_quizzes::Entity::find()
        .filter(application_quizzes::Column::PlatformId.eq(platform_id))
        .filter(application_quizzes::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_quizzes::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let result = lms::service::candidates::result(conn, platform_id, row.invite_id)
            .await
            .map_err(lms_error)?;
        out.push(ApplicationQuiz {
            id: row.id,
            quiz_id: row.quiz_id,
            invite_id: row.invite_id,
            stage: row.stage,
            sent_at: row.created_at,
            state: result.state,
            score: result.score,
            max_score: result.max_score,
            passed: result.passed,
            submitted_at: result.submitted_at,
        });
    }
    Ok(out)
}
