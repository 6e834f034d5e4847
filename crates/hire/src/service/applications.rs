//! The public apply flow: the applicant's fields checked and made canonical, the resume
//! recorded once per content hash, the candidate found again across jobs (by canonical email,
//! else canonical phone) or created, the application (one per post and email) and its first
//! stage event, in one transaction.

use chrono::Utc;
use kernel::tenant::Tenant;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement, TransactionTrait,
};
use serde_json::{Map, Value};
use storage::Storage;
use uuid::Uuid;
use validator::ValidateEmail;

use crate::{
    HireError,
    dto::{applications::ApplicationReceived, posts::ScreeningQuestion},
    entities::{application_events, candidates, job_applications, job_posts, resume_files},
    service::{resumes::StoredResume, screening::AnalyseResume, strings},
};

/// The applicant's fields, already canonical.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// Name, trimmed.
    pub full_name: String,
    /// Email, trimmed and lower-cased.
    pub email: String,
    /// Phone: digits with an optional leading `+`.
    pub phone: String,
    /// Answers to the screening questions.
    pub answers: Value,
    /// Self-identified group (adverse-impact counts only).
    pub group: Option<String>,
    /// Consent to AI screening.
    pub ai_screening: bool,
    /// Months in the talent pool (0: none).
    pub talent_pool_months: u32,
    /// What the candidate declares for the talent pool.
    pub profile: TalentProfile,
}

/// Skills (lower-cased, at most 20), years of experience and location a candidate declares
/// (all optional; searched in the talent pool while their consent lasts).
#[derive(Debug, Clone, Default)]
pub struct TalentProfile {
    /// Skills.
    pub skills: Vec<String>,
    /// Years of experience, 0-60.
    pub experience_years: Option<i32>,
    /// Where they are.
    pub location: Option<String>,
}

/// Checks the talent-pool fields of the form: `skills` comma-separated (at most 20, each
/// 1-40 characters), `experience_years` 0-60, `location` 1-100 characters.
pub fn talent_profile(
    skills: Option<String>,
    experience: Option<String>,
    location: Option<String>,
) -> Result<TalentProfile, HireError> {
    let mut list: Vec<String> = skills
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    list.sort();
    list.dedup();
    if list.len() > 20 || list.iter().any(|s| s.chars().count() > 40) {
        return Err(HireError::Invalid(
            "skills",
            "at most 20 skills of 1-40 characters, comma-separated".into(),
        ));
    }
    let experience_years = match experience.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<i32>()
                .ok()
                .filter(|y| (0..=60).contains(y))
                .ok_or_else(|| HireError::Invalid("experience_years", "must be 0-60".into()))?,
        ),
    };
    let location = location
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    if location.as_ref().is_some_and(|l| l.chars().count() > 100) {
        return Err(HireError::Invalid(
            "location",
            "must be at most 100 characters".into(),
        ));
    }
    Ok(TalentProfile {
        skills: list,
        experience_years,
        location,
    })
}

/// What every candidate is told when applying.
pub const AI_NOTICE: &str = "An AI model scores resumes against this job's criteria with your name, contact details, age and years removed; a person decides every step. You can opt out with consent_ai_screening=false, and ask for a human review at any time with the review_token of this answer (POST /api/human-review/{review_token}).";

fn flag(raw: Option<String>, field: &'static str, default: bool) -> Result<bool, HireError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(_) => Err(HireError::Invalid(field, "must be true or false".into())),
    }
}

/// Checks and canonicalises the form's text fields against the post's questions.
pub fn applicant(
    post: &job_posts::Model,
    full_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    answers: Option<String>,
    group: Option<String>,
    (consent_ai, pool_months, profile): (Option<String>, Option<String>, TalentProfile),
) -> Result<Applicant, HireError> {
    let full_name = full_name.map(|n| n.trim().to_owned()).unwrap_or_default();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(HireError::Invalid(
            "full_name",
            "is required (1-200 characters)".into(),
        ));
    }
    let email = canonical_email(email.as_deref().unwrap_or_default())?;
    let phone = canonical_phone(phone.as_deref().unwrap_or_default())?;
    let answers = check_answers(post, answers.as_deref())?;
    let group = group.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
    if group.as_ref().is_some_and(|g| g.chars().count() > 60) {
        return Err(HireError::Invalid(
            "self_identified_group",
            "must be at most 60 characters".into(),
        ));
    }
    let ai_screening = flag(consent_ai, "consent_ai_screening", true)?;
    let talent_pool_months = match pool_months.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|m| *m <= 24)
            .ok_or_else(|| HireError::Invalid("talent_pool_months", "must be 0-24".into()))?,
    };
    Ok(Applicant {
        full_name,
        email,
        phone,
        answers,
        group,
        ai_screening,
        talent_pool_months,
        profile,
    })
}

