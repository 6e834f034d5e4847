//! Students at risk (ADR 0061): a daily score 0-100 per active enrolment from five parts, each
//! itself 0-100 — missed live classes, low quiz results, late and missing assignments, days
//! without activity, warnings received — weighted by the platform's `RISK_WEIGHT_*` settings.
//! Every stored score keeps its parts (value, weight, contribution, and what it is made of),
//! one row per enrolment and IST day, so the history is the trend. A rerun on the same day
//! replaces that day's row.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::dto::risk::RiskPart;
use crate::{error::LmsError, settings};

/// What one enrolment did in the look-back window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Inputs {
    /// Live classes of the student's course (and batch) that ended in the window.
    pub classes_held: i64,
    /// Of those, attended.
    pub classes_attended: i64,
    /// Quiz attempts graded in the window.
    pub quiz_attempts: i64,
    /// Their mean percentage.
    pub quiz_mean_percent: Option<f64>,
    /// Assignments due in the window.
    pub assignments_due: i64,
    /// Of those, handed in late.
    pub assignments_late: i64,
    /// Of those, not handed in.
    pub assignments_missing: i64,
    /// Whole days since the last activity (or the enrolment).
    pub days_inactive: i64,
    /// Warnings received in the window.
    pub warnings: i64,
}

/// The platform's weights and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    /// Missed classes.
    pub attendance: i64,
    /// Quiz results.
    pub quizzes: i64,
    /// Late and missing assignments.
    pub lateness: i64,
    /// Inactivity.
    pub inactivity: i64,
    /// Warnings.
    pub warnings: i64,
    /// Days of inactivity that count as 100.
    pub inactive_days_max: i64,
    /// Days looked back.
    pub lookback_days: i64,
}

impl Weights {
    /// The weights in force on a platform.
    pub async fn of<C: ConnectionTrait>(conn: &C, platform_id: Uuid) -> Result<Self, LmsError> {
        Ok(Self {
            attendance: settings::RISK_WEIGHT_ATTENDANCE
                .int_value(conn, platform_id)
                .await?,
            quizzes: settings::RISK_WEIGHT_QUIZZES
                .int_value(conn, platform_id)
                .await?,
            lateness: settings::RISK_WEIGHT_LATENESS
                .int_value(conn, platform_id)
                .await?,
            inactivity: settings::RISK_WEIGHT_INACTIVITY
                .int_value(conn, platform_id)
                .await?,
            warnings: settings::RISK_WEIGHT_WARNINGS
                .int_value(conn, platform_id)
                .await?,
            inactive_days_max: settings::RISK_INACTIVE_DAYS_MAX
                .int_value(conn, platform_id)
                .await?,
            lookback_days: settings::RISK_LOOKBACK_DAYS
                .int_value(conn, platform_id)
                .await?,
        })
    }
}

/// `n / d` as a rounded percentage (0 when `d` is 0).
fn percent(n: i64, d: i64) -> i64 {
    if d <= 0 { 0 } else { (200 * n + d) / (2 * d) }
}

/// The score of `inputs` under `weights`, and its parts (largest contribution first).
pub fn score(inputs: &Inputs, weights: &Weights) -> (i64, Vec<RiskPart>) {
    let missed = (inputs.classes_held - inputs.classes_attended).max(0);
    let quizzes = inputs
        .quiz_mean_percent
        .map_or(0, |m| (100.0 - m).clamp(0.0, 100.0).round() as i64);
    let lateness = percent(
        inputs.assignments_late + 2 * inputs.assignments_missing,
        2 * inputs.assignments_due,
    );
    let max_days = weights.inactive_days_max.max(1);
    let inactivity = percent(inputs.days_inactive.clamp(0, max_days), max_days);
    let warnings = percent(inputs.warnings.clamp(0, 3), 3);
    let raw = [
        (
            "attendance",
            percent(missed, inputs.classes_held),
            weights.attendance,
            format!("missed {missed} of {} live classes", inputs.classes_held),
        ),
        (
            "quizzes",
            quizzes,
            weights.quizzes,
            match inputs.quiz_mean_percent {
                Some(m) => format!("mean {m:.0}% over {} quiz attempts", inputs.quiz_attempts),
                None => "no quiz attempts".to_owned(),
            },
        ),
        (
            "lateness",
            lateness,
            weights.lateness,
            format!(
                "{} late and {} missing of {} assignments due",
                inputs.assignments_late, inputs.assignments_missing, inputs.assignments_due
            ),
        ),
        (
            "inactivity",
            inactivity,
            weights.inactivity,
            format!("{} days without activity", inputs.days_inactive.max(0)),
        ),
        (
            "warnings",
            warnings,
            weights.warnings,
            format!("{} warnings", inputs.warnings),
        ),
    ];
    let total: i64 = raw.iter().map(|r| r.2.max(0)).sum();
    let weighted: i64 = raw.iter().map(|r| r.1 * r.2.max(0)).sum();
    let score = if total == 0 {
        0
    } else {
        (2 * weighted + total) / (2 * total)
    };
    let mut parts: Vec<RiskPart> = raw
        .into_iter()
        .map(|(part, value, weight, detail)| RiskPart {
            part: part.to_owned(),
            value,
            weight,
            contribution: if total == 0 {
                0.0
            } else {
                ((value * weight.max(0)) as f64 / total as f64 * 10.0).round() / 10.0
            },
            detail,
        })
        .collect();
    parts.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    (score, parts)
}

