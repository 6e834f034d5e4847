//! Mentor profiles: apply, approve, list (one query, the next open slot joined laterally),
//! and read.

use chrono::{DateTime, Utc};
use kernel::{
    AppContext, AppError, Tenant,
    auth::Role,
    pagination::{Page, decode_cursor},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, Statement, TransactionTrait, Value,
};
use serde_json::json;
use uuid::Uuid;

use crate::entities::{MentorStatus, SlotStatus};
use crate::{
    dto::{ApplyRequest, MentorDto, MentorFilter, SlotDto},
    entities::mentor_profiles,
    error::{MentorshipError, violates},
};

/// Applies as a mentor (one profile per user and platform).
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    req: ApplyRequest,
) -> Result<mentor_profiles::Model, MentorshipError> {
    let now = Utc::now();
    mentor_profiles::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        user_id: Set(user_id),
        full_name: Set(req.full_name),
        headline: Set(req.headline),
        bio: Set(req.bio),
        expertise: Set(json!(normalise(req.expertise))),
        languages: Set(json!(normalise(req.languages))),
        years: Set(req.years),
        price_tokens: Set(req.price_tokens),
        timezone: Set(req.timezone.unwrap_or_else(|| "Asia/Kolkata".into())),
        status: Set(MentorStatus::Pending),
        rating_sum: Set(0),
        rating_count: Set(0),
        approved_at: Set(None),
        approved_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if violates(&e, "mentor_profiles_user") {
            MentorshipError::AlreadyApplied
        } else {
            e.into()
        }
    })
}

fn normalise(tags: Vec<String>) -> Vec<String> {
    let mut tags: Vec<String> = tags.into_iter().map(|t| t.trim().to_lowercase()).collect();
    tags.sort();
    tags.dedup();
    tags
}

/// Approves a pending (or rejected) application, audited with the status before and after;
/// approving twice changes nothing.
pub async fn approve<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    profile_id: Uuid,
    admin: Uuid,
) -> Result<mentor_profiles::Model, MentorshipError> {
    let profile = get(conn, platform_id, profile_id).await?;
    if profile.status == MentorStatus::Approved {
        return Ok(profile);
    }
    let before = profile.status;
    let mut active: mentor_profiles::ActiveModel = profile.into();
    active.status = Set(MentorStatus::Approved);
    active.approved_at = Set(Some(Utc::now()));
    active.approved_by = Set(Some(admin));
    active.updated_at = Set(Utc::now());
    let saved = active.update(conn).await?;
    kernel::audit::record(
        conn,
        kernel::audit::Audit::new(
            platform_id,
            Some(admin),
            "mentor_profile.approved",
            "mentor_profile",
            saved.id,
        )
        .change(
            serde_json::json!({"status": before}),
            serde_json::json!({"status": saved.status, "user_id": saved.user_id}),
        ),
    )
    .await?;
    Ok(saved)
}

/// Approves an application ([`approve`]) and makes its user an EXPERT, audited, in one
/// transaction; the user's cached directory entry is dropped once it committed.
pub async fn approve_and_promote(
    ctx: &AppContext,
    tenant: &Tenant,
    profile_id: Uuid,
    admin: Uuid,
) -> Result<mentor_profiles::Model, MentorshipError> {
    let txn = ctx.db.begin().await?;
    let profile = approve(&txn, tenant.id, profile_id, admin).await?;
    let promoted = identity::service::admin::promote_user(
        &txn,
        tenant,
        admin,
        profile.user_id,
        Role::Expert,
        "mentor.approved",
    )
    .await
    .map_err(|e| MentorshipError::App(AppError::from(e)))?;
    txn.commit().await?;
    if promoted {
        identity::service::directory::invalidate(ctx, profile.user_id).await;
    }
    Ok(profile)
}