/// An email trimmed and lower-cased (422 on `email` when it is not one).
pub fn canonical_email(raw: &str) -> Result<String, HireError> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || !email.validate_email() {
        return Err(HireError::Invalid("email", "must be a valid email".into()));
    }
    Ok(email)
}

/// A phone as digits with an optional leading `+` (spaces, dashes, dots and brackets
/// dropped); 422 on `phone` unless 6-15 digits remain.
pub fn canonical_phone(raw: &str) -> Result<String, HireError> {
    let raw = raw.trim();
    let plus = raw.starts_with('+');
    let mut digits = String::new();
    for c in raw.trim_start_matches('+').chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => {
                return Err(HireError::Invalid(
                    "phone",
                    "must be a phone number (digits, spaces, dashes)".into(),
                ));
            }
        }
    }
    if !(6..=15).contains(&digits.len()) {
        return Err(HireError::Invalid("phone", "must have 6-15 digits".into()));
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

/// The answers as a JSON object of the post's question ids to text (each at most 2000
/// characters); required questions must be answered.
pub fn check_answers(post: &job_posts::Model, raw: Option<&str>) -> Result<Value, HireError> {
    let questions: Vec<ScreeningQuestion> =
        serde_json::from_value(post.screening_questions.clone()).unwrap_or_default();
    let answers: Map<String, Value> = match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Map::new(),
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(HireError::Invalid(
                    "answers",
                    "must be a JSON object of question ids to answers".into(),
                ));
            }
        },
    };
    for (id, value) in &answers {
        if !questions.iter().any(|q| &q.id == id) {
            return Err(HireError::Invalid(
                "answers",
                format!("{id:?} is not a question of this post"),
            ));
        }
        match value.as_str() {
            Some(text) if text.chars().count() <= 2000 => {}
            _ => {
                return Err(HireError::Invalid(
                    "answers",
                    format!("the answer to {id:?} must be text of at most 2000 characters"),
                ));
            }
        }
    }
    for q in questions.iter().filter(|q| q.required) {
        let answered = answers
            .get(&q.id)
            .and_then(Value::as_str)
            .is_some_and(|t| !t.trim().is_empty());
        if !answered {
            return Err(HireError::Invalid(
                "answers",
                format!("{:?} is required", q.id),
            ));
        }
    }
    Ok(Value::Object(answers))
}

#[derive(FromQueryResult)]
struct IdRow {
    id: Uuid,
}

/// Records the application (see the module). The stored object is removed again when the
/// same content was already stored for the platform or when the application is refused.
pub async fn apply(
    db: &DatabaseConnection,
    storage: &Storage,
    tenant: &Tenant,
    post: &job_posts::Model,
    who: Applicant,
    resume: StoredResume,
) -> Result<ApplicationReceived, HireError> {
    let outcome = record(db, tenant, post, who, &resume).await;
    let keep_object = matches!(outcome, Ok((_, true)));
    if !keep_object && let Err(e) = storage.delete(&resume.key).await {
        tracing::warn!(key = %resume.key.loggable(), error = %e, "removing an unused resume failed");
    }
    outcome.map(|(received, _)| received)
}

