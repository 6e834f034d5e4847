//! Students hand in assignments: text and/or uploaded files of this platform, checked against
//! the assignment's file rules; the late flag and penalty are fixed at hand-in time. A
//! resubmission before the grade supersedes the current version (kept, with its number);
//! after the grade it is refused. Hand-ins of one student are serialised on their enrolment
//! row, and each publishes `assignment.submitted` in its transaction.

use std::collections::HashMap;

use chrono::Utc;
use kernel::Tenant;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
    sea_query::LockType,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::assignments::{
        CriterionScore, GradeDto, NewSubmission, StoredFile, StudentAssignment, SubmissionDto,
    },
    entities::{
        EnrollmentStatus,
        assignment_submissions::{self, SubmissionStatus},
        assignments, enrollments,
    },
    error::LmsError,
    events::AssignmentSubmitted,
    service::{assignments as assignment_service, courses, files},
};

/// The current (not superseded) submission of a student for an assignment.
pub async fn current<C: ConnectionTrait>(
    conn: &C,
    assignment_id: Uuid,
    user_id: Uuid,
) -> Result<Option<assignment_submissions::Model>, LmsError> {
    Ok(assignment_submissions::Entity::find()
        .filter(assignment_submissions::Column::AssignmentId.eq(assignment_id))
        .filter(assignment_submissions::Column::UserId.eq(user_id))
        .filter(assignment_submissions::Column::Status.ne(SubmissionStatus::Superseded))
        .one(conn)
        .await?)
}

/// Checks the files against the assignment's rules and the store; answers them as stored.
async fn checked_files(
    store: &Storage,
    tenant: &Tenant,
    a: &assignments::Model,
    req: &NewSubmission,
) -> Result<Vec<StoredFile>, LmsError> {
    if req.text.is_none() && req.files.is_empty() {
        return Err(LmsError::Invalid(
            "text",
            "hand in a text, files or both".into(),
        ));
    }
    if req.files.len() > usize::try_from(a.max_files).unwrap_or(0) {
        return Err(LmsError::Invalid(
            "files",
            format!("at most {} files may be handed in", a.max_files),
        ));
    }
    let allowed: Vec<String> =
        serde_json::from_value(a.allowed_content_types.clone()).unwrap_or_default();
    let mut out = Vec::with_capacity(req.files.len());
    for (i, f) in req.files.iter().enumerate() {
        let field = format!("files[{i}].key");
        let info = files::stored(store, tenant, &field, &f.key).await?;
        let invalid = |m: String| LmsError::App(kernel::AppError::invalid_field(&field, m));
        let media = info
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !allowed.is_empty() && !allowed.contains(&media) {
            return Err(invalid(format!(
                "a {media} file is not accepted (accepted: {})",
                allowed.join(", ")
            )));
        }
        let size = i64::try_from(info.size).unwrap_or(i64::MAX);
        if a.max_file_bytes.is_some_and(|max| size > max) {
            return Err(invalid(format!(
                "the file has {size} bytes, at most {} are accepted",
                a.max_file_bytes.unwrap_or_default()
            )));
        }
        if out.iter().any(|o: &StoredFile| o.key == f.key) {
            return Err(invalid("is handed in twice".into()));
        }
        out.push(StoredFile {
            key: f.key.clone(),
            name: f
                .name
                .clone()
                .unwrap_or_else(|| f.key.rsplit('/').next().unwrap_or_default().to_owned()),
            size,
            content_type: media,
            url: None,
        });
    }
    Ok(out)
}

