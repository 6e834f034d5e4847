//! The talent pool and the salary benchmark. The pool is past applicants whose talent-pool
//! consent is live (until its end, not expired, not erased), searchable by the skills,
//! experience and location they declared (and the job's skills and location) and by score.
//! The benchmark is refreshed every 15 days (`salaryBenchmarkQueue`): per role (the job title,
//! normalised) and location, the 25th, 50th and 75th percentiles of our own offers and
//! placements (the salary range midpoint of each application that reached `offer` or `hired`)
//! and of the platform's configured data points.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kernel::{audit, tenant::Tenant};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    HireError,
    dto::talent::{Benchmark, SalarySource, SalarySources, TalentItem, TalentQuery},
};

#[derive(FromQueryResult)]
struct TalentRow {
    application_id: Uuid,
    candidate_id: Uuid,
    full_name: String,
    email: String,
    phone: Option<String>,
    post_title: String,
    skills: Option<Value>,
    experience_years: Option<i32>,
    location: Option<String>,
    score: Option<i32>,
    talent_pool_until: DateTime<Utc>,
    applied_at: DateTime<Utc>,
}

/// A page of the pool (`limit + 1` rows), newest applications first.
pub async fn search<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    q: &TalentQuery,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<TalentItem>, HireError> {
    let mut sql = String::from(
        "SELECT a.id AS application_id, c.id AS candidate_id, c.full_name,
                c.email_canonical AS email, c.phone_canonical AS phone, p.title AS post_title,
                tp.skills, tp.experience_years, tp.location, a.ai_score AS score,
                ac.talent_pool_until, a.created_at AS applied_at
           FROM application_consents ac
           JOIN job_applications a ON a.id = ac.application_id
           JOIN candidates c ON c.id = a.candidate_id
           JOIN job_posts p ON p.id = a.post_id
           LEFT JOIN talent_profiles tp ON tp.application_id = a.id
          WHERE ac.platform_id = $1 AND ac.talent_pool_until > now()
            AND ac.talent_pool_expired_at IS NULL
            AND a.erased_at IS NULL AND c.erased_at IS NULL",
    );
    let mut values: Vec<sea_orm::Value> = vec![platform_id.into()];
    if let Some(skill) = q.skill.as_deref().map(|s| s.trim().to_lowercase()) {
        values.push(skill.into());
        let n = values.len();
        sql.push_str(&format!(
            " AND (tp.skills ? ${n} OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.skills) s
                                              WHERE lower(s) = ${n}))"
        ));
    }
    if let Some(years) = q.min_experience {
        values.push(years.into());
        sql.push_str(&format!(" AND tp.experience_years >= ${}", values.len()));
    }
    if let Some(place) = q.location.as_deref().map(|s| s.trim().to_lowercase()) {
        values.push(place.into());
        let n = values.len();
        sql.push_str(&format!(
            " AND (strpos(lower(coalesce(tp.location, '')), ${n}) > 0 OR strpos(lower(p.location), ${n}) > 0)"
        ));
    }
    if let Some(score) = q.min_score {
        values.push(score.into());
        sql.push_str(&format!(" AND a.ai_score >= ${}", values.len()));
    }
    if let Some((at, id)) = after {
        values.push(at.into());
        values.push(id.into());
        sql.push_str(&format!(
            " AND (a.created_at, a.id) < (${}, ${})",
            values.len() - 1,
            values.len()
        ));
    }
    values.push(i64::try_from(limit + 1).unwrap_or(101).into());
    sql.push_str(&format!(
        " ORDER BY a.created_at DESC, a.id DESC LIMIT ${}",
        values.len()
    ));
    let rows = TalentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TalentItem {
            application_id: r.application_id,
            candidate_id: r.candidate_id,
            full_name: r.full_name,
            email: r.email,
            phone: r.phone,
            post_title: r.post_title,
            skills: r.skills.as_ref().map(super::strings).unwrap_or_default(),
            experience_years: r.experience_years,
            location: r.location,
            score: r.score,
            talent_pool_until: r.talent_pool_until,
            applied_at: r.applied_at,
        })
        .collect())
}

