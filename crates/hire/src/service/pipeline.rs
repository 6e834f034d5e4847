//! The HR pipeline: the list with stage timestamps, an application's detail (its stage log,
//! time in stage, notes and ratings), stage moves (single and bulk) as new events of the
//! immutable log, notes, ratings, and the resume's signed link.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kernel::tenant::Tenant;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
    sea_query::OnConflict,
};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    HireError,
    dto::applications::{
        ApplicationDetail, BulkMoveStage, BulkMoved, MoveStage, NewNote, NoteDto, PipelineItem,
        RatingDto, RatingInput, ResumeLink, StageEvent, StageStamp, TimeInStage,
    },
    entities::{
        application_events, application_notes, application_ratings, job_applications, job_posts,
        resume_files,
    },
    service::{posts::TERMINAL_STAGES, strings},
};

/// Keyset of the pipeline: (applied at, id), newest first.
pub type PipelineKey = (DateTime<Utc>, Uuid);

/// The stage a rejection is recorded as.
pub const REJECTED: &str = "rejected";

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    post_id: Uuid,
    post_title: String,
    candidate_id: Uuid,
    full_name: String,
    email: String,
    phone: Option<String>,
    stage: String,
    stage_changed_at: DateTime<Utc>,
    ai_score: Option<i32>,
    human_review_requested_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

// the email is the application's own (what this applicant gave), not its candidate's
const SELECT: &str = "SELECT a.id, a.post_id, p.title AS post_title, a.candidate_id, c.full_name,
        a.email_canonical AS email, c.phone_canonical AS phone, a.stage, a.stage_changed_at,
        a.ai_score, a.created_at,
        (SELECT r.created_at FROM review_requests r
          WHERE r.application_id = a.id AND r.resolved_at IS NULL) AS human_review_requested_at
   FROM job_applications a
   JOIN candidates c ON c.id = a.candidate_id
   JOIN job_posts p ON p.id = a.post_id
  WHERE a.platform_id = $1";

/// A page of the platform's applications, newest first (`limit + 1` rows), optionally in
/// one stage and for one post.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    stage: Option<&str>,
    post_id: Option<Uuid>,
    after: Option<PipelineKey>,
    limit: u64,
) -> Result<Vec<PipelineItem>, HireError> {
    let mut sql = SELECT.to_owned();
    let mut values: Vec<sea_orm::Value> = vec![platform_id.into()];
    if let Some(stage) = stage {
        values.push(stage.to_owned().into());
        sql.push_str(&format!(" AND a.stage = ${}", values.len()));
    }
    if let Some(post) = post_id {
        values.push(post.into());
        sql.push_str(&format!(" AND a.post_id = ${}", values.len()));
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
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .all(conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut history = stage_history(conn, &ids).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let stages = history.remove(&r.id).unwrap_or_default();
            item(r, stages, now)
        })
        .collect())
}

fn item(r: Row, stage_history: Vec<StageStamp>, now: DateTime<Utc>) -> PipelineItem {
    PipelineItem {
        id: r.id,
        post_id: r.post_id,
        post_title: r.post_title,
        candidate_id: r.candidate_id,
        full_name: r.full_name,
        email: r.email,
        phone: r.phone,
        seconds_in_stage: (now - r.stage_changed_at).num_seconds().max(0),
        stage: r.stage,
        stage_changed_at: r.stage_changed_at,
        stage_history,
        ai_score: r.ai_score,
        human_review_requested_at: r.human_review_requested_at,
        created_at: r.created_at,
    }
}

async fn stage_history<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<StageStamp>>, HireError> {
    let mut out: HashMap<Uuid, Vec<StageStamp>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let events = application_events::Entity::find()
        .filter(application_events::Column::ApplicationId.is_in(ids.to_vec()))
        .order_by_asc(application_events::Column::CreatedAt)
        .order_by_asc(application_events::Column::Id)
        .all(conn)
        .await?;
    for e in events {
        out.entry(e.application_id).or_default().push(StageStamp {
            stage: e.to_stage,
            entered_at: e.created_at,
        });
    }
    Ok(out)
}

