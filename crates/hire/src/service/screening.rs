//! AI resume screening (ADR 0057): the resume's text (PDF through `pdf-extract`, DOCX from
//! `word/document.xml` through `zip`), redacted of the candidate's name, email, phone, ages,
//! dates of birth and years before anything leaves the server, scored by the LLM gateway's
//! `resume_screening` agent against the platform's rubric as structured output (per
//! criterion a 0-5 score with quoted evidence, strengths, gaps, a summary). The 0-100 score is
//! computed here from the criteria and the rubric's weights. Every screening is stored with the
//! provider, model, prompt version, rubric (and its version) and the hash of the exact input,
//! so it can be reproduced. A human override (with a reason, audited) wins over every
//! screening, later ones included.

use std::io::Read;

use chrono::Utc;
use integrations::{Integrations, entities::kinds::Agent, service::complete};
use kernel::{AppError, audit, tenant::Tenant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait, sea_query::OnConflict,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    HireError,
    dto::screening::{
        AnalysisView, Criterion, OverrideInput, OverrideView, ScreeningConfigInput,
        ScreeningConfigView,
    },
    entities::{
        candidates, job_applications, job_posts, resume_analyses, resume_files, resume_overrides,
        screening_configs,
    },
    service::{resumes, strings},
};

/// Screens one application's resume (`resumeAnalysisQueue`; the payload is the id only).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AnalyseResume {
    /// The application.
    pub application_id: Uuid,
}