/// The transaction; answers whether the uploaded object is the one kept.
async fn record(
    db: &DatabaseConnection,
    tenant: &Tenant,
    post: &job_posts::Model,
    who: Applicant,
    resume: &StoredResume,
) -> Result<(ApplicationReceived, bool), HireError> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let inserted = IdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO resume_files (id, platform_id, sha256, storage_key, content_type, size_bytes, verified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (platform_id, sha256) DO NOTHING RETURNING id",
        [
            Uuid::now_v7().into(),
            post.platform_id.into(),
            resume.sha256.clone().into(),
            resume.key.to_string().into(),
            resume.content_type.into(),
            i64::try_from(resume.size).unwrap_or(i64::MAX).into(),
            now.into(),
        ],
    ))
    .one(&txn)
    .await?;
    let (resume_id, ours) = match inserted {
        Some(row) => (row.id, true),
        None => {
            let existing = resume_files::Entity::find()
                .filter(resume_files::Column::PlatformId.eq(post.platform_id))
                .filter(resume_files::Column::Sha256.eq(resume.sha256.clone()))
                .one(&txn)
                .await?
                .ok_or(HireError::NotFound("resume"))?;
            (existing.id, false)
        }
    };
    let candidate_id = candidate(&txn, post.platform_id, &who).await?;
    let first_stage = strings(&post.stages)
        .into_iter()
        .next()
        .unwrap_or_else(|| "applied".to_owned());
    let review_token = super::reviews::new_token()?;
    let application = job_applications::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(post.platform_id),
        post_id: Set(post.id),
        candidate_id: Set(candidate_id),
        email_canonical: Set(who.email.clone()),
        full_name: Set(who.full_name.clone()),
        resume_file_id: Set(Some(resume_id)),
        resume_filename: Set(resume.filename.clone()),
        answers: Set(who.answers),
        stage: Set(first_stage.clone()),
        stage_changed_at: Set(now),
        ai_score: Set(None),
        created_at: Set(now),
        erased_at: Set(None),
        review_token_sha256: Set(Some(kernel::crypto::sha256_hex(review_token.as_bytes()))),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kernel::db::violates(&e, "job_applications_post_email_unique") {
            HireError::DuplicateApplication
        } else {
            HireError::Db(e)
        }
    })?;
    application_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(post.platform_id),
        application_id: Set(application.id),
        from_stage: Set(None),
        to_stage: Set(first_stage.clone()),
        reason: Set(None),
        actor_id: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if let Some(group) = &who.group {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO application_demographics (application_id, platform_id, group_label) VALUES ($1, $2, $3)",
            [application.id.into(), post.platform_id.into(), group.clone().into()],
        ))
        .await?;
    }
    let talent_pool_until = (who.talent_pool_months > 0)
        .then(|| now + chrono::Duration::days(30 * i64::from(who.talent_pool_months)));
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO application_consents (application_id, platform_id, ai_screening, talent_pool_until, given_at)
         VALUES ($1, $2, $3, $4, $5)",
        [
            application.id.into(),
            post.platform_id.into(),
            who.ai_screening.into(),
            talent_pool_until.into(),
            now.into(),
        ],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO talent_profiles (application_id, platform_id, skills, experience_years, location)
         VALUES ($1, $2, $3, $4, $5)",
        [
            application.id.into(),
            post.platform_id.into(),
            serde_json::json!(who.profile.skills).into(),
            who.profile.experience_years.into(),
            who.profile.location.clone().into(),
        ],
    ))
    .await?;
    // the screening job carries the application's id only
    if who.ai_screening {
        jobs::outbox::enqueue_in(
            &txn,
            tenant,
            &AnalyseResume {
                application_id: application.id,
            },
        )
        .await?;
    }
    txn.commit().await?;
    tracing::info!(application = %application.id, post = %post.id, candidate = %candidate_id, "application received");
    Ok((
        ApplicationReceived {
            id: application.id,
            post_id: post.id,
            stage: first_stage,
            created_at: now,
            ai_screening: who.ai_screening,
            ai_notice: AI_NOTICE.to_owned(),
            talent_pool_until,
            review_token,
        },
        ours,
    ))
}

/// The platform's candidate with this email, else with this phone, else a new one; a merged
/// candidate's target. An existing candidate keeps the name they first gave: the apply form
/// needs no account, so anyone who knows a candidate's email or phone could otherwise rename
/// them on every application HR sees (and change what their resumes are redacted of).
async fn candidate<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    who: &Applicant,
) -> Result<Uuid, HireError> {
    let by_email = candidates::Entity::find()
        .filter(candidates::Column::PlatformId.eq(platform_id))
        .filter(candidates::Column::EmailCanonical.eq(who.email.clone()))
        .one(conn)
        .await?;
    let found = match by_email {
        Some(c) => Some(c),
        None => {
            candidates::Entity::find()
                .filter(candidates::Column::PlatformId.eq(platform_id))
                .filter(candidates::Column::PhoneCanonical.eq(who.phone.clone()))
                .one(conn)
                .await?
        }
    };
    // a merged candidate's new applications go to the one it was merged into
    let found = match found {
        Some(c) if c.merged_into.is_some() => {
            candidates::Entity::find_by_id(c.merged_into.unwrap_or(c.id))
                .filter(candidates::Column::ErasedAt.is_null())
                .one(conn)
                .await?
                .or(Some(c))
        }
        other => other,
    };
    if let Some(c) = found {
        let id = c.id;
        let mut active: candidates::ActiveModel = c.into();
        active.updated_at = Set(Utc::now());
        active.update(conn).await?;
        return Ok(id);
    }
    let row = IdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO candidates (id, platform_id, email_canonical, phone_canonical, full_name)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (platform_id, email_canonical) DO UPDATE SET updated_at = now()
         RETURNING id",
        [
            Uuid::now_v7().into(),
            platform_id.into(),
            who.email.clone().into(),
            who.phone.clone().into(),
            who.full_name.clone().into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or(HireError::NotFound("candidate"))?;
    Ok(row.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones_are_made_canonical() {
        assert_eq!(
            canonical_email("  Asha.Rao@Example.COM ").ok(),
            Some("asha.rao@example.com".into())
        );
        assert!(canonical_email("not-an-email").is_err());
        assert_eq!(
            canonical_phone("+91 98765-43210").ok(),
            Some("+919876543210".into())
        );
        assert_eq!(
            canonical_phone("(022) 2345 6789").ok(),
            Some("02223456789".into())
        );
        assert!(canonical_phone("12345").is_err());
        assert!(canonical_phone("98765x43210").is_err());
    }
}