/// One application of the platform with everything HR reads (404 otherwise).
pub async fn detail<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<ApplicationDetail, HireError> {
    let row = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT} AND a.id = $2"),
        [platform_id.into(), id.into()],
    ))
    .one(conn)
    .await?
    .ok_or(HireError::NotFound("application"))?;
    let app = find(conn, platform_id, id).await?;
    let resume = match app.resume_file_id {
        Some(file) => resume_files::Entity::find_by_id(file).one(conn).await?,
        None => None,
    };
    let events = application_events::Entity::find()
        .filter(application_events::Column::ApplicationId.eq(id))
        .order_by_asc(application_events::Column::CreatedAt)
        .order_by_asc(application_events::Column::Id)
        .all(conn)
        .await?;
    let now = Utc::now();
    let time_in_stage = time_in_stage(&events, now);
    let stamps = events
        .iter()
        .map(|e| StageStamp {
            stage: e.to_stage.clone(),
            entered_at: e.created_at,
        })
        .collect();
    let notes = application_notes::Entity::find()
        .filter(application_notes::Column::ApplicationId.eq(id))
        .order_by_asc(application_notes::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|n| NoteDto {
            id: n.id,
            author_id: n.author_id,
            body: n.body,
            created_at: n.created_at,
        })
        .collect();
    let ratings: Vec<RatingDto> = application_ratings::Entity::find()
        .filter(application_ratings::Column::ApplicationId.eq(id))
        .order_by_asc(application_ratings::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| RatingDto {
            author_id: r.author_id,
            score: r.score,
            comment: r.comment,
            updated_at: r.updated_at,
        })
        .collect();
    let rating_average = (!ratings.is_empty())
        .then(|| ratings.iter().map(|r| f64::from(r.score)).sum::<f64>() / ratings.len() as f64);
    Ok(ApplicationDetail {
        item: item(row, stamps, now),
        answers: app.answers,
        resume_filename: app.resume_filename,
        resume_sha256: resume.map(|r| r.sha256),
        events: events
            .into_iter()
            .map(|e| StageEvent {
                id: e.id,
                from_stage: e.from_stage,
                to_stage: e.to_stage,
                reason: e.reason,
                actor_id: e.actor_id,
                created_at: e.created_at,
            })
            .collect(),
        time_in_stage,
        notes,
        ratings,
        rating_average,
        human_reviews: super::reviews::list(conn, id).await?,
        scorecards: super::reviews::scorecards(conn, id).await?,
        emails: super::reviews::emails(conn, id).await?,
    })
}

/// Seconds spent per stage, from the log: each event lasts until the next (the last until
/// `now`); a stage entered twice adds up. In order of first entry.
pub fn time_in_stage(events: &[application_events::Model], now: DateTime<Utc>) -> Vec<TimeInStage> {
    let mut out: Vec<TimeInStage> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let until = events.get(i + 1).map_or(now, |n| n.created_at);
        let seconds = (until - e.created_at).num_seconds().max(0);
        match out.iter_mut().find(|t| t.stage == e.to_stage) {
            Some(t) => t.seconds += seconds,
            None => out.push(TimeInStage {
                stage: e.to_stage.clone(),
                seconds,
            }),
        }
    }
    out
}

/// An application of the platform (404 otherwise).
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<job_applications::Model, HireError> {
    job_applications::Entity::find_by_id(id)
        .filter(job_applications::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("application"))
}