impl jobs::JobSpec for AnalyseResume {
    const QUEUE: &'static str = "resumeAnalysisQueue";
    const NAME: &'static str = "analyse-resume";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The largest `word/document.xml` read from a DOCX.
const DOCX_XML_LIMIT: u64 = 8 * 1024 * 1024;
/// The most resume text sent to the model, in characters.
const TEXT_LIMIT: usize = 20_000;

/// The rubric of a platform that has not set one.
pub fn default_rubric() -> Vec<Criterion> {
    [
        (
            "skills_match",
            "Skills the job asks for, shown in work, projects or study",
            3,
        ),
        (
            "experience",
            "Relevant work or internship experience and its outcomes",
            2,
        ),
        (
            "problem_solving",
            "Evidence of analysing problems and building solutions",
            2,
        ),
        (
            "communication",
            "Clarity and structure of the resume itself",
            1,
        ),
    ]
    .into_iter()
    .map(|(key, description, weight)| Criterion {
        key: key.to_owned(),
        description: description.to_owned(),
        weight,
    })
    .collect()
}

/// The platform's configuration (the default rubric, version 1, when none is stored).
pub async fn config<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<ScreeningConfigView, HireError> {
    let row = screening_configs::Entity::find_by_id(platform_id)
        .one(conn)
        .await?;
    Ok(match row {
        Some(r) => ScreeningConfigView {
            rubric: serde_json::from_value(r.rubric).unwrap_or_else(|_| default_rubric()),
            rubric_version: r.rubric_version,
            enabled: r.enabled,
            updated_at: Some(r.updated_at),
        },
        None => ScreeningConfigView {
            rubric: default_rubric(),
            rubric_version: 1,
            enabled: true,
            updated_at: None,
        },
    })
}

/// Changes the configuration (audited). A changed rubric gets the next version and every
/// application still in the pipeline is queued for a re-screen (ids only), in the same
/// transaction.
pub async fn put_config(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    req: ScreeningConfigInput,
) -> Result<ScreeningConfigView, HireError> {
    let mut keys: Vec<&str> = req.rubric.iter().map(|c| c.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != req.rubric.len() {
        return Err(HireError::Invalid(
            "rubric",
            "criterion keys must be distinct".into(),
        ));
    }
    let txn = db.begin().await?;
    let before = config(&txn, tenant.id).await?;
    let changed = before.rubric != req.rubric;
    let version = if changed {
        before.rubric_version + 1
    } else {
        before.rubric_version
    };
    let enabled = req.enabled.unwrap_or(before.enabled);
    let now = Utc::now();
    screening_configs::Entity::insert(screening_configs::ActiveModel {
        platform_id: Set(tenant.id),
        rubric: Set(json!(req.rubric)),
        rubric_version: Set(version),
        enabled: Set(enabled),
        updated_by: Set(Some(actor)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(screening_configs::Column::PlatformId)
            .update_columns([
                screening_configs::Column::Rubric,
                screening_configs::Column::RubricVersion,
                screening_configs::Column::Enabled,
                screening_configs::Column::UpdatedBy,
                screening_configs::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let mut queued = 0;
    if changed && enabled {
        let ids: Vec<Uuid> = job_applications::Entity::find()
            .filter(job_applications::Column::PlatformId.eq(tenant.id))
            .filter(job_applications::Column::Stage.is_not_in(["rejected", "withdrawn", "hired"]))
            .all(&txn)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        for application_id in ids {
            jobs::outbox::enqueue_in(&txn, tenant, &AnalyseResume { application_id }).await?;
            queued += 1;
        }
    }
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "screening_config.update",
            "screening_config",
            tenant.id,
        )
        .change(
            json!({"rubric_version": before.rubric_version, "enabled": before.enabled}),
            json!({"rubric_version": version, "enabled": enabled, "rescreens_queued": queued}),
        ),
    )
    .await?;
    txn.commit().await?;
    config(db, tenant.id).await
}

/// The resume's text: a PDF through `pdf-extract` in a capped child process
/// ([`crate::resume_text`]), a DOCX from its `word/document.xml` on the blocking pool (a
/// malformed file that makes a parser panic fails this one job).
pub async fn extract_text(content_type: &str, bytes: Vec<u8>) -> Result<String, HireError> {
    let text = if content_type == resumes::DOCX {
        tokio::task::spawn_blocking(move || docx_text(&bytes))
            .await
            .unwrap_or_else(|_| Err("the resume's text could not be extracted".into()))
    } else {
        crate::resume_text::pdf_text(bytes).await
    };
    text.map_err(|message| HireError::App(AppError::Unexpected(anyhow::anyhow!(message))))
}

/// The paragraphs of a DOCX as lines of text.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a DOCX: {e}"))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| format!("not a DOCX: {e}"))?;
    let mut xml = String::new();
    entry
        .take(DOCX_XML_LIMIT)
        .read_to_string(&mut xml)
        .map_err(|e| format!("unreadable DOCX: {e}"))?;
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + end + 1];
        if tag.starts_with("</w:p") || tag.starts_with("<w:br") {
            out.push('\n');
        } else if tag.starts_with("<w:tab") {
            out.push('\t');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&"))
}

/// The text with the candidate's name, any email, any phone number (7+ digits), ages, dates of
/// birth and years (1950-2035: graduation and birth years) replaced by placeholders. Photos
/// never reach the text (only text is extracted).
pub fn redact(text: &str, full_name: &str) -> String {
    let name_parts: Vec<String> = full_name
        .split_whitespace()
        .map(|p| bare(p).to_lowercase())
        .filter(|p| p.chars().count() >= 2)
        .collect();
    let mut lines = Vec::new();
    for line in text.lines() {
        let line = redact_phones(line);
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let word = words[i];
            let low = bare(word).to_lowercase();
            let next = |k: usize| {
                words
                    .get(i + k)
                    .map(|w| bare(w).to_lowercase())
                    .unwrap_or_default()
            };
            if low == "dob" || (low == "date" && next(1) == "of" && next(2) == "birth") {
                out.push("[DOB]".into());
                break;
            }
            if word.contains('@') && word.contains('.') {
                out.push("[EMAIL]".into());
            } else if name_parts.contains(&low) {
                out.push("[NAME]".into());
            } else if (low == "age" || low == "aged") && small_number(&next(1)) {
                out.push(word.to_owned());
                out.push("[AGE]".into());
                i += 1;
            } else if small_number(&low)
                && matches!(next(1).as_str(), "years" | "yrs" | "year")
                && next(2) == "old"
            {
                out.push("[AGE]".into());
                i += 2;
            } else if is_year(&low) {
                out.push("[YEAR]".into());
            } else {
                out.push(word.to_owned());
            }
            i += 1;
        }
        lines.push(out.join(" "));
    }
    lines.join("\n")
}

fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

fn small_number(word: &str) -> bool {
    !word.is_empty() && word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit())
}

fn is_year(word: &str) -> bool {
    let digits: String = word.chars().filter(char::is_ascii_digit).collect();
    // 2019, 2019-2023, '2019: a year anywhere in the token
    word.len() >= 4
        && word.split(|c: char| !c.is_ascii_digit()).any(|part| {
            part.len() == 4
                && part
                    .parse::<u32>()
                    .is_ok_and(|y| (1950..=2035).contains(&y))
        })
        && digits.len() <= 8
}

/// Runs of digits, spaces, `+`, `-`, `.`, `(` and `)` holding 7 or more digits become
/// `[PHONE]`.
fn redact_phones(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' || chars[i] == '(' {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() && (chars[j].is_ascii_digit() || " +-.()".contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            // keep the trailing separators outside the placeholder
            let mut end = j;
            while end > i && !chars[end - 1].is_ascii_digit() && chars[end - 1] != ')' {
                end -= 1;
            }
            let run: String = chars[i..end].iter().collect();
            let only_years = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|g| !g.is_empty())
                .all(|g| {
                    g.len() == 4 && g.parse::<u32>().is_ok_and(|y| (1950..=2035).contains(&y))
                });
            if digits >= 7 && !only_years {
                out.push_str("[PHONE]");
            } else {
                out.extend(&chars[i..end]);
            }
            out.extend(&chars[end..j]);
            i = j.max(i + 1);
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The JSON schema the model's answer must satisfy.
pub fn answer_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["criteria", "strengths", "gaps", "summary"],
        "properties": {
            "criteria": {"type": "array", "minItems": 1, "maxItems": 20, "items": {
                "type": "object", "additionalProperties": false,
                "required": ["key", "score", "evidence"],
                "properties": {
                    "key": {"type": "string", "minLength": 1, "maxLength": 40},
                    "score": {"type": "integer", "minimum": 0, "maximum": 5},
                    "evidence": {"type": "string", "maxLength": 1000}
                }
            }},
            "strengths": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 300}},
            "gaps": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 300}},
            "summary": {"type": "string", "minLength": 1, "maxLength": 2000}
        }
    })
}