/// A role's key: lower-cased words of the title, one space apart.
pub fn role_key(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `p`-th percentile (0-100) of sorted values, linearly interpolated.
pub fn percentile(sorted: &[i64], p: f64) -> i64 {
    match sorted.len() {
        0 => 0,
        1 => sorted[0],
        n => {
            let rank = p / 100.0 * (n - 1) as f64;
            let lo = rank.floor() as usize;
            let hi = rank.ceil() as usize;
            let frac = rank - lo as f64;
            (sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac).round() as i64
        }
    }
}

/// The configured data points.
pub async fn sources<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<SalarySources, HireError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT role_key, location, amount_paise, source FROM salary_benchmark_sources
              WHERE platform_id = $1 ORDER BY role_key, location, amount_paise",
            [platform_id.into()],
        ))
        .await?;
    let mut items = Vec::new();
    for r in rows {
        items.push(SalarySource {
            role: r.try_get("", "role_key")?,
            location: r.try_get("", "location")?,
            amount_paise: r.try_get("", "amount_paise")?,
            source: r.try_get("", "source")?,
        });
    }
    Ok(SalarySources { items })
}

/// Replaces the configured data points (audited); the next refresh uses them.
pub async fn put_sources(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    req: SalarySources,
) -> Result<SalarySources, HireError> {
    let txn = db.begin().await?;
    let before = sources(&txn, tenant.id).await?.items.len();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM salary_benchmark_sources WHERE platform_id = $1",
        [tenant.id.into()],
    ))
    .await?;
    for s in &req.items {
        let role = role_key(&s.role);
        if role.is_empty() || role.chars().count() > 200 {
            return Err(HireError::Invalid(
                "items",
                "a role needs letters or digits (at most 200 characters)".into(),
            ));
        }
        // what is stored is trimmed (and the location lower-cased): check that, not the input
        let source = s.source.trim();
        let location = s.location.trim().to_lowercase();
        if source.is_empty() || location.chars().count() > 100 {
            return Err(HireError::Invalid(
                "items",
                "a source needs more than spaces; a location at most 100 characters".into(),
            ));
        }
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO salary_benchmark_sources (id, platform_id, role_key, location, amount_paise, source)
             VALUES ($1, $2, $3, $4, $5, $6)",
            [
                Uuid::now_v7().into(),
                tenant.id.into(),
                role.into(),
                location.into(),
                s.amount_paise.into(),
                source.to_owned().into(),
            ],
        ))
        .await?;
    }
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "salary_sources.replaced",
            "salary_benchmark_sources",
            tenant.id,
        )
        .change(json!({"items": before}), json!({"items": req.items.len()})),
    )
    .await?;
    txn.commit().await?;
    sources(db, tenant.id).await
}

