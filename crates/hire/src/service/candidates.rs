//! Candidates beyond the apply-time deduplication (ADR 0074): duplicate suggestions by name
//! similarity for HR, a merge that moves one candidate's applications to another (audited,
//! recorded with the application ids so an undo moves exactly those back), the candidate's
//! data export (audited), and the retention jobs: voice-interview recordings deleted after
//! `HIRE_RECORDING_RETENTION_DAYS`, talent-pool consents marked expired.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use kernel::{audit, tenant::Tenant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
    sea_query::Expr,
};
use serde_json::{Value, json};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    HireError,
    dto::candidates::{CandidateBrief, CandidateExport, DuplicateSuggestion, MergeView},
    entities::{
        application_events, candidates, job_applications, resume_analyses, voice_interviews,
    },
    service::reviews,
};

/// Names at least this similar are suggested.
pub const SUGGEST_AT: f64 = 0.85;
/// Trigram similarity (`pg_trgm`) below which two names are not compared at all: a blocking
/// bound well under what [`SUGGEST_AT`] needs (one edit in a seven-letter name still shares
/// 0.45 of its trigrams; word order and punctuation do not change trigrams).
pub const TRIGRAM_BLOCK: f64 = 0.3;
/// Candidate pairs read per round while filling a page.
const PAIRS_PER_ROUND: i64 = 500;
/// Live candidates probed against the index per request: a request's work stays bounded when
/// duplicates are rare (the answer then carries a cursor to go on from, with a short page).
pub const PROBED_PER_REQUEST: i64 = 500;

/// A name reduced for comparison: lower-case letters and digits, words sorted.
pub fn normalise_name(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.join(" ")
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Similarity of two names, 0-1: one minus the edit distance of their normalised forms over
/// the longer one's length (word order and punctuation ignored).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = normalise_name(a).chars().collect();
    let b: Vec<char> = normalise_name(b).chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / longest as f64
}

#[derive(FromQueryResult)]
struct BriefRow {
    id: Uuid,
    full_name: String,
    email_canonical: String,
    phone_canonical: Option<String>,
    created_at: chrono::DateTime<Utc>,
    applications: i64,
}

fn brief(r: &BriefRow) -> CandidateBrief {
    CandidateBrief {
        id: r.id,
        full_name: r.full_name.clone(),
        email: r.email_canonical.clone(),
        phone: r.phone_canonical.clone(),
        applications: r.applications,
        created_at: r.created_at,
    }
}

const BRIEF: &str = "SELECT c.id, c.full_name, c.email_canonical, c.phone_canonical, c.created_at,
        (SELECT count(*) FROM job_applications a WHERE a.candidate_id = c.id) AS applications
   FROM candidates c";

#[derive(FromQueryResult)]
struct PairRow {
    a_id: Uuid,
    a_full_name: String,
    a_email: String,
    a_phone: Option<String>,
    a_created_at: chrono::DateTime<Utc>,
    a_applications: i64,
    b_id: Uuid,
    b_full_name: String,
    b_email: String,
    b_phone: Option<String>,
    b_created_at: chrono::DateTime<Utc>,
    b_applications: i64,
}

/// The key of a suggestion in the paged list: the pair's ids, the smaller first.
pub type PairKey = (Uuid, Uuid);