/// The agent's input: the instructions, the rubric, the job and the redacted resume.
pub fn input(post: &job_posts::Model, rubric: &[Criterion], redacted: &str) -> Value {
    let text: String = redacted.chars().take(TEXT_LIMIT).collect();
    json!({
        "instructions": "Score each rubric criterion from 0 to 5 and quote the resume's words that support the score as evidence (empty evidence means no support: score 0). Judge only skills and experience; personal details are redacted on purpose. Answer JSON with criteria, strengths, gaps and summary.",
        "rubric": rubric,
        "job": {"title": post.title, "description": post.description, "skills": strings(&post.skills)},
        "resume": text,
    })
}

/// The 0-100 score: each criterion's 0-5 score weighted by the rubric (criteria the model
/// left out count 0; keys the rubric lacks are ignored).
pub fn weighted_score(rubric: &[Criterion], answer: &Value) -> i32 {
    let total: i64 = rubric.iter().map(|c| i64::from(c.weight)).sum();
    if total == 0 {
        return 0;
    }
    let given = answer["criteria"].as_array().cloned().unwrap_or_default();
    let points: i64 = rubric
        .iter()
        .map(|c| {
            let score = given
                .iter()
                .find(|g| g["key"] == c.key.as_str())
                .and_then(|g| g["score"].as_i64())
                .unwrap_or(0)
                .clamp(0, 5);
            score * i64::from(c.weight)
        })
        .sum();
    i32::try_from((points * 100 + total * 5 / 2) / (total * 5)).unwrap_or(0)
}

/// What the model is given for an application under `rubric` (the same function serves the
/// screening and its reproduction).
pub async fn build_input<C: ConnectionTrait>(
    conn: &C,
    storage: &Storage,
    platform_id: Uuid,
    application_id: Uuid,
    rubric: &[Criterion],
) -> Result<Value, HireError> {
    let app = job_applications::Entity::find_by_id(application_id)
        .filter(job_applications::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("application"))?;
    let post = job_posts::Entity::find_by_id(app.post_id)
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("job post"))?;
    let candidate = candidates::Entity::find_by_id(app.candidate_id)
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("candidate"))?;
    let file =
        resume_files::Entity::find_by_id(app.resume_file_id.ok_or(HireError::NotFound("resume"))?)
            .one(conn)
            .await?
            .ok_or(HireError::NotFound("resume"))?;
    let object = storage.get(&ObjectKey::parse(&file.storage_key)?).await?;
    let text = extract_text(&file.content_type, object.bytes.to_vec()).await?;
    Ok(input(&post, rubric, &redact(&text, &candidate.full_name)))
}

/// SHA-256 (hex) of an input as sent.
pub fn input_hash(input: &Value) -> String {
    hex::encode(Sha256::digest(input.to_string().as_bytes()))
}