/// Hands in a submission for an enrolled student (a new version when one is waiting for its
/// grade; 409 `submission_graded` after the grade, `submission_closed` after the cutoff).
pub async fn submit(
    db: &DatabaseConnection,
    store: &Storage,
    tenant: &Tenant,
    user_id: Uuid,
    course_id: Uuid,
    assignment_id: Uuid,
    req: NewSubmission,
) -> Result<assignment_submissions::Model, LmsError> {
    courses::find(db, tenant.id, course_id).await?;
    let a = assignment_service::find(db, tenant.id, course_id, assignment_id).await?;
    let stored = checked_files(store, tenant, &a, &req).await?;
    let txn = db.begin().await?;
    // one hand-in of a student at a time: the enrolment row is the lock
    enrollments::Entity::find()
        .filter(enrollments::Column::PlatformId.eq(tenant.id))
        .filter(enrollments::Column::UserId.eq(user_id))
        .filter(enrollments::Column::CourseId.eq(course_id))
        .filter(enrollments::Column::Status.eq(EnrollmentStatus::Active))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(LmsError::NotEnrolled)?;
    let now = Utc::now();
    if a.reject_after.is_some_and(|cutoff| now > cutoff) {
        return Err(LmsError::SubmissionClosed);
    }
    let previous = current(&txn, a.id, user_id).await?;
    let version = match &previous {
        Some(p) if p.status == SubmissionStatus::Graded => {
            return Err(LmsError::SubmissionGraded);
        }
        Some(p) => {
            // conditional: a grade committed meanwhile wins over the resubmission
            let replaced = txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE assignment_submissions SET status = 'superseded'
                      WHERE id = $1 AND status = 'submitted'",
                    [p.id.into()],
                ))
                .await?
                .rows_affected();
            if replaced == 0 {
                return Err(LmsError::SubmissionGraded);
            }
            p.version + 1
        }
        None => 1,
    };
    let (late, days_late, penalty) = assignment_service::lateness(&a, now);
    let row = assignment_submissions::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        assignment_id: Set(a.id),
        user_id: Set(user_id),
        version: Set(version),
        status: Set(SubmissionStatus::Submitted),
        text_answer: Set(req.text),
        files: Set(serde_json::to_value(&stored).unwrap_or_default()),
        submitted_at: Set(now),
        late: Set(late),
        days_late: Set(days_late),
        penalty_percent: Set(penalty),
        rubric_scores: Set(None),
        raw_score: Set(None),
        final_score: Set(None),
        feedback: Set(None),
        graded_by: Set(None),
        graded_at: Set(None),
    }
    .insert(&txn)
    .await?;
    jobs::outbox::publish_in(
        &txn,
        tenant,
        &AssignmentSubmitted {
            submission_id: row.id,
            assignment_id: a.id,
            course_id,
            user_id,
            version,
            on_time: !late,
            penalty_percent: penalty,
            submitted_at: now,
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(submission = %row.id, assignment = %a.id, version, late, "assignment submitted");
    Ok(row)
}

/// A submission as a client sees it: files with signed URLs, the grade once graded.
pub async fn dto(
    store: &Storage,
    s: assignment_submissions::Model,
    max_points: i32,
) -> SubmissionDto {
    let mut stored: Vec<StoredFile> = serde_json::from_value(s.files).unwrap_or_default();
    for f in &mut stored {
        f.url = files::signed_url(store, &f.key).await;
    }
    let grade = match (s.status, s.raw_score, s.final_score, s.graded_at) {
        (SubmissionStatus::Graded, Some(raw), Some(fin), Some(at)) => Some(GradeDto {
            scores: s
                .rubric_scores
                .and_then(|v| serde_json::from_value::<Vec<CriterionScore>>(v).ok())
                .unwrap_or_default(),
            raw_score: raw,
            final_score: fin,
            max_points,
            feedback: s.feedback.unwrap_or_default(),
            graded_by: s.graded_by,
            graded_at: at,
        }),
        _ => None,
    };
    SubmissionDto {
        id: s.id,
        assignment_id: s.assignment_id,
        user_id: s.user_id,
        version: s.version,
        status: s.status,
        text: s.text_answer,
        files: stored,
        submitted_at: s.submitted_at,
        late: s.late,
        days_late: s.days_late,
        penalty_percent: s.penalty_percent,
        grade,
    }
}

/// The course's assignments with the student's current submission of each.
pub async fn for_student<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Vec<StudentAssignment>, LmsError> {
    let list = assignment_service::list(conn, platform_id, course_id).await?;
    let ids: Vec<Uuid> = list.iter().map(|a| a.id).collect();
    let mut mine: HashMap<Uuid, assignment_submissions::Model> =
        assignment_submissions::Entity::find()
            .filter(assignment_submissions::Column::AssignmentId.is_in(ids))
            .filter(assignment_submissions::Column::UserId.eq(user_id))
            .filter(assignment_submissions::Column::Status.ne(SubmissionStatus::Superseded))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.assignment_id, s))
            .collect();
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let submission = match mine.remove(&a.id) {
            Some(s) => Some(dto(store, s, a.max_points).await),
            None => None,
        };
        out.push(StudentAssignment {
            assignment: a.into(),
            submission,
        });
    }
    Ok(out)
}

/// Every version a student handed in for an assignment, newest first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
    assignment_id: Uuid,
) -> Result<Vec<SubmissionDto>, LmsError> {
    let a = assignment_service::find(conn, platform_id, course_id, assignment_id).await?;
    let rows = assignment_submissions::Entity::find()
        .filter(assignment_submissions::Column::AssignmentId.eq(a.id))
        .filter(assignment_submissions::Column::UserId.eq(user_id))
        .order_by_desc(assignment_submissions::Column::Version)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        out.push(dto(store, s, a.max_points).await);
    }
    Ok(out)
}