/// Pairs of live candidates (not erased, not merged) of the platform whose names are at least
/// [`SUGGEST_AT`] alike, every live candidate considered (ADR 0082): PostgreSQL finds the pairs
/// sharing enough trigrams through the `candidates_name_trgm` index, the crate scores them by
/// edit distance. Ordered by the pair's ids (older candidate first); at most `limit + 1`
/// answered after `after`, for [`kernel::pagination::Page::from_rows`], and where to go on
/// from when fewer were found among the [`PROBED_PER_REQUEST`] candidates probed.
pub async fn duplicates(
    db: &DatabaseConnection,
    platform_id: Uuid,
    after: Option<PairKey>,
    limit: u64,
) -> Result<(Vec<DuplicateSuggestion>, Option<PairKey>), HireError> {
    let want = usize::try_from(limit).unwrap_or(100).saturating_add(1);
    let txn = db.begin().await?;
    // the `%` operator's threshold, for this transaction only
    txn.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_BLOCK}"),
    ))
    .await?;
    let mut cursor = after.unwrap_or((Uuid::nil(), Uuid::nil()));
    // the last candidate this request probes (none: the rest are fewer than the budget)
    let upper: Option<Uuid> = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM candidates
              WHERE platform_id = $1 AND erased_at IS NULL AND merged_into IS NULL AND id >= $2
              ORDER BY id OFFSET $3 LIMIT 1",
            [
                platform_id.into(),
                cursor.0.into(),
                (PROBED_PER_REQUEST - 1).into(),
            ],
        ))
        .await?
        .map(|r| r.try_get::<Uuid>("", "id"))
        .transpose()?;
    let mut out = Vec::new();
    loop {
        let rows = PairRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.id AS a_id, a.full_name AS a_full_name, a.email_canonical AS a_email,
                    a.phone_canonical AS a_phone, a.created_at AS a_created_at,
                    (SELECT count(*) FROM job_applications x WHERE x.candidate_id = a.id) AS a_applications,
                    b.id AS b_id, b.full_name AS b_full_name, b.email_canonical AS b_email,
                    b.phone_canonical AS b_phone, b.created_at AS b_created_at,
                    (SELECT count(*) FROM job_applications x WHERE x.candidate_id = b.id) AS b_applications
               FROM candidates a
               JOIN candidates b
                 ON b.full_name % a.full_name
                AND b.platform_id = a.platform_id AND b.id > a.id
                AND b.erased_at IS NULL AND b.merged_into IS NULL
              WHERE a.platform_id = $1 AND a.erased_at IS NULL AND a.merged_into IS NULL
                AND (a.id, b.id) > ($2, $3)
                AND ($5::uuid IS NULL OR a.id <= $5)
              ORDER BY a.id, b.id
              LIMIT $4",
            [
                platform_id.into(),
                cursor.0.into(),
                cursor.1.into(),
                PAIRS_PER_ROUND.into(),
                upper.into(),
            ],
        ))
        .all(&txn)
        .await?;
        let exhausted = rows.len() < usize::try_from(PAIRS_PER_ROUND).unwrap_or(usize::MAX);
        for r in rows {
            cursor = (r.a_id, r.b_id);
            let s = name_similarity(&r.a_full_name, &r.b_full_name);
            if s < SUGGEST_AT {
                continue;
            }
            out.push(DuplicateSuggestion {
                a: CandidateBrief {
                    id: r.a_id,
                    full_name: r.a_full_name,
                    email: r.a_email,
                    phone: r.a_phone,
                    applications: r.a_applications,
                    created_at: r.a_created_at,
                },
                b: CandidateBrief {
                    id: r.b_id,
                    full_name: r.b_full_name,
                    email: r.b_email,
                    phone: r.b_phone,
                    applications: r.b_applications,
                    created_at: r.b_created_at,
                },
                similarity: (s * 1000.0).round() / 1000.0,
            });
            if out.len() >= want {
                break;
            }
        }
        if exhausted || out.len() >= want {
            break;
        }
    }
    txn.commit().await?;
    // a full page carries its own cursor; a short one goes on after the last probed candidate
    let resume = if out.len() >= want {
        None
    } else {
        upper.map(|u| (u, Uuid::max()))
    };
    Ok((out, resume))
}

#[derive(FromQueryResult)]
struct MergeRow {
    id: Uuid,
    source_id: Uuid,
    target_id: Uuid,
    application_ids: Value,
    similarity: Option<f64>,
    merged_by: Option<Uuid>,
    merged_at: chrono::DateTime<Utc>,
    undone_at: Option<chrono::DateTime<Utc>>,
}

fn merge_view(r: MergeRow) -> MergeView {
    MergeView {
        id: r.id,
        source_id: r.source_id,
        target_id: r.target_id,
        application_ids: serde_json::from_value(r.application_ids).unwrap_or_default(),
        similarity: r.similarity,
        merged_by: r.merged_by,
        merged_at: r.merged_at,
        undone_at: r.undone_at,
    }
}

async fn live_candidate<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    field: &'static str,
) -> Result<candidates::Model, HireError> {
    let c = candidates::Entity::find_by_id(id)
        .filter(candidates::Column::PlatformId.eq(platform_id))
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("candidate"))?;
    if c.erased_at.is_some() || c.merged_into.is_some() {
        return Err(HireError::Invalid(
            field,
            "the candidate is erased or already merged".into(),
        ));
    }
    Ok(c)
}

