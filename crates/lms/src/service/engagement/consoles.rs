//! The students-at-risk consoles: the batch lead's (their batches only), the super mentor's
//! (every batch of the platform) and the community manager's cohorts; students' score history;
//! interventions with their outcome. A batch lead asking about a student outside their
//! batches gets 403 `forbidden` (the crate's rule, as for grading); a student of another
//! platform is 404.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{
    dto::risk::{
        Cohort, Intervention, InterventionUpdate, NewIntervention, RiskDay, RiskPart,
        StudentFilter, StudentRisk, StudentRiskHistory,
    },
    error::LmsError,
};

/// Whose students the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Every batch of the platform (admin, super mentor, community manager).
    All,
    /// The batches this user leads.
    LeadOf(Uuid),
}

impl Viewer {
    fn lead(self) -> Option<Uuid> {
        match self {
            Self::All => None,
            Self::LeadOf(u) => Some(u),
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct Row {
    user_id: Uuid,
    full_name: String,
    course_id: Uuid,
    course_title: String,
    batch_id: Option<Uuid>,
    batch_name: Option<String>,
    score: Option<i32>,
    parts: Option<serde_json::Value>,
    day: Option<chrono::NaiveDate>,
    week_before: Option<i32>,
    xp: i64,
    open_interventions: i64,
}

fn parts_of(v: Option<serde_json::Value>) -> Vec<RiskPart> {
    v.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Active students the viewer sees with their latest score, riskiest first.
pub async fn students<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    filter: &StudentFilter,
) -> Result<Vec<StudentRisk>, LmsError> {
    let at_risk = crate::settings::RISK_AT_RISK_SCORE
        .int_value(conn, platform_id)
        .await?;
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT e.user_id, u.full_name, e.course_id, c.title AS course_title, e.batch_id,
                b.name AS batch_name, r.score, r.parts, r.day, wb.score AS week_before,
                (SELECT coalesce(sum(x.points), 0) FROM xp_ledger x
                  WHERE x.platform_id = e.platform_id AND x.user_id = e.user_id)::bigint AS xp,
                (SELECT count(*) FROM student_interventions i
                  WHERE i.platform_id = e.platform_id AND i.user_id = e.user_id
                    AND i.course_id = e.course_id AND i.outcome = 'pending')::bigint AS open_interventions
           FROM enrollments e
           JOIN users u ON u.id = e.user_id
           JOIN courses c ON c.id = e.course_id
           LEFT JOIN batches b ON b.id = e.batch_id
           LEFT JOIN LATERAL (
                SELECT score, parts, day FROM student_risk_scores s
                 WHERE s.platform_id = e.platform_id AND s.user_id = e.user_id AND s.course_id = e.course_id
                 ORDER BY day DESC LIMIT 1) r ON true
           LEFT JOIN LATERAL (
                SELECT score FROM student_risk_scores s
                 WHERE s.platform_id = e.platform_id AND s.user_id = e.user_id AND s.course_id = e.course_id
                   AND s.day <= r.day - 7
                 ORDER BY day DESC LIMIT 1) wb ON true
          WHERE e.platform_id = $1 AND e.status = 'active'
            AND ($2::uuid IS NULL OR b.batch_lead_id = $2)
            AND ($3::uuid IS NULL OR e.batch_id = $3)
            AND ($4::int IS NULL OR r.score >= $4)
          ORDER BY r.score DESC NULLS LAST, u.full_name, e.user_id
          LIMIT $5",
        [
            platform_id.into(),
            viewer.lead().into(),
            filter.batch_id.into(),
            filter.min_score.into(),
            filter.limit.unwrap_or(200).into(),
        ],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StudentRisk {
            user_id: r.user_id,
            full_name: r.full_name,
            course_id: r.course_id,
            course_title: r.course_title,
            batch_id: r.batch_id,
            batch_name: r.batch_name,
            risk_score: r.score,
            at_risk: r.score.is_some_and(|s| i64::from(s) >= at_risk),
            scored_on: r.day,
            trend: r.score.zip(r.week_before).map(|(s, w)| s - w),
            reasons: parts_of(r.parts)
                .into_iter()
                .filter(|p| p.value > 0 && p.weight > 0)
                .collect(),
            xp: r.xp,
            open_interventions: r.open_interventions,
        })
        .collect())
}

/// Checks the viewer may act on the student's enrolment in the course; answers its batch.
pub(crate) async fn enrolment_batch<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    user_id: Uuid,
    course_id: Option<Uuid>,
) -> Result<Option<Uuid>, LmsError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT e.batch_id, b.batch_lead_id FROM enrollments e
               LEFT JOIN batches b ON b.id = e.batch_id
              WHERE e.platform_id = $1 AND e.user_id = $2 AND ($3::uuid IS NULL OR e.course_id = $3)",
            [platform_id.into(), user_id.into(), course_id.into()],
        ))
        .await?;
    if rows.is_empty() {
        return Err(LmsError::NotFound("enrolment"));
    }
    let mut batch = None;
    let mut allowed = viewer == Viewer::All;
    for r in rows {
        let b: Option<Uuid> = r.try_get("", "batch_id")?;
        let lead: Option<Uuid> = r.try_get("", "batch_lead_id")?;
        batch = batch.or(b);
        if viewer.lead().is_some() && lead == viewer.lead() {
            allowed = true;
        }
    }
    if allowed {
        Ok(batch)
    } else {
        Err(LmsError::Forbidden(
            "this student is not in a batch you lead".into(),
        ))
    }
}