#[derive(Debug, FromQueryResult)]
struct Row {
    user_id: Uuid,
    course_id: Uuid,
    batch_id: Option<Uuid>,
    classes_held: i64,
    classes_attended: i64,
    quiz_attempts: i64,
    quiz_mean_percent: Option<f64>,
    assignments_due: i64,
    assignments_late: i64,
    assignments_missing: i64,
    last_activity: DateTime<Utc>,
    warnings: i64,
}

/// The inputs of every active enrolment of the platform, in one statement.
const INPUTS: &str = "
WITH en AS (
    SELECT e.user_id, e.course_id, e.batch_id, e.created_at
      FROM enrollments e WHERE e.platform_id = $1 AND e.status = 'active'),
cls AS (
    SELECT en.user_id, en.course_id, count(lc.id) AS held, count(a.user_id) AS attended
      FROM en JOIN live_classes lc ON lc.course_id = en.course_id
                 AND (lc.batch_id IS NULL OR lc.batch_id = en.batch_id)
                 AND lc.ends_at <= $2 AND lc.ends_at > $3 AND lc.ends_at > en.created_at
      LEFT JOIN live_class_attendance a ON a.live_class_id = lc.id AND a.user_id = en.user_id
     GROUP BY en.user_id, en.course_id),
qz AS (
    SELECT en.user_id, en.course_id, count(*) AS attempts,
           avg(100.0 * qa.score / nullif(qa.max_score, 0)) AS mean
      FROM en JOIN quizzes q ON q.course_id = en.course_id
      JOIN quiz_attempts qa ON qa.quiz_id = q.id AND qa.user_id = en.user_id
                           AND qa.status <> 'in_progress' AND qa.submitted_at > $3 AND qa.submitted_at <= $2
     GROUP BY en.user_id, en.course_id),
asg AS (
    SELECT en.user_id, en.course_id, count(*) AS due,
           count(*) FILTER (WHERE s.late) AS late, count(*) FILTER (WHERE s.id IS NULL) AS missing
      FROM en JOIN assignments a ON a.course_id = en.course_id
                AND a.due_at > $3 AND a.due_at <= $2 AND a.due_at > en.created_at
      LEFT JOIN assignment_submissions s ON s.assignment_id = a.id AND s.user_id = en.user_id
                                        AND s.status <> 'superseded'
     GROUP BY en.user_id, en.course_id),
act AS (
    SELECT user_id, course_id, max(at) AS last FROM (
        SELECT p.user_id, p.course_id, p.completed_at AS at FROM item_progress p WHERE p.platform_id = $1
        UNION ALL
        SELECT qa.user_id, q.course_id, qa.submitted_at FROM quiz_attempts qa JOIN quizzes q ON q.id = qa.quiz_id
         WHERE qa.platform_id = $1 AND qa.user_id IS NOT NULL AND qa.submitted_at IS NOT NULL
        UNION ALL
        SELECT s.user_id, a.course_id, s.submitted_at FROM assignment_submissions s
          JOIN assignments a ON a.id = s.assignment_id WHERE s.platform_id = $1
        UNION ALL
        SELECT at.user_id, lc.course_id, at.joined_at FROM live_class_attendance at
          JOIN live_classes lc ON lc.id = at.live_class_id WHERE at.platform_id = $1
    ) x WHERE at <= $2 GROUP BY user_id, course_id),
wr AS (
    SELECT en.user_id, en.course_id, count(w.id) AS n
      FROM en JOIN student_warnings w ON w.platform_id = $1 AND w.user_id = en.user_id
                 AND (w.course_id IS NULL OR w.course_id = en.course_id)
                 AND w.created_at > $3 AND w.created_at <= $2
     GROUP BY en.user_id, en.course_id)
SELECT en.user_id, en.course_id, en.batch_id,
       coalesce(cls.held, 0)::bigint AS classes_held, coalesce(cls.attended, 0)::bigint AS classes_attended,
       coalesce(qz.attempts, 0)::bigint AS quiz_attempts, qz.mean::float8 AS quiz_mean_percent,
       coalesce(asg.due, 0)::bigint AS assignments_due, coalesce(asg.late, 0)::bigint AS assignments_late,
       coalesce(asg.missing, 0)::bigint AS assignments_missing,
       greatest(en.created_at, coalesce(act.last, en.created_at)) AS last_activity,
       coalesce(wr.n, 0)::bigint AS warnings
  FROM en
  LEFT JOIN cls ON cls.user_id = en.user_id AND cls.course_id = en.course_id
  LEFT JOIN qz ON qz.user_id = en.user_id AND qz.course_id = en.course_id
  LEFT JOIN asg ON asg.user_id = en.user_id AND asg.course_id = en.course_id
  LEFT JOIN act ON act.user_id = en.user_id AND act.course_id = en.course_id
  LEFT JOIN wr ON wr.user_id = en.user_id AND wr.course_id = en.course_id";