/// Merges candidate `source` into `into` (audited): the source's applications move to the
/// target, the source points at it (new applications with its email or phone go to the
/// target). 404 for another platform's candidate; 422 merging into itself or with an erased
/// or merged candidate.
pub async fn merge(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    source: Uuid,
    into: Uuid,
) -> Result<MergeView, HireError> {
    if source == into {
        return Err(HireError::Invalid(
            "into",
            "a candidate cannot be merged into itself".into(),
        ));
    }
    let txn = db.begin().await?;
    let from = live_candidate(&txn, tenant.id, source, "id").await?;
    let to = live_candidate(&txn, tenant.id, into, "into").await?;
    let moved: Vec<Uuid> = job_applications::Entity::find()
        .filter(job_applications::Column::CandidateId.eq(source))
        .order_by_asc(job_applications::Column::CreatedAt)
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    job_applications::Entity::update_many()
        .col_expr(job_applications::Column::CandidateId, Expr::value(into))
        .filter(job_applications::Column::Id.is_in(moved.clone()))
        .exec(&txn)
        .await?;
    let similarity = (name_similarity(&from.full_name, &to.full_name) * 1000.0).round() / 1000.0;
    let id = Uuid::now_v7();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO candidate_merges (id, platform_id, source_id, target_id, application_ids, similarity, merged_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            id.into(),
            tenant.id.into(),
            source.into(),
            into.into(),
            json!(moved).into(),
            similarity.into(),
            actor.into(),
        ],
    ))
    .await?;
    let mut row: candidates::ActiveModel = from.into();
    row.merged_into = Set(Some(into));
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::new(tenant.id, Some(actor), "candidate.merged", "candidate", source)
            .change(
                json!({"merged_into": null}),
                json!({"merged_into": into, "merge_id": id, "applications": moved, "similarity": similarity}),
            ),
    )
    .await?;
    txn.commit().await?;
    find_merge(db, tenant.id, id).await
}

async fn find_merge<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<MergeView, HireError> {
    MergeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, source_id, target_id, application_ids, similarity, merged_by, merged_at, undone_at
           FROM candidate_merges WHERE id = $1 AND platform_id = $2",
        [id.into(), platform_id.into()],
    ))
    .one(conn)
    .await?
    .map(merge_view)
    .ok_or(HireError::NotFound("candidate merge"))
}

/// Undoes a merge (audited): the applications it moved go back to the source (those still
/// with the target), the source stands alone again. 422 when already undone.
pub async fn undo(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    merge_id: Uuid,
) -> Result<MergeView, HireError> {
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM candidate_merges WHERE id = $1 AND platform_id = $2 FOR UPDATE",
        [merge_id.into(), tenant.id.into()],
    ))
    .await?;
    let merge = find_merge(&txn, tenant.id, merge_id).await?;
    if merge.undone_at.is_some() {
        return Err(HireError::Invalid(
            "id",
            "this merge is already undone".into(),
        ));
    }
    let back = job_applications::Entity::update_many()
        .col_expr(
            job_applications::Column::CandidateId,
            Expr::value(merge.source_id),
        )
        .filter(job_applications::Column::Id.is_in(merge.application_ids.clone()))
        .filter(job_applications::Column::CandidateId.eq(merge.target_id))
        .exec(&txn)
        .await?
        .rows_affected;
    candidates::Entity::update_many()
        .col_expr(candidates::Column::MergedInto, Expr::value(None::<Uuid>))
        .col_expr(candidates::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(candidates::Column::Id.eq(merge.source_id))
        .exec(&txn)
        .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE candidate_merges SET undone_at = now(), undone_by = $2 WHERE id = $1",
        [merge_id.into(), actor.into()],
    ))
    .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "candidate.merge_undone",
            "candidate",
            merge.source_id,
        )
        .change(
            json!({"merged_into": merge.target_id}),
            json!({"merged_into": null, "merge_id": merge_id, "applications_back": back}),
        ),
    )
    .await?;
    txn.commit().await?;
    find_merge(db, tenant.id, merge_id).await
}