/// Moves one application (a new event); answers the event.
pub async fn move_stage(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    id: Uuid,
    req: MoveStage,
) -> Result<StageEvent, HireError> {
    let txn = db.begin().await?;
    let app = job_applications::Entity::find_by_id(id)
        .filter(job_applications::Column::PlatformId.eq(tenant.id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(HireError::NotFound("application"))?;
    let event = apply_move(&txn, tenant, actor, app, &req.stage, req.reason.as_deref()).await?;
    txn.commit().await?;
    Ok(event)
}

/// Moves several applications in one transaction: every one must be of the platform (404)
/// and the stage valid for each (422); those already there are listed as unchanged.
pub async fn bulk_move(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    req: BulkMoveStage,
) -> Result<BulkMoved, HireError> {
    let mut ids = req.application_ids.clone();
    ids.sort();
    ids.dedup();
    let txn = db.begin().await?;
    let apps = job_applications::Entity::find()
        .filter(job_applications::Column::PlatformId.eq(tenant.id))
        .filter(job_applications::Column::Id.is_in(ids.clone()))
        .lock_exclusive()
        .all(&txn)
        .await?;
    if apps.len() != ids.len() {
        return Err(HireError::NotFound("application"));
    }
    let mut done = BulkMoved {
        moved: Vec::new(),
        unchanged: Vec::new(),
    };
    for app in apps {
        let id = app.id;
        if app.stage == req.stage {
            done.unchanged.push(id);
            continue;
        }
        apply_move(&txn, tenant, actor, app, &req.stage, req.reason.as_deref()).await?;
        done.moved.push(id);
    }
    txn.commit().await?;
    Ok(done)
}

async fn apply_move<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    actor: Uuid,
    app: job_applications::Model,
    stage: &str,
    reason: Option<&str>,
) -> Result<StageEvent, HireError> {
    let post = job_posts::Entity::find_by_id(app.post_id)
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("job post"))?;
    let stages = strings(&post.stages);
    if !stages.iter().any(|s| s == stage) && !TERMINAL_STAGES.contains(&stage) {
        return Err(HireError::Invalid(
            "stage",
            format!(
                "must be one of {} or {}",
                stages.join(", "),
                TERMINAL_STAGES.join(", ")
            ),
        ));
    }
    if app.stage == stage {
        return Err(HireError::StageUnchanged(stage.to_owned()));
    }
    if (stage == REJECTED || app.stage == REJECTED) && reason.is_none() {
        return Err(HireError::Invalid(
            "reason",
            "is required to reject an application or to reverse a rejection".into(),
        ));
    }
    let now = Utc::now();
    let event = application_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(app.platform_id),
        application_id: Set(app.id),
        from_stage: Set(Some(app.stage.clone())),
        to_stage: Set(stage.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        actor_id: Set(Some(actor)),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    let erased = app.erased_at.is_some();
    let mut active: job_applications::ActiveModel = app.into();
    active.stage = Set(stage.to_owned());
    active.stage_changed_at = Set(now);
    let app = active.update(conn).await?;
    if !erased {
        super::reviews::queue_stage_email(conn, tenant, &post, &app, event.id, stage).await?;
    }
    Ok(StageEvent {
        id: event.id,
        from_stage: event.from_stage,
        to_stage: event.to_stage,
        reason: event.reason,
        actor_id: event.actor_id,
        created_at: event.created_at,
    })
}

/// Adds a note.
pub async fn add_note<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    author: Uuid,
    id: Uuid,
    req: NewNote,
) -> Result<NoteDto, HireError> {
    find(conn, platform_id, id).await?;
    let note = application_notes::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(platform_id),
        application_id: Set(id),
        author_id: Set(author),
        body: Set(req.body),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(NoteDto {
        id: note.id,
        author_id: note.author_id,
        body: note.body,
        created_at: note.created_at,
    })
}

/// Sets the caller's rating (replacing theirs).
pub async fn rate<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    author: Uuid,
    id: Uuid,
    req: RatingInput,
) -> Result<RatingDto, HireError> {
    find(conn, platform_id, id).await?;
    let now = Utc::now();
    application_ratings::Entity::insert(application_ratings::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(platform_id),
        application_id: Set(id),
        author_id: Set(author),
        score: Set(req.score),
        comment: Set(req.comment.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            application_ratings::Column::ApplicationId,
            application_ratings::Column::AuthorId,
        ])
        .update_columns([
            application_ratings::Column::Score,
            application_ratings::Column::Comment,
            application_ratings::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(RatingDto {
        author_id: author,
        score: req.score,
        comment: req.comment,
        updated_at: now,
    })
}

/// A signed link to the application's resume.
pub async fn resume_link<C: ConnectionTrait>(
    conn: &C,
    storage: &Storage,
    platform_id: Uuid,
    id: Uuid,
) -> Result<ResumeLink, HireError> {
    let app = find(conn, platform_id, id).await?;
    let file = app.resume_file_id.ok_or(HireError::NotFound("resume"))?;
    let resume = resume_files::Entity::find_by_id(file)
        .filter(resume_files::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("resume"))?;
    let key = ObjectKey::parse(&resume.storage_key)?;
    let signed = storage
        .signed_get_url(&key, storage.signed_url_ttl())
        .await?;
    Ok(ResumeLink {
        url: signed.url,
        expires_at: signed.expires_at,
        content_type: resume.content_type,
    })
}