#[derive(Debug, FromQueryResult)]
struct DayRow {
    course_id: Uuid,
    day: chrono::NaiveDate,
    score: i32,
    parts: serde_json::Value,
}

const INTERVENTION_COLUMNS: &str = "id, user_id, course_id, batch_id, kind, note, outcome, outcome_note, \
     risk_score_at, created_by, created_at, resolved_at";

/// The courses of the student's enrolments whose batch `lead` leads (the condition on
/// `course_id` for `$1` platform, `$2` student, `$3` lead; no lead: every course).
const LED_COURSES: &str = "($3::uuid IS NULL OR course_id IN (
        SELECT e.course_id FROM enrollments e JOIN batches b ON b.id = e.batch_id
         WHERE e.platform_id = $1 AND e.user_id = $2 AND b.batch_lead_id = $3))";

/// A student's score history (60 days, newest first) and interventions. A batch lead sees
/// only the courses whose enrolment is in a batch they lead (not the student's other
/// courses, nor their interventions and notes).
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    user_id: Uuid,
) -> Result<StudentRiskHistory, LmsError> {
    enrolment_batch(conn, platform_id, viewer, user_id, None).await?;
    let days = DayRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT course_id, day, score, parts FROM student_risk_scores
              WHERE platform_id = $1 AND user_id = $2 AND {LED_COURSES} AND day > $4
              ORDER BY day DESC, course_id"
        ),
        [
            platform_id.into(),
            user_id.into(),
            viewer.lead().into(),
            (super::risk::ist_day(Utc::now()) - chrono::Duration::days(60)).into(),
        ],
    ))
    .all(conn)
    .await?;
    let interventions = Intervention::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {INTERVENTION_COLUMNS} FROM student_interventions
              WHERE platform_id = $1 AND user_id = $2 AND {LED_COURSES}
              ORDER BY created_at DESC, id LIMIT 100"
        ),
        [platform_id.into(), user_id.into(), viewer.lead().into()],
    ))
    .all(conn)
    .await?;
    Ok(StudentRiskHistory {
        user_id,
        history: days
            .into_iter()
            .map(|d| RiskDay {
                course_id: d.course_id,
                day: d.day,
                score: d.score,
                parts: parts_of(Some(d.parts)),
            })
            .collect(),
        interventions,
    })
}