/// Recomputes the platform's benchmark from offers, placements and the configured points:
/// one row per role and location, and per role over every location (`location = ''`).
/// Answers how many rows.
pub async fn refresh<C: ConnectionTrait>(conn: &C, platform_id: Uuid) -> Result<usize, HireError> {
    // (role, location) -> (amounts, own)
    let mut groups: BTreeMap<(String, String), (Vec<i64>, i32)> = BTreeMap::new();
    let own = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT p.title, lower(p.location) AS location,
                    ((coalesce(p.salary_min_paise, p.salary_max_paise)
                      + coalesce(p.salary_max_paise, p.salary_min_paise)) / 2)::bigint AS amount
               FROM job_applications a
               JOIN job_posts p ON p.id = a.post_id
              WHERE a.platform_id = $1
                AND coalesce(p.salary_min_paise, p.salary_max_paise) IS NOT NULL
                AND EXISTS (SELECT 1 FROM application_events e
                             WHERE e.application_id = a.id AND e.to_stage IN ('offer', 'hired'))",
            [platform_id.into()],
        ))
        .await?;
    for r in own {
        let role = role_key(&r.try_get::<String>("", "title")?);
        let location: String = r.try_get("", "location")?;
        let amount: i64 = r.try_get("", "amount")?;
        for key in [
            (role.clone(), location.trim().to_owned()),
            (role.clone(), String::new()),
        ] {
            let g = groups.entry(key).or_default();
            g.0.push(amount);
            g.1 += 1;
        }
    }
    for s in sources(conn, platform_id).await?.items {
        let mut keys = vec![(s.role.clone(), String::new())];
        if !s.location.is_empty() {
            keys.push((s.role.clone(), s.location.clone()));
        }
        for key in keys {
            groups.entry(key).or_default().0.push(s.amount_paise);
        }
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM salary_benchmarks WHERE platform_id = $1",
        [platform_id.into()],
    ))
    .await?;
    let now = Utc::now();
    let count = groups.len();
    for ((role, location), (mut amounts, own)) in groups {
        amounts.sort_unstable();
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO salary_benchmarks (id, platform_id, role_key, location, samples, own_samples,
                                            p25_paise, median_paise, p75_paise, computed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                Uuid::now_v7().into(),
                platform_id.into(),
                role.into(),
                location.into(),
                i32::try_from(amounts.len()).unwrap_or(i32::MAX).into(),
                own.into(),
                percentile(&amounts, 25.0).into(),
                percentile(&amounts, 50.0).into(),
                percentile(&amounts, 75.0).into(),
                now.into(),
            ],
        ))
        .await?;
    }
    Ok(count)
}

/// Refreshes every platform's benchmark (the 15-day job); answers the rows written.
pub async fn refresh_all(db: &DatabaseConnection) -> Result<usize, HireError> {
    let platforms = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM platforms",
        ))
        .await?;
    let mut rows = 0;
    for p in platforms {
        let id: Uuid = p.try_get("", "id")?;
        let txn = db.begin().await?;
        rows += refresh(&txn, id).await?;
        txn.commit().await?;
    }
    Ok(rows)
}

/// The benchmark rows, by role and location; `role` and `location` filter.
pub async fn benchmarks<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    role: Option<&str>,
    location: Option<&str>,
) -> Result<Vec<Benchmark>, HireError> {
    let mut sql = String::from(
        "SELECT role_key, location, samples, own_samples, p25_paise, median_paise, p75_paise,
                computed_at FROM salary_benchmarks WHERE platform_id = $1",
    );
    let mut values: Vec<sea_orm::Value> = vec![platform_id.into()];
    if let Some(role) = role.map(role_key) {
        values.push(role.into());
        sql.push_str(&format!(" AND role_key = ${}", values.len()));
    }
    if let Some(place) = location.map(|l| l.trim().to_lowercase()) {
        values.push(place.into());
        sql.push_str(&format!(" AND location = ${}", values.len()));
    }
    sql.push_str(" ORDER BY role_key, location LIMIT 500");
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(Benchmark {
            role: r.try_get("", "role_key")?,
            location: r.try_get("", "location")?,
            samples: r.try_get("", "samples")?,
            own_samples: r.try_get("", "own_samples")?,
            p25_paise: r.try_get("", "p25_paise")?,
            median_paise: r.try_get("", "median_paise")?,
            p75_paise: r.try_get("", "p75_paise")?,
            computed_at: r.try_get("", "computed_at")?,
        });
    }
    Ok(out)
}

/// Recomputes one platform's benchmark now (audited).
pub async fn refresh_now(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
) -> Result<usize, HireError> {
    let txn = db.begin().await?;
    let rows = refresh(&txn, tenant.id).await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "salary_benchmark.refreshed",
            "salary_benchmarks",
            tenant.id,
        )
        .after(json!({"rows": rows})),
    )
    .await?;
    txn.commit().await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_percentiles() {
        assert_eq!(role_key("  Data-Analyst (SQL) "), "data analyst sql");
        let v = [100, 200, 300, 400, 500];
        assert_eq!(
            (
                percentile(&v, 25.0),
                percentile(&v, 50.0),
                percentile(&v, 75.0)
            ),
            (200, 300, 400)
        );
        assert_eq!(percentile(&[7], 75.0), 7);
        assert_eq!(percentile(&[100, 200], 50.0), 150);
    }
}
