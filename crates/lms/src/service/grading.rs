//! Grading: an admin, or the batch lead of the student's batch in the course (anyone else
//! 403), scores the current submission — per rubric criterion (each criterion once, at most
//! its points) or with one number when the assignment has no rubric — and the late penalty
//! fixed at hand-in time gives the final score. A grade may be changed; the student sees it
//! with the feedback.

use std::collections::HashMap;

use chrono::Utc;
use kernel::{AppError, auth::AuthUser};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
    sea_query::LockType,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::assignments::{
        CriterionScore, GradeRequest, GraderSubmission, RubricCriterion, SubmissionDto,
    },
    entities::{
        assignment_submissions::{self, SubmissionStatus},
        assignments,
    },
    error::LmsError,
    service::{assignments as assignment_service, submissions},
};

/// A student's place in a course: name, email, batch and the batch's lead.
struct Seat {
    name: String,
    email: String,
    batch_id: Option<Uuid>,
    lead_id: Option<Uuid>,
}

async fn seats<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    user_ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Seat>, LmsError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT u.id, u.full_name, u.email, e.batch_id, b.batch_lead_id
               FROM users u
               LEFT JOIN enrollments e ON e.user_id = u.id AND e.course_id = $2 AND e.platform_id = $1
               LEFT JOIN batches b ON b.id = e.batch_id
              WHERE u.platform_id = $1
                AND u.id IN (SELECT jsonb_array_elements_text($3::jsonb)::uuid)",
            [
                platform_id.into(),
                course_id.into(),
                serde_json::json!(user_ids).into(),
            ],
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        out.insert(
            r.try_get::<Uuid>("", "id")?,
            Seat {
                name: r.try_get("", "full_name")?,
                email: r.try_get("", "email")?,
                batch_id: r.try_get("", "batch_id")?,
                lead_id: r.try_get("", "batch_lead_id")?,
            },
        );
    }
    Ok(out)
}

fn may_grade(grader: &AuthUser, seat: Option<&Seat>) -> bool {
    grader.role.is_admin() || seat.is_some_and(|s| s.lead_id == Some(grader.id))
}

/// The assignment `id` of the platform (any course).
async fn assignment<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<assignments::Model, LmsError> {
    assignments::Entity::find_by_id(id)
        .filter(assignments::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("assignment"))
}

/// Scores checked against the rubric: every criterion once, at most its points. Answers the
/// scores (in rubric order) and their sum. Errors name the field (`scores[1].points`).
pub fn check_scores(
    rubric: &[RubricCriterion],
    max_points: i32,
    req: &GradeRequest,
) -> Result<(Vec<CriterionScore>, i32), LmsError> {
    let invalid = |field: String, m: String| LmsError::App(AppError::invalid_field(field, m));
    if rubric.is_empty() {
        let points = req.points.ok_or_else(|| {
            LmsError::Invalid("points", "this assignment is graded with points".into())
        })?;
        if points > max_points {
            return Err(LmsError::Invalid(
                "points",
                format!("must be at most {max_points}"),
            ));
        }
        return Ok((Vec::new(), points));
    }
    let scores = req.scores.as_ref().ok_or_else(|| {
        LmsError::Invalid("scores", "this assignment is graded by its rubric".into())
    })?;
    let mut given: HashMap<String, i32> = HashMap::new();
    for (i, s) in scores.iter().enumerate() {
        let key = s.criterion.trim().to_lowercase();
        let Some(c) = rubric.iter().find(|c| c.name.to_lowercase() == key) else {
            return Err(invalid(
                format!("scores[{i}].criterion"),
                format!("the rubric has no criterion {:?}", s.criterion),
            ));
        };
        if s.points > c.points {
            return Err(invalid(
                format!("scores[{i}].points"),
                format!("{:?} is worth at most {} points", c.name, c.points),
            ));
        }
        if given.insert(key, s.points).is_some() {
            return Err(invalid(
                format!("scores[{i}].criterion"),
                format!("{:?} is scored twice", c.name),
            ));
        }
    }
    let mut out = Vec::with_capacity(rubric.len());
    for c in rubric {
        let Some(points) = given.get(&c.name.to_lowercase()) else {
            return Err(LmsError::Invalid(
                "scores",
                format!("criterion {:?} has no score", c.name),
            ));
        };
        out.push(CriterionScore {
            criterion: c.name.clone(),
            points: *points,
        });
    }
    let total = out.iter().map(|s| s.points).sum();
    Ok((out, total))
}