/// Logs an intervention about a student the viewer may act on (pending until its outcome).
pub async fn create_intervention<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    by: Uuid,
    req: &NewIntervention,
) -> Result<Intervention, LmsError> {
    let batch =
        enrolment_batch(conn, platform_id, viewer, req.user_id, Some(req.course_id)).await?;
    Intervention::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO student_interventions (id, platform_id, user_id, course_id, batch_id, kind, note,
                                                risk_score_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7,
                     (SELECT score FROM student_risk_scores WHERE platform_id = $2 AND user_id = $3
                         AND course_id = $4 ORDER BY day DESC LIMIT 1), $8)
             RETURNING {INTERVENTION_COLUMNS}"
        ),
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            req.user_id.into(),
            req.course_id.into(),
            batch.into(),
            req.kind.as_str().into(),
            req.note.as_str().into(),
            by.into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or(LmsError::NotFound("intervention"))
}

/// Records an intervention's outcome (the viewer must be able to act on its student).
pub async fn update_intervention<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    id: Uuid,
    req: &InterventionUpdate,
) -> Result<Intervention, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT user_id, course_id FROM student_interventions WHERE platform_id = $1 AND id = $2",
            [platform_id.into(), id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("intervention"))?;
    let user_id: Uuid = row.try_get("", "user_id")?;
    let course_id: Uuid = row.try_get("", "course_id")?;
    enrolment_batch(conn, platform_id, viewer, user_id, Some(course_id)).await?;
    Intervention::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE student_interventions
                SET outcome = $3, outcome_note = $4, updated_at = now(),
                    resolved_at = CASE WHEN $3 = 'pending' THEN NULL ELSE coalesce(resolved_at, now()) END
              WHERE platform_id = $1 AND id = $2
              RETURNING {INTERVENTION_COLUMNS}"
        ),
        [
            platform_id.into(),
            id.into(),
            req.outcome.as_str().into(),
            req.outcome_note.as_str().into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or(LmsError::NotFound("intervention"))
}

/// Every batch of the platform with its students' latest risk (community manager).
pub async fn cohorts<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Vec<Cohort>, LmsError> {
    let at_risk = crate::settings::RISK_AT_RISK_SCORE
        .int_value(conn, platform_id)
        .await?;
    Ok(Cohort::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT b.id AS batch_id, b.name, b.course_id, c.title AS course_title, b.starts_on,
                count(e.id)::bigint AS students, count(r.score)::bigint AS scored,
                (count(*) FILTER (WHERE r.score >= $2))::bigint AS at_risk,
                avg(r.score)::float8 AS mean_risk,
                avg((SELECT coalesce(sum(x.points), 0) FROM xp_ledger x
                      WHERE x.platform_id = b.platform_id AND x.user_id = e.user_id))::float8 AS mean_xp
           FROM batches b
           JOIN courses c ON c.id = b.course_id
           LEFT JOIN enrollments e ON e.batch_id = b.id AND e.status = 'active'
           LEFT JOIN LATERAL (
                SELECT score FROM student_risk_scores s
                 WHERE s.platform_id = b.platform_id AND s.user_id = e.user_id AND s.course_id = b.course_id
                 ORDER BY day DESC LIMIT 1) r ON true
          WHERE b.platform_id = $1
          GROUP BY b.id, c.title
          ORDER BY b.starts_on DESC, b.name, b.id
          LIMIT 500",
        [platform_id.into(), at_risk.into()],
    ))
    .all(conn)
    .await?)
}

/// Checks a batch is on the platform (404 otherwise).
pub async fn batch_exists<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    batch_id: Uuid,
) -> Result<(), LmsError> {
    conn.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 AS one FROM batches WHERE platform_id = $1 AND id = $2",
        [platform_id.into(), batch_id.into()],
    ))
    .await?
    .map(|_| ())
    .ok_or(LmsError::NotFound("batch"))
}
