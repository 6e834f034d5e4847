//! The adverse-impact report (NYC Local Law 144 style): per self-identified group, how many
//! applied to a post and how many ever reached a stage (from the immutable stage log), the
//! selection rate, and the impact ratio against the group with the highest rate (below 0.8
//! fails the four-fifths rule). Groups with fewer than [`SMALL_SAMPLE`] applicants are flagged.
//! Applicants who gave no group count as `undisclosed`.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{
    HireError,
    dto::impact::{ImpactGroup, ImpactReport},
    service::posts,
};

/// Applicants below which a group's rate is flagged as a small sample.
pub const SMALL_SAMPLE: i64 = 30;

#[derive(FromQueryResult)]
struct Row {
    group_label: String,
    applicants: i64,
    selected: i64,
}

/// The report of `post_id` at `stage`.
pub async fn report<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    post_id: Uuid,
    stage: &str,
) -> Result<ImpactReport, HireError> {
    let post = posts::find(conn, platform_id, post_id).await?;
    let stages = crate::service::strings(&post.stages);
    if !stages.iter().any(|s| s == stage) {
        return Err(HireError::Invalid(
            "stage",
            format!("must be one of {}", stages.join(", ")),
        ));
    }
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT COALESCE(d.group_label, 'undisclosed') AS group_label,
                count(*)::bigint AS applicants,
                count(*) FILTER (WHERE EXISTS (
                    SELECT 1 FROM application_events e
                     WHERE e.application_id = a.id AND e.to_stage = $3))::bigint AS selected
           FROM job_applications a
           LEFT JOIN application_demographics d ON d.application_id = a.id
          WHERE a.platform_id = $1 AND a.post_id = $2
          GROUP BY 1 ORDER BY 1",
        [platform_id.into(), post_id.into(), stage.to_owned().into()],
    ))
    .all(conn)
    .await?;
    let rate = |r: &Row| {
        if r.applicants == 0 {
            0.0
        } else {
            r.selected as f64 / r.applicants as f64
        }
    };
    let best = rows.iter().map(rate).fold(0.0_f64, f64::max);
    let groups = rows
        .iter()
        .map(|r| {
            let selection_rate = rate(r);
            let impact_ratio = (best > 0.0).then(|| selection_rate / best);
            ImpactGroup {
                group: r.group_label.clone(),
                applicants: r.applicants,
                selected: r.selected,
                selection_rate,
                impact_ratio,
                below_four_fifths: impact_ratio.is_some_and(|x| x < 0.8),
                small_sample: r.applicants < SMALL_SAMPLE,
            }
        })
        .collect();
    Ok(ImpactReport {
        post_id,
        stage: stage.to_owned(),
        groups,
    })
}
