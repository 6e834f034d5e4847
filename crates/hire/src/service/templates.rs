//! Job templates and stage templates editable per platform (ADR 0082). Seeded suite-wide rows
//! are read-only (409 `seeded_template_read_only`): a platform makes its own. A job template
//! is changed in place with its `version` bumped and archived rather than deleted; posts copy
//! its content when made, so no edit rewrites a post. A stage template is never changed in
//! place: a change inserts the platform's next version of the family and supersedes the
//! previous one; each post keeps the version it was made under (`job_posts.stage_template_id`).
//! Every change is audited.

use std::collections::HashSet;

use chrono::Utc;
use kernel::{audit, tenant::Tenant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, QueryOrder, Set, Statement, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    HireError,
    dto::{
        posts::JobTemplateDto,
        templates::{
            JobTemplatePatch, NewJobTemplate, StageTemplateInput, StageTemplateList,
            StageTemplateView,
        },
    },
    entities::{job_templates, stage_templates},
    service::{posts::TERMINAL_STAGES, reviews, strings},
};

/// The stage email templates a stage template may name (their texts are the crate's).
pub const EMAIL_TEMPLATES: &[&str] = &[
    "interview_invitation",
    "offer_extended",
    "application_rejected",
    "stage_update",
];

/// The answer shape of a job template, with its family's current stages.
pub async fn job_template_dto<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    t: job_templates::Model,
) -> Result<JobTemplateDto, HireError> {
    let stages = reviews::family_template(conn, platform_id, &t.family)
        .await?
        .map(|s| strings(&s.stages))
        .unwrap_or_default();
    Ok(JobTemplateDto {
        id: t.id,
        family: t.family,
        title: t.title,
        description: t.description,
        skills: strings(&t.skills),
        stages,
        seeded: t.platform_id.is_none(),
        version: t.version,
        archived_at: t.archived_at,
        updated_at: t.updated_at,
    })
}

fn title_of(title: &str) -> Result<String, HireError> {
    let t = title.trim();
    if t.is_empty() {
        return Err(HireError::Invalid("title", "must not be blank".into()));
    }
    Ok(t.to_owned())
}

fn skills_of(skills: &[String]) -> serde_json::Value {
    json!(
        skills
            .iter()
            .map(|s| s.trim().to_owned())
            .collect::<Vec<_>>()
    )
}

async fn family_exists<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    family: &str,
) -> Result<(), HireError> {
    if reviews::family_template(conn, platform_id, family)
        .await?
        .is_none()
    {
        return Err(HireError::Invalid(
            "family",
            "no stage template for this family (create one with PUT /api/admin/stage-templates/{family})".into(),
        ));
    }
    Ok(())
}

fn on_title(e: sea_orm::DbErr) -> HireError {
    if kernel::db::violates(&e, "job_templates_title") {
        HireError::JobTemplateTitleTaken
    } else {
        HireError::Db(e)
    }
}

/// Creates a job template of the platform (audited).
pub async fn create_job_template(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    req: NewJobTemplate,
) -> Result<JobTemplateDto, HireError> {
    let title = title_of(&req.title)?;
    let txn = db.begin().await?;
    family_exists(&txn, tenant.id, &req.family).await?;
    let now = Utc::now();
    let row = job_templates::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(Some(tenant.id)),
        family: Set(req.family),
        title: Set(title),
        description: Set(req.description),
        skills: Set(skills_of(&req.skills)),
        created_at: Set(now),
        version: Set(1),
        archived_at: Set(None),
        created_by: Set(Some(actor)),
        updated_by: Set(Some(actor)),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(on_title)?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "job_template.create",
            "job_template",
            row.id,
        )
        .after(json!({"family": row.family, "title": row.title, "version": 1})),
    )
    .await?;
    let dto = job_template_dto(&txn, tenant.id, row).await?;
    txn.commit().await?;
    Ok(dto)
}

async fn own_job_template<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<job_templates::Model, HireError> {
    let row = job_templates::Entity::find_by_id(id)
        .filter(
            Condition::any()
                .add(job_templates::Column::PlatformId.eq(platform_id))
                .add(job_templates::Column::PlatformId.is_null()),
        )
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("job template"))?;
    if row.platform_id.is_none() {
        return Err(HireError::SeededTemplateReadOnly);
    }
    Ok(row)
}