/// Grades (or regrades) a current submission.
pub async fn grade(
    db: &DatabaseConnection,
    store: &Storage,
    grader: &AuthUser,
    submission_id: Uuid,
    req: GradeRequest,
) -> Result<SubmissionDto, LmsError> {
    let platform_id = grader.tenant.id;
    let txn = db.begin().await?;
    let s = assignment_submissions::Entity::find_by_id(submission_id)
        .filter(assignment_submissions::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(LmsError::NotFound("submission"))?;
    let a = assignment(&txn, platform_id, s.assignment_id).await?;
    let seat = seats(&txn, platform_id, a.course_id, vec![s.user_id]).await?;
    if !may_grade(grader, seat.get(&s.user_id)) {
        return Err(LmsError::Forbidden(
            "only an admin or the lead of the student's batch may grade this submission".into(),
        ));
    }
    if s.status == SubmissionStatus::Superseded {
        return Err(LmsError::NotFound("submission"));
    }
    let rubric: Vec<RubricCriterion> = serde_json::from_value(a.rubric.clone()).unwrap_or_default();
    let (scores, raw) = check_scores(&rubric, a.max_points, &req)?;
    let final_score = assignment_service::after_penalty(raw, s.penalty_percent);
    let mut active: assignment_submissions::ActiveModel = s.into();
    active.status = Set(SubmissionStatus::Graded);
    active.rubric_scores = Set(Some(serde_json::to_value(&scores).unwrap_or_default()));
    active.raw_score = Set(Some(raw));
    active.final_score = Set(Some(final_score));
    active.feedback = Set(Some(req.feedback));
    active.graded_by = Set(Some(grader.id));
    active.graded_at = Set(Some(Utc::now()));
    let row = active.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(submission = %row.id, raw, final_score, "submission graded");
    Ok(submissions::dto(store, row, a.max_points).await)
}

/// The current submissions of an assignment the grader may grade (an admin: all; a batch
/// lead: the students of the batches they lead), oldest first.
pub async fn list(
    db: &DatabaseConnection,
    store: &Storage,
    grader: &AuthUser,
    assignment_id: Uuid,
) -> Result<Vec<GraderSubmission>, LmsError> {
    let platform_id = grader.tenant.id;
    let a = assignment(db, platform_id, assignment_id).await?;
    let rows = assignment_submissions::Entity::find()
        .filter(assignment_submissions::Column::AssignmentId.eq(a.id))
        .filter(assignment_submissions::Column::Status.ne(SubmissionStatus::Superseded))
        .order_by_asc(assignment_submissions::Column::SubmittedAt)
        .order_by_asc(assignment_submissions::Column::Id)
        .all(db)
        .await?;
    let mut seats = seats(
        db,
        platform_id,
        a.course_id,
        rows.iter().map(|s| s.user_id).collect(),
    )
    .await?;
    let mut out = Vec::new();
    for s in rows {
        if !may_grade(grader, seats.get(&s.user_id)) {
            continue;
        }
        let seat = seats.remove(&s.user_id);
        out.push(GraderSubmission {
            submission: submissions::dto(store, s, a.max_points).await,
            student_name: seat.as_ref().map(|x| x.name.clone()).unwrap_or_default(),
            student_email: seat.as_ref().map(|x| x.email.clone()).unwrap_or_default(),
            batch_id: seat.and_then(|x| x.batch_id),
        });
    }
    Ok(out)
}