/// A profile of this platform.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    profile_id: Uuid,
) -> Result<mentor_profiles::Model, MentorshipError> {
    mentor_profiles::Entity::find_by_id(profile_id)
        .filter(mentor_profiles::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(MentorshipError::NotFound("mentor"))
}

/// The caller's own profile.
pub async fn of_user<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<mentor_profiles::Model>, MentorshipError> {
    Ok(mentor_profiles::Entity::find()
        .filter(mentor_profiles::Column::PlatformId.eq(platform_id))
        .filter(mentor_profiles::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    platform_id: Uuid,
    user_id: Uuid,
    full_name: String,
    headline: String,
    bio: String,
    expertise: serde_json::Value,
    languages: serde_json::Value,
    years: i32,
    price_tokens: i64,
    timezone: String,
    status: MentorStatus,
    rating_sum: i64,
    rating_count: i32,
    approved_at: Option<DateTime<Utc>>,
    approved_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    slot_id: Option<Uuid>,
    slot_starts_at: Option<DateTime<Utc>>,
    slot_ends_at: Option<DateTime<Utc>>,
}

impl Row {
    fn into_dto(self) -> MentorDto {
        let next = match (self.slot_id, self.slot_starts_at, self.slot_ends_at) {
            (Some(id), Some(start_at), Some(end_at)) => Some(SlotDto {
                id,
                start_at,
                end_at,
                status: SlotStatus::Open,
            }),
            _ => None,
        };
        MentorDto::new(
            mentor_profiles::Model {
                id: self.id,
                platform_id: self.platform_id,
                user_id: self.user_id,
                full_name: self.full_name,
                headline: self.headline,
                bio: self.bio,
                expertise: self.expertise,
                languages: self.languages,
                years: self.years,
                price_tokens: self.price_tokens,
                timezone: self.timezone,
                status: self.status,
                rating_sum: self.rating_sum,
                rating_count: self.rating_count,
                approved_at: self.approved_at,
                approved_by: self.approved_by,
                created_at: self.created_at,
                updated_at: self.updated_at,
            },
            next,
        )
    }
}

/// Approved mentors of a platform matching `f`, by id, with their next open slot: one
/// statement per page, however many mentors it holds. The statement names only the filters
/// in use (no `$n IS NULL OR ...`), so PostgreSQL's cached generic plan of each shape still
/// walks the listing index and stops after the page (with the optional-filter form the
/// generic plan looked up the next slot of every mentor, then sorted: 8.5 ms instead of
/// 0.2 ms for 1,000 mentors).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    f: &MentorFilter,
    limit: u64,
) -> Result<Page<MentorDto>, kernel::AppError> {
    let after: Option<Uuid> = f
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let now = Utc::now();
    let from = f.available_from.unwrap_or(now).max(now);
    let mut values: Vec<Value> = vec![platform_id.into(), from.into()];
    let mut param = |v: Value| {
        values.push(v);
        format!("${}", values.len())
    };
    let slot_until = f
        .available_to
        .map(|to| format!(" AND starts_at < {}", param(to.into())))
        .unwrap_or_default();
    let tag = |t: &String| -> Value { json!([t.trim().to_lowercase()]).into() };
    let mut filters = String::new();
    if let Some(after) = after {
        filters += &format!(" AND p.id > {}", param(after.into()));
    }
    if let Some(t) = &f.expertise {
        filters += &format!(" AND p.expertise @> {}", param(tag(t)));
    }
    if let Some(t) = &f.language {
        filters += &format!(" AND p.languages @> {}", param(tag(t)));
    }
    if let Some(min) = f.min_price {
        filters += &format!(" AND p.price_tokens >= {}", param(min.into()));
    }
    if let Some(max) = f.max_price {
        filters += &format!(" AND p.price_tokens <= {}", param(max.into()));
    }
    if f.available_from.is_some() || f.available_to.is_some() {
        filters += " AND s.id IS NOT NULL";
    }
    let take = param(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());
    let sql = format!(
        "SELECT p.*, s.id AS slot_id, s.starts_at AS slot_starts_at, s.ends_at AS slot_ends_at
           FROM mentor_profiles p
           LEFT JOIN LATERAL (
                 SELECT id, starts_at, ends_at FROM mentor_slots
                  WHERE mentor_id = p.id AND status = 'open' AND starts_at >= $2{slot_until}
                  ORDER BY starts_at LIMIT 1) s ON true
          WHERE p.platform_id = $1 AND p.status = 'approved'{filters}
          ORDER BY p.id
          LIMIT {take}"
    );
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .all(conn)
    .await?;
    let page = Page::from_rows(rows, limit, |r| r.id);
    Ok(page.map(Row::into_dto))
}