async fn lock_job_template<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<(), HireError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM job_templates WHERE id = $1 FOR UPDATE",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Changes a job template of the platform (audited; the version goes up). Posts made from it
/// keep what they copied.
pub async fn update_job_template(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    id: Uuid,
    req: JobTemplatePatch,
) -> Result<JobTemplateDto, HireError> {
    let txn = db.begin().await?;
    lock_job_template(&txn, id).await?;
    let before = own_job_template(&txn, tenant.id, id).await?;
    let mut row: job_templates::ActiveModel = before.clone().into();
    if let Some(family) = req.family {
        family_exists(&txn, tenant.id, &family).await?;
        row.family = Set(family);
    }
    if let Some(title) = req.title {
        row.title = Set(title_of(&title)?);
    }
    if let Some(description) = req.description {
        row.description = Set(description);
    }
    if let Some(skills) = req.skills {
        row.skills = Set(skills_of(&skills));
    }
    row.version = Set(before.version + 1);
    row.updated_by = Set(Some(actor));
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await.map_err(on_title)?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "job_template.update",
            "job_template",
            id,
        )
        .change(
            json!({"family": before.family, "title": before.title, "version": before.version}),
            json!({"family": after.family, "title": after.title, "version": after.version}),
        ),
    )
    .await?;
    let dto = job_template_dto(&txn, tenant.id, after).await?;
    txn.commit().await?;
    Ok(dto)
}

/// Archives a job template of the platform (audited): no longer offered for new posts; posts
/// made from it are unchanged. Archiving again changes nothing.
pub async fn archive_job_template(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    id: Uuid,
) -> Result<JobTemplateDto, HireError> {
    let txn = db.begin().await?;
    lock_job_template(&txn, id).await?;
    let before = own_job_template(&txn, tenant.id, id).await?;
    if before.archived_at.is_some() {
        let dto = job_template_dto(&txn, tenant.id, before).await?;
        txn.commit().await?;
        return Ok(dto);
    }
    let mut row: job_templates::ActiveModel = before.clone().into();
    let now = Utc::now();
    row.archived_at = Set(Some(now));
    row.version = Set(before.version + 1);
    row.updated_by = Set(Some(actor));
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "job_template.archive",
            "job_template",
            id,
        )
        .change(
            json!({"archived": false, "version": before.version}),
            json!({"archived": true, "version": after.version}),
        ),
    )
    .await?;
    let dto = job_template_dto(&txn, tenant.id, after).await?;
    txn.commit().await?;
    Ok(dto)
}

/// The answer shape of a stage template version.
pub fn stage_template_view(t: stage_templates::Model) -> StageTemplateView {
    StageTemplateView {
        id: t.id,
        seeded: t.platform_id.is_none(),
        stages: strings(&t.stages),
        family: t.family,
        version: t.version,
        stage_emails: t.stage_emails,
        scorecards: t.scorecards,
        created_at: t.created_at,
    }
}

/// The stage template in use for each family the platform has (its own over the seeded one).
pub async fn stage_templates<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<StageTemplateList, HireError> {
    let rows = stage_templates::Entity::find()
        .filter(stage_templates::Column::SupersededAt.is_null())
        .filter(
            Condition::any()
                .add(stage_templates::Column::PlatformId.eq(platform_id))
                .add(stage_templates::Column::PlatformId.is_null()),
        )
        .order_by_asc(stage_templates::Column::Family)
        .all(conn)
        .await?;
    let own: HashSet<String> = rows
        .iter()
        .filter(|r| r.platform_id.is_some())
        .map(|r| r.family.clone())
        .collect();
    Ok(StageTemplateList {
        items: rows
            .into_iter()
            .filter(|r| r.platform_id.is_some() || !own.contains(&r.family))
            .map(stage_template_view)
            .collect(),
    })
}