/// Screens one application unless it already has a screening under the current rubric
/// version (answers `None` then, or when screening is off). The score on the application
/// changes only while no human override exists.
pub async fn screen(
    db: &DatabaseConnection,
    storage: &Storage,
    integrations: &Integrations,
    backend: Option<&crate::backend::MrHireBackend>,
    tenant: &Tenant,
    application_id: Uuid,
) -> Result<Option<resume_analyses::Model>, HireError> {
    let cfg = config(db, tenant.id).await?;
    if !cfg.enabled {
        return Ok(None);
    }
    let erased = job_applications::Entity::find_by_id(application_id)
        .one(db)
        .await?
        .is_none_or(|a| a.erased_at.is_some());
    if erased {
        return Ok(None);
    }
    let refused = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM application_consents WHERE application_id = $1 AND NOT ai_screening",
            [application_id.into()],
        ))
        .await?
        .is_some();
    if refused {
        return Ok(None);
    }
    let latest = latest(db, tenant.id, application_id).await?;
    if latest
        .as_ref()
        .is_some_and(|a| a.rubric_version == cfg.rubric_version)
    {
        return Ok(None);
    }
    let input = build_input(db, storage, tenant.id, application_id, &cfg.rubric).await?;
    let schema = answer_schema();
    // the seed's screening service when configured, else the platform's LLM agent
    let (answer, provider, model, prompt_version) = match backend {
        Some(backend) => {
            let done = backend.screen(&input, &schema).await?;
            (
                done.answer,
                crate::backend::PROVIDER.to_owned(),
                done.model,
                done.prompt_version,
            )
        }
        None => {
            let done = complete::run(
                integrations,
                tenant,
                Agent::ResumeScreening,
                &input,
                Some(&schema),
            )
            .await
            .map_err(|e| HireError::App(e.into()))?;
            (
                done.output.unwrap_or(Value::Null),
                done.provider.as_str().to_owned(),
                done.model,
                done.prompt_version,
            )
        }
    };
    let score = weighted_score(&cfg.rubric, &answer);
    let txn = db.begin().await?;
    let row = resume_analyses::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(tenant.id),
        application_id: Set(application_id),
        score: Set(score),
        summary: Set(answer["summary"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(4000)
            .collect()),
        criteria: Set(answer["criteria"].clone()),
        strengths: Set(answer["strengths"].clone()),
        gaps: Set(answer["gaps"].clone()),
        rubric: Set(json!(cfg.rubric)),
        rubric_version: Set(cfg.rubric_version),
        provider: Set(provider),
        model: Set(model),
        prompt_version: Set(prompt_version),
        input_sha256: Set(input_hash(&input)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let overridden = resume_overrides::Entity::find_by_id(application_id)
        .one(&txn)
        .await?
        .is_some();
    if !overridden {
        job_applications::Entity::update_many()
            .col_expr(
                job_applications::Column::AiScore,
                sea_orm::sea_query::Expr::value(score),
            )
            .filter(job_applications::Column::Id.eq(application_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    tracing::info!(application = %application_id, analysis = %row.id, score, "resume screened");
    Ok(Some(row))
}

async fn latest<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    application_id: Uuid,
) -> Result<Option<resume_analyses::Model>, HireError> {
    Ok(resume_analyses::Entity::find()
        .filter(resume_analyses::Column::PlatformId.eq(platform_id))
        .filter(resume_analyses::Column::ApplicationId.eq(application_id))
        .order_by_desc(resume_analyses::Column::CreatedAt)
        .order_by_desc(resume_analyses::Column::Id)
        .one(conn)
        .await?)
}

/// The latest screening of an application and any override (404 when the application is not
/// the platform's or has no screening yet).
pub async fn view<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    application_id: Uuid,
) -> Result<AnalysisView, HireError> {
    crate::service::pipeline::find(conn, platform_id, application_id).await?;
    let a = latest(conn, platform_id, application_id)
        .await?
        .ok_or(HireError::NotFound("resume analysis"))?;
    let over = resume_overrides::Entity::find_by_id(application_id)
        .filter(resume_overrides::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?;
    let effective = over.as_ref().map_or(a.score, |o| o.score);
    Ok(AnalysisView {
        application_id,
        score: a.score,
        effective_score: effective,
        summary: a.summary,
        criteria: a.criteria,
        strengths: a.strengths,
        gaps: a.gaps,
        rubric: a.rubric,
        rubric_version: a.rubric_version,
        provider: a.provider,
        model: a.model,
        prompt_version: a.prompt_version,
        input_sha256: a.input_sha256,
        created_at: a.created_at,
        override_: over.map(|o| OverrideView {
            score: o.score,
            reason: o.reason,
            actor_id: o.actor_id,
            created_at: o.created_at,
        }),
    })
}

/// Sets the human score of an application (audited); it wins over every screening.
pub async fn set_override(
    db: &DatabaseConnection,
    platform_id: Uuid,
    actor: Uuid,
    application_id: Uuid,
    req: OverrideInput,
) -> Result<OverrideView, HireError> {
    let txn = db.begin().await?;
    let app = crate::service::pipeline::find(&txn, platform_id, application_id).await?;
    let now = Utc::now();
    resume_overrides::Entity::insert(resume_overrides::ActiveModel {
        application_id: Set(application_id),
        platform_id: Set(platform_id),
        score: Set(req.score),
        reason: Set(req.reason.clone()),
        actor_id: Set(actor),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(resume_overrides::Column::ApplicationId)
            .update_columns([
                resume_overrides::Column::Score,
                resume_overrides::Column::Reason,
                resume_overrides::Column::ActorId,
                resume_overrides::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let mut active: job_applications::ActiveModel = app.clone().into();
    active.ai_score = Set(Some(req.score));
    active.update(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::new(
            platform_id,
            Some(actor),
            "resume_analysis.override",
            "job_application",
            application_id,
        )
        .change(
            json!({"score": app.ai_score}),
            // the reason stays on the override row (erasable), not in the append-only log
            json!({"score": req.score, "reason_chars": req.reason.chars().count()}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(OverrideView {
        score: req.score,
        reason: req.reason,
        actor_id: actor,
        created_at: now,
    })
}

/// The 02:00 IST backfill: applications never screened (no screening row, AI consent given,
/// not erased, older than an hour so the apply job had its chance) get an `analyse-resume`
/// job again, at most 1000 a run. The job id is the application's, so a backfill twice
/// before the first is worked queues one job. Answers how many were queued.
pub async fn backfill(db: &DatabaseConnection, jobs: &jobs::Jobs) -> Result<usize, HireError> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT a.id, p.slug FROM job_applications a
               JOIN platforms p ON p.id = a.platform_id
               LEFT JOIN application_consents c ON c.application_id = a.id
              WHERE a.erased_at IS NULL AND COALESCE(c.ai_screening, true)
                AND a.created_at < now() - interval '1 hour'
                AND NOT EXISTS (SELECT 1 FROM resume_analyses r WHERE r.application_id = a.id)
              ORDER BY a.created_at LIMIT 1000",
        ))
        .await?;
    let mut queued = 0;
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let slug: String = row.try_get("", "slug")?;
        jobs.enqueue(
            &slug,
            &AnalyseResume { application_id: id },
            Some(&format!("backfill-{id}")),
        )
        .await
        .map_err(|e| HireError::App(AppError::Unexpected(e)))?;
        queued += 1;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_identity_ages_and_years() {
        let text = "Asha Rao\nasha.rao@example.com | +91 98765 43210 | Age: 24\nB.Tech, IIT Bombay, 2019-2023\nDOB 01/02/2001\nSQL and Python; 26 years old; led a team of 5";
        let out = redact(text, "Asha Rao");
        for gone in [
            "Asha", "Rao", "asha.rao", "98765", "43210", "24", "2019", "2023", "2001", "26 years",
        ] {
            assert!(!out.contains(gone), "{gone} survived: {out}");
        }
        for kept in [
            "SQL",
            "Python",
            "IIT",
            "team of 5",
            "[NAME]",
            "[EMAIL]",
            "[PHONE]",
            "[AGE]",
            "[YEAR]",
            "[DOB]",
        ] {
            assert!(out.contains(kept), "{kept} missing: {out}");
        }
    }

    #[test]
    fn the_score_weighs_the_criteria() {
        let rubric = default_rubric();
        let all = json!({"criteria": rubric.iter().map(|c| json!({"key": c.key, "score": 5, "evidence": "x"})).collect::<Vec<_>>()});
        assert_eq!(weighted_score(&rubric, &all), 100);
        assert_eq!(weighted_score(&rubric, &json!({"criteria": []})), 0);
        // skills_match (weight 3 of 8) at 5, the rest 0: 3/8 = 37.5 -> 38
        let one = json!({"criteria": [{"key": "skills_match", "score": 5, "evidence": "x"}, {"key": "made_up", "score": 5, "evidence": "y"}]});
        assert_eq!(weighted_score(&rubric, &one), 38);
    }
}
