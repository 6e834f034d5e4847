//! Erasure of a candidate's personal data (DPDP Act; ADR 0056): the candidate row and their
//! applications keep only what the funnel counts need (stages, the stage log, scores, dates);
//! name, email, phone, answers, notes, rating comments, screening texts, transcripts, resumes
//! and recordings go. Audited. Objects are deleted after the transaction commits. The LMS's
//! copy on the candidate's quiz invites (email, name, saved answers) is erased in the same
//! transaction through `lms::service::candidates::erase_invite_personal_data` (ADR 0081).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    HireError,
    dto::applications::Erased,
    entities::{
        application_notes, application_quizzes, application_ratings, candidates,
        interview_scorecards, job_applications, resume_analyses, resume_files, resume_overrides,
        review_requests, voice_interviews,
    },
};

/// Erases the platform's candidate `candidate_id` (404 otherwise; erasing twice is a no-op
/// that answers the same counts).
pub async fn erase_candidate(
    db: &DatabaseConnection,
    storage: &Storage,
    platform_id: Uuid,
    actor: Uuid,
    candidate_id: Uuid,
) -> Result<Erased, HireError> {
    let txn = db.begin().await?;
    let candidate = candidates::Entity::find_by_id(candidate_id)
        .filter(candidates::Column::PlatformId.eq(platform_id))
        .one(&txn)
        .await?
        .ok_or(HireError::NotFound("candidate"))?;
    let apps = job_applications::Entity::find()
        .filter(job_applications::Column::PlatformId.eq(platform_id))
        .filter(job_applications::Column::CandidateId.eq(candidate_id))
        .all(&txn)
        .await?;
    let app_ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
    let resume_ids: Vec<Uuid> = apps.iter().filter_map(|a| a.resume_file_id).collect();
    let now = Utc::now();

    let mut candidate_row: candidates::ActiveModel = candidate.into();
    candidate_row.email_canonical = Set(format!("erased+{candidate_id}@erased.invalid"));
    candidate_row.phone_canonical = Set(None);
    candidate_row.full_name = Set("[erased]".into());
    candidate_row.erased_at = Set(Some(now));
    candidate_row.updated_at = Set(now);
    candidate_row.update(&txn).await?;

    let mut objects: Vec<String> = Vec::new();
    let mut invites: u64 = 0;
    for app in apps {
        let id = app.id;
        let mut row: job_applications::ActiveModel = app.into();
        row.email_canonical = Set(format!("erased+{id}@erased.invalid"));
        row.full_name = Set("[erased]".into());
        row.answers = Set(json!({}));
        row.resume_filename = Set("erased".into());
        row.resume_file_id = Set(None);
        row.erased_at = Set(Some(now));
        row.review_token_sha256 = Set(None);
        row.update(&txn).await?;
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "DELETE FROM talent_profiles WHERE application_id = $1",
            [id.into()],
        ))
        .await?;
    }
    if !app_ids.is_empty() {
        application_notes::Entity::delete_many()
            .filter(application_notes::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        application_ratings::Entity::update_many()
            .col_expr(application_ratings::Column::Comment, Expr::value(""))
            .filter(application_ratings::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        interview_scorecards::Entity::update_many()
            .col_expr(interview_scorecards::Column::Notes, Expr::value(""))
            .filter(interview_scorecards::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        review_requests::Entity::update_many()
            .col_expr(review_requests::Column::Reason, Expr::value("[erased]"))
            .filter(review_requests::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        review_requests::Entity::update_many()
            .col_expr(review_requests::Column::Resolution, Expr::value("[erased]"))
            .filter(review_requests::Column::ApplicationId.is_in(app_ids.clone()))
            .filter(review_requests::Column::Resolution.is_not_null())
            .exec(&txn)
            .await?;
        resume_overrides::Entity::update_many()
            .col_expr(resume_overrides::Column::Reason, Expr::value("[erased]"))
            .filter(resume_overrides::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        // the LMS's copy: email and name on the quiz invites, the candidate's saved answers
        let invite_ids: Vec<Uuid> = application_quizzes::Entity::find()
            .filter(application_quizzes::Column::PlatformId.eq(platform_id))
            .filter(application_quizzes::Column::ApplicationId.is_in(app_ids.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|q| q.invite_id)
            .collect();
        invites =
            lms::service::candidates::erase_invite_personal_data(&txn, platform_id, &invite_ids)
                .await
                .map_err(|e| HireError::App(e.into()))?;
        resume_analyses::Entity::update_many()
            .col_expr(resume_analyses::Column::Summary, Expr::value(""))
            .col_expr(resume_analyses::Column::Criteria, Expr::value(json!([])))
            .col_expr(resume_analyses::Column::Strengths, Expr::value(json!([])))
            .col_expr(resume_analyses::Column::Gaps, Expr::value(json!([])))
            .filter(resume_analyses::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
        let calls = voice_interviews::Entity::find()
            .filter(voice_interviews::Column::ApplicationId.is_in(app_ids.clone()))
            .all(&txn)
            .await?;
        objects.extend(calls.iter().filter_map(|c| c.recording_key.clone()));
        voice_interviews::Entity::update_many()
            .col_expr(
                voice_interviews::Column::Transcript,
                Expr::value(Option::<serde_json::Value>::None),
            )
            .col_expr(
                voice_interviews::Column::Evaluation,
                Expr::value(Option::<serde_json::Value>::None),
            )
            .col_expr(
                voice_interviews::Column::RecordingKey,
                Expr::value(Option::<String>::None),
            )
            .filter(voice_interviews::Column::ApplicationId.is_in(app_ids.clone()))
            .exec(&txn)
            .await?;
    }
    // a resume goes when no other application still points at the same content
    for resume_id in resume_ids {
        let still_used = job_applications::Entity::find()
            .filter(job_applications::Column::ResumeFileId.eq(resume_id))
            .one(&txn)
            .await?
            .is_some();
        if still_used {
            continue;
        }
        if let Some(file) = resume_files::Entity::find_by_id(resume_id)
            .one(&txn)
            .await?
        {
            objects.push(file.storage_key.clone());
            resume_files::Entity::delete_by_id(file.id)
                .exec(&txn)
                .await?;
        }
    }
    kernel::audit::record(
        &txn,
        kernel::audit::Audit::new(
            platform_id,
            Some(actor),
            "candidate.erase",
            "candidate",
            candidate_id,
        )
        .after(json!({"applications": app_ids.len(), "objects": objects.len(), "quiz_invites": invites})),
    )
    .await?;
    txn.commit().await?;
    for key in &objects {
        match ObjectKey::parse(key) {
            Ok(key) => {
                if let Err(e) = storage.delete(&key).await {
                    tracing::warn!(candidate = %candidate_id, error = %e, "an erased object could not be deleted");
                }
            }
            Err(e) => {
                tracing::warn!(candidate = %candidate_id, error = %e, "an erased object's key is malformed")
            }
        }
    }
    tracing::info!(candidate = %candidate_id, applications = app_ids.len(), "candidate erased");
    Ok(Erased {
        candidate_id,
        applications: app_ids.len(),
        objects_deleted: objects.len(),
    })
}