fn is_stage_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    s.len() <= 40
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a stage template's content: answers the JSON to store (stages, stage emails,
/// scorecards).
pub fn check_stage_template(
    req: &StageTemplateInput,
) -> Result<(serde_json::Value, serde_json::Value, serde_json::Value), HireError> {
    let mut seen = HashSet::new();
    for stage in &req.stages {
        if !is_stage_name(stage) {
            return Err(HireError::Invalid(
                "stages",
                "each stage is 1-40 lower-case letters, digits and '_', starting with a letter"
                    .into(),
            ));
        }
        if TERMINAL_STAGES.contains(&stage.as_str()) {
            return Err(HireError::Invalid(
                "stages",
                "rejected and withdrawn are every post's; leave them out".into(),
            ));
        }
        if !seen.insert(stage.as_str()) {
            return Err(HireError::Invalid(
                "stages",
                "stages must be distinct".into(),
            ));
        }
    }
    let known = |s: &str| seen.contains(s) || TERMINAL_STAGES.contains(&s);
    for (stage, template) in &req.stage_emails {
        if !known(stage.as_str()) {
            return Err(HireError::Invalid(
                "stage_emails",
                "each key must be one of the stages, rejected or withdrawn".into(),
            ));
        }
        if !EMAIL_TEMPLATES.contains(&template.as_str()) {
            return Err(HireError::Invalid(
                "stage_emails",
                format!("each value must be one of {}", EMAIL_TEMPLATES.join(", ")),
            ));
        }
    }
    for (stage, criteria) in &req.scorecards {
        if !seen.contains(stage.as_str()) {
            return Err(HireError::Invalid(
                "scorecards",
                "each key must be one of the stages".into(),
            ));
        }
        if criteria.is_empty() || criteria.len() > 20 {
            return Err(HireError::Invalid(
                "scorecards",
                "a stage has 1-20 criteria".into(),
            ));
        }
        let mut keys = HashSet::new();
        for c in criteria {
            let key_ok = !c.key.is_empty()
                && c.key.len() <= 40
                && c.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let text = c.description.trim().chars().count();
            if !key_ok || !(1..=200).contains(&text) || !keys.insert(c.key.as_str()) {
                return Err(HireError::Invalid(
                    "scorecards",
                    "criteria have distinct keys (1-40 of a-z, 0-9, '_') and a 1-200 character description".into(),
                ));
            }
        }
    }
    let scorecards: serde_json::Map<String, serde_json::Value> = req
        .scorecards
        .iter()
        .map(|(stage, criteria)| {
            (
                stage.clone(),
                json!(
                    criteria
                        .iter()
                        .map(|c| json!({"key": c.key, "description": c.description.trim()}))
                        .collect::<Vec<_>>()
                ),
            )
        })
        .collect();
    Ok((
        json!(req.stages),
        json!(req.stage_emails),
        serde_json::Value::Object(scorecards),
    ))
}

/// Makes the platform's next version of `family`'s stage template (audited): new posts of the
/// family use it; posts already made keep the version they were made under. Answers the new
/// version and whether it is the platform's first of the family.
pub async fn put_stage_template(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    family: &str,
    req: StageTemplateInput,
) -> Result<(StageTemplateView, bool), HireError> {
    if crate::dto::posts::valid_key(family).is_err() || family.len() > 40 {
        return Err(HireError::Invalid(
            "family",
            "1-40 lower-case letters, digits and '_'".into(),
        ));
    }
    let (stages, stage_emails, scorecards) = check_stage_template(&req)?;
    let txn = db.begin().await?;
    // one writer per platform and family at a time
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended('stage_templates:' || $1 || ':' || $2, 75))",
        [tenant.id.to_string().into(), family.to_owned().into()],
    ))
    .await?;
    let current = stage_templates::Entity::find()
        .filter(stage_templates::Column::PlatformId.eq(tenant.id))
        .filter(stage_templates::Column::Family.eq(family))
        .order_by_desc(stage_templates::Column::Version)
        .one(&txn)
        .await?;
    let now = Utc::now();
    if let Some(cur) = &current {
        stage_templates::Entity::update_many()
            .col_expr(
                stage_templates::Column::SupersededAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(stage_templates::Column::Id.eq(cur.id))
            .filter(stage_templates::Column::SupersededAt.is_null())
            .exec(&txn)
            .await?;
    }
    let version = current.as_ref().map_or(1, |c| c.version + 1);
    let row = stage_templates::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(Some(tenant.id)),
        family: Set(family.to_owned()),
        stages: Set(stages),
        stage_emails: Set(stage_emails),
        scorecards: Set(scorecards),
        created_at: Set(now),
        version: Set(version),
        superseded_at: Set(None),
        created_by: Set(Some(actor)),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "stage_template.update",
            "stage_template",
            row.id,
        )
        .change(
            json!({"family": family, "version": current.as_ref().map(|c| c.version), "stages": current.as_ref().map(|c| c.stages.clone())}),
            json!({"family": family, "version": version, "stages": row.stages}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((stage_template_view(row), current.is_none()))
}

/// The templates the platform can start from (its own and the seeded ones); archived ones of
/// its own too when `archived` is true.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    archived: bool,
) -> Result<Vec<JobTemplateDto>, HireError> {
    let mut q = job_templates::Entity::find().filter(
        Condition::any()
            .add(job_templates::Column::PlatformId.eq(platform_id))
            .add(job_templates::Column::PlatformId.is_null()),
    );
    if !archived {
        q = q.filter(job_templates::Column::ArchivedAt.is_null());
    }
    let rows = q
        .order_by_asc(job_templates::Column::Family)
        .order_by_asc(job_templates::Column::Title)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(job_template_dto(conn, platform_id, t).await?);
    }
    Ok(out)
}
