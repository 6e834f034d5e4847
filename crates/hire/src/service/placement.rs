//! The placement score of a student (ADR 0075): a 0-100 weighted mean of what the suite knows
//! about their readiness, each part only when it has data: LMS quiz results (40), graded
//! projects (40) and practice interviews, the Miss Ozone calls ElevenLabs judged successful
//! (20). Read-only; computed when asked.

use chrono::Utc;
use integrations::dto::profile::{PlacementComponent, PlacementSection};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::HireError;

/// Weights of quizzes, projects and interviews.
pub const WEIGHTS: (i32, i32, i32) = (40, 40, 20);

/// The weighted mean of the components with data.
pub fn combine(parts: &[&PlacementComponent]) -> Option<f64> {
    let mut sum = 0.0;
    let mut weight = 0.0;
    for p in parts {
        if let Some(percent) = p.percent {
            sum += percent * f64::from(p.weight);
            weight += f64::from(p.weight);
        }
    }
    (weight > 0.0).then(|| (sum / weight * 10.0).round() / 10.0)
}

/// The student's placement score on the platform.
pub async fn score<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<PlacementSection, HireError> {
    let quizzes = lms::profile::quizzes_section(conn, platform_id, user_id).await?;
    let projects = lms::placement::projects(conn, platform_id, user_id).await?;
    let calls = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*)::bigint AS n,
                    (100.0 * count(*) FILTER (WHERE evaluation->>'call_successful' = 'success')
                       / nullif(count(*), 0))::float8 AS pct
               FROM ozone_calls
              WHERE platform_id = $1 AND user_id = $2 AND status = 'completed'
                AND evaluation IS NOT NULL",
            [platform_id.into(), user_id.into()],
        ))
        .await?;
    let (n, pct) = match calls {
        Some(r) => (
            r.try_get::<i64>("", "n")?,
            r.try_get::<Option<f64>>("", "pct")?,
        ),
        None => (0, None),
    };
    let round = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
    let quizzes = PlacementComponent {
        percent: round(quizzes.average_percent),
        count: quizzes.attempts,
        weight: WEIGHTS.0,
    };
    let projects = PlacementComponent {
        percent: round(projects.average_percent),
        count: projects.graded,
        weight: WEIGHTS.1,
    };
    let interviews = PlacementComponent {
        percent: round(pct),
        count: n,
        weight: WEIGHTS.2,
    };
    Ok(PlacementSection {
        score: combine(&[&quizzes, &projects, &interviews]),
        quizzes,
        projects,
        interviews,
        computed_at: Utc::now(),
    })
}

/// Whether `viewer` may see `student`'s score: themself, HR or an admin, or the lead of a
/// batch the student is in.
pub async fn may_view<C: ConnectionTrait>(
    conn: &C,
    viewer: &kernel::auth::AuthUser,
    student: Uuid,
) -> Result<bool, HireError> {
    use kernel::auth::Capability;
    if viewer.id == student || viewer.can(Capability::Hr) {
        return Ok(true);
    }
    if viewer.can(Capability::BatchLead) {
        return Ok(
            lms::placement::leads_student(conn, viewer.tenant.id, viewer.id, student).await?,
        );
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_components_with_data_count() {
        let q = PlacementComponent {
            percent: Some(80.0),
            count: 3,
            weight: 40,
        };
        let p = PlacementComponent {
            percent: None,
            count: 0,
            weight: 40,
        };
        let i = PlacementComponent {
            percent: Some(50.0),
            count: 2,
            weight: 20,
        };
        assert_eq!(combine(&[&q, &p, &i]), Some(70.0));
        assert_eq!(combine(&[&p]), None);
    }
}