/// The IST day of `now` (the day a score is filed under).
pub fn ist_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Kolkata).date_naive()
}

/// Scores every active enrolment of the platform at `now` and files them under the IST day;
/// returns how many were written.
pub async fn compute_platform(
    db: &DatabaseConnection,
    platform_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, LmsError> {
    let weights = Weights::of(db, platform_id).await?;
    let from = now - Duration::days(weights.lookback_days);
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        INPUTS,
        [platform_id.into(), now.into(), from.into()],
    ))
    .all(db)
    .await?;
    let day = ist_day(now);
    let total = rows.len();
    for chunk in rows.chunks(1000) {
        let mut users = Vec::with_capacity(chunk.len());
        let mut courses = Vec::with_capacity(chunk.len());
        let mut batches = Vec::with_capacity(chunk.len());
        let mut scores = Vec::with_capacity(chunk.len());
        let mut parts = Vec::with_capacity(chunk.len());
        for r in chunk {
            let inputs = Inputs {
                classes_held: r.classes_held,
                classes_attended: r.classes_attended,
                quiz_attempts: r.quiz_attempts,
                quiz_mean_percent: r.quiz_mean_percent,
                assignments_due: r.assignments_due,
                assignments_late: r.assignments_late,
                assignments_missing: r.assignments_missing,
                days_inactive: (now - r.last_activity).num_days(),
                warnings: r.warnings,
            };
            let (s, p) = score(&inputs, &weights);
            users.push(r.user_id);
            courses.push(r.course_id);
            batches.push(r.batch_id.unwrap_or(Uuid::nil()));
            scores.push(i32::try_from(s).unwrap_or(100));
            parts.push(serde_json::to_string(&p).unwrap_or_else(|_| "[]".into()));
        }
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO student_risk_scores (id, platform_id, user_id, course_id, batch_id, day, score, parts, computed_at)
             SELECT gen_random_uuid(), $1, u, c, nullif(b, '00000000-0000-0000-0000-000000000000'::uuid), $2, s, p::jsonb, $3
               FROM unnest($4::uuid[], $5::uuid[], $6::uuid[], $7::int[], $8::text[]) AS t(u, c, b, s, p)
             ON CONFLICT ON CONSTRAINT student_risk_scores_day_unique DO UPDATE
                SET score = EXCLUDED.score, parts = EXCLUDED.parts, batch_id = EXCLUDED.batch_id,
                    computed_at = EXCLUDED.computed_at",
            [
                platform_id.into(),
                day.into(),
                now.into(),
                users.into(),
                courses.into(),
                batches.into(),
                scores.into(),
                parts.into(),
            ],
        ))
        .await?;
    }
    Ok(total)
}

/// Runs [`compute_platform`] for every platform with enrolments.
pub async fn compute_all(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, LmsError> {
    let platforms = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT platform_id FROM enrollments WHERE status = 'active'",
        ))
        .await?;
    let mut total = 0;
    for row in platforms {
        total += compute_platform(db, row.try_get("", "platform_id")?, now).await?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Weights = Weights {
        attendance: 30,
        quizzes: 20,
        lateness: 20,
        inactivity: 20,
        warnings: 10,
        inactive_days_max: 14,
        lookback_days: 28,
    };

    #[test]
    fn a_hand_computed_score() {
        let inputs = Inputs {
            classes_held: 4,
            classes_attended: 1,
            quiz_attempts: 2,
            quiz_mean_percent: Some(40.0),
            assignments_due: 2,
            assignments_late: 1,
            assignments_missing: 1,
            days_inactive: 7,
            warnings: 1,
        };
        // attendance 75, quizzes 60, lateness (1 + 2) / 4 = 75, inactivity 50, warnings 33:
        // (75×30 + 60×20 + 75×20 + 50×20 + 33×10) / 100 = 62.8 -> 63.
        let (s, parts) = score(&inputs, &W);
        assert_eq!(s, 63);
        assert_eq!(parts[0].part, "attendance");
        assert_eq!(parts[0].contribution, 22.5);
        assert_eq!(parts[0].detail, "missed 3 of 4 live classes");
        let values: Vec<(String, i64)> = parts.iter().map(|p| (p.part.clone(), p.value)).collect();
        assert!(values.contains(&("warnings".into(), 33)));
        assert!(values.contains(&("lateness".into(), 75)));
    }

    #[test]
    fn nothing_to_judge_is_no_risk_and_zero_weights_are_zero() {
        assert_eq!(score(&Inputs::default(), &W).0, 0);
        let zero = Weights {
            attendance: 0,
            quizzes: 0,
            lateness: 0,
            inactivity: 0,
            warnings: 0,
            ..W
        };
        let inputs = Inputs {
            days_inactive: 100,
            ..Inputs::default()
        };
        assert_eq!(score(&inputs, &zero).0, 0);
        assert_eq!(score(&inputs, &W).0, 20);
    }
}