/// Everything kept about a candidate, for their data-access request (audited).
pub async fn export(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    candidate_id: Uuid,
) -> Result<CandidateExport, HireError> {
    let row = BriefRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{BRIEF} WHERE c.id = $1 AND c.platform_id = $2"),
        [candidate_id.into(), tenant.id.into()],
    ))
    .one(db)
    .await?
    .ok_or(HireError::NotFound("candidate"))?;
    let erased_at = candidates::Entity::find_by_id(candidate_id)
        .one(db)
        .await?
        .and_then(|c| c.erased_at);
    let apps = job_applications::Entity::find()
        .filter(job_applications::Column::CandidateId.eq(candidate_id))
        .order_by_asc(job_applications::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for app in apps {
        let post_title = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT title FROM job_posts WHERE id = $1",
                [app.post_id.into()],
            ))
            .await?
            .map(|r| r.try_get::<String>("", "title"))
            .transpose()?;
        let consent = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT ai_screening, talent_pool_until, talent_pool_expired_at, given_at
                   FROM application_consents WHERE application_id = $1",
                [app.id.into()],
            ))
            .await?;
        let consent = match consent {
            Some(r) => json!({
                "ai_screening": r.try_get::<bool>("", "ai_screening")?,
                "talent_pool_until": r.try_get::<Option<chrono::DateTime<Utc>>>("", "talent_pool_until")?,
                "talent_pool_expired_at": r.try_get::<Option<chrono::DateTime<Utc>>>("", "talent_pool_expired_at")?,
                "given_at": r.try_get::<chrono::DateTime<Utc>>("", "given_at")?,
            }),
            None => Value::Null,
        };
        let events: Vec<Value> = application_events::Entity::find()
            .filter(application_events::Column::ApplicationId.eq(app.id))
            .order_by_asc(application_events::Column::CreatedAt)
            .all(db)
            .await?
            .into_iter()
            .map(|e| json!({"from_stage": e.from_stage, "to_stage": e.to_stage, "reason": e.reason, "at": e.created_at}))
            .collect();
        let screenings: Vec<Value> = resume_analyses::Entity::find()
            .filter(resume_analyses::Column::ApplicationId.eq(app.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| json!({"score": a.score, "summary": a.summary, "strengths": a.strengths, "gaps": a.gaps, "model": a.model, "created_at": a.created_at}))
            .collect();
        let interviews: Vec<Value> = voice_interviews::Entity::find()
            .filter(voice_interviews::Column::ApplicationId.eq(app.id))
            .all(db)
            .await?
            .into_iter()
            .map(|v| json!({"status": v.status, "transcript": v.transcript, "evaluation": v.evaluation, "created_at": v.created_at}))
            .collect();
        out.push(json!({
            "id": app.id,
            "post_id": app.post_id,
            "post_title": post_title,
            "stage": app.stage,
            "answers": app.answers,
            "resume_filename": app.resume_filename,
            "ai_score": app.ai_score,
            "created_at": app.created_at,
            "consent": consent,
            "stage_log": events,
            "screenings": screenings,
            "voice_interviews": interviews,
            "scorecards": reviews::scorecards(db, app.id).await?,
            "human_reviews": reviews::list(db, app.id).await?,
            "emails": reviews::emails(db, app.id).await?,
        }));
    }
    let txn = db.begin().await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "candidate.exported",
            "candidate",
            candidate_id,
        )
        .after(json!({"applications": out.len()})),
    )
    .await?;
    txn.commit().await?;
    Ok(CandidateExport {
        candidate: brief(&row),
        erased_at,
        applications: out,
        exported_at: Utc::now(),
    })
}

/// Deletes voice-interview recordings of interviews completed more than `days` ago (the
/// transcript and evaluation stay until erasure). Answers how many.
pub async fn prune_recordings(
    db: &DatabaseConnection,
    storage: &Storage,
    days: i64,
) -> Result<usize, HireError> {
    let old = voice_interviews::Entity::find()
        .filter(voice_interviews::Column::RecordingKey.is_not_null())
        .filter(voice_interviews::Column::CompletedAt.lt(Utc::now() - Duration::days(days)))
        .limit(500)
        .all(db)
        .await?;
    let mut pruned = 0;
    for row in old {
        let Some(key) = row.recording_key.clone() else {
            continue;
        };
        let done = voice_interviews::Entity::update_many()
            .col_expr(
                voice_interviews::Column::RecordingKey,
                Expr::value(None::<String>),
            )
            .col_expr(
                voice_interviews::Column::RecordingPrunedAt,
                Expr::value(Utc::now()),
            )
            .filter(voice_interviews::Column::Id.eq(row.id))
            .filter(voice_interviews::Column::RecordingKey.eq(key.clone()))
            .exec(db)
            .await?;
        if done.rows_affected == 0 {
            continue;
        }
        match ObjectKey::parse(&key) {
            Ok(k) => storage.delete(&k).await?,
            Err(e) => {
                tracing::warn!(interview = %row.id, error = %e, "a recording key is malformed")
            }
        }
        pruned += 1;
    }
    Ok(pruned)
}

/// Marks talent-pool consents past their end as expired: those applications leave the talent
/// pool search. Answers how many per platform (for the log).
pub async fn expire_talent_pool(db: &DatabaseConnection) -> Result<HashMap<Uuid, i64>, HireError> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "UPDATE application_consents SET talent_pool_expired_at = now()
              WHERE talent_pool_until IS NOT NULL AND talent_pool_until <= now()
                AND talent_pool_expired_at IS NULL
          RETURNING platform_id",
        ))
        .await?;
    let mut out: HashMap<Uuid, i64> = HashMap::new();
    for r in rows {
        *out.entry(r.try_get::<Uuid>("", "platform_id")?)
            .or_default() += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_order_case_or_punctuation() {
        assert_eq!(name_similarity("Asha Rao", "rao, ASHA"), 1.0);
        assert!(name_similarity("Asha Rao", "Asha Raoo") >= SUGGEST_AT);
        assert!(name_similarity("Asha Rao", "Bina Shah") < 0.5);
        assert_eq!(name_similarity("", ""), 0.0);
    }
}
