//! Weekly availability rules: create (and generate their slots at once, in the same
//! transaction), list, delete (with the rule's future open slots), and the daily generation
//! for every rule of approved mentors.

use chrono::{NaiveTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::{generate, profiles};
use crate::entities::MentorStatus;
use crate::{
    dto::rules::{CreatedRule, NewRule},
    entities::{mentor_availability_rules as rules, mentor_profiles},
    error::{MentorshipError, violates},
};

fn time(field: &'static str, raw: &str) -> Result<NaiveTime, MentorshipError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw.trim(), "%H:%M:%S"))
        .map_err(|_| MentorshipError::Invalid(field, "must be a time of day, HH:MM".into()))
}

async fn approved<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<mentor_profiles::Model, MentorshipError> {
    match profiles::of_user(conn, platform_id, user_id).await? {
        Some(p) if p.status == MentorStatus::Approved => Ok(p),
        _ => Err(MentorshipError::MentorNotApproved(
            "an approved mentor profile is needed".into(),
        )),
    }
}

/// Adds a rule for the caller's approved profile and opens its slots for the configured
/// days ahead, in one transaction (rule and slots commit together).
pub async fn create(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    req: NewRule,
) -> Result<CreatedRule, MentorshipError> {
    let txn = db.begin().await?;
    let made = create_in(&txn, platform_id, user_id, req).await?;
    txn.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    req: NewRule,
) -> Result<CreatedRule, MentorshipError> {
    let start = time("start_time", &req.start_time)?;
    let end = time("end_time", &req.end_time)?;
    if end <= start {
        return Err(MentorshipError::Invalid(
            "end_time",
            "must be after start_time on the same day".into(),
        ));
    }
    let slot_minutes = req.slot_minutes.unwrap_or(60);
    if i64::from(slot_minutes) > (end - start).num_minutes() {
        return Err(MentorshipError::Invalid(
            "slot_minutes",
            "must fit between start_time and end_time".into(),
        ));
    }
    let profile = approved(txn, platform_id, user_id).await?;
    let tz_name = req.timezone.unwrap_or(profile.timezone);
    let tz = generate::zone(&tz_name).ok_or(MentorshipError::Invalid(
        "timezone",
        "must be an IANA time zone such as Asia/Kolkata".into(),
    ))?;
    let rule = rules::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        mentor_id: Set(profile.id),
        weekday: Set(i16::from(req.weekday)),
        start_time: Set(start),
        end_time: Set(end),
        slot_minutes: Set(slot_minutes),
        timezone: Set(tz.name().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if violates(&e, "mentor_availability_rules_unique") {
            MentorshipError::RuleExists
        } else {
            e.into()
        }
    })?;
    let days = generate::days_ahead(txn).await?;
    let slots_created = generate::generate(txn, &rule, days).await?;
    Ok(CreatedRule {
        rule: rule.into(),
        slots_created,
    })
}

/// The caller's rules (none without a profile).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<rules::Model>, MentorshipError> {
    let Some(profile) = profiles::of_user(conn, platform_id, user_id).await? else {
        return Ok(Vec::new());
    };
    Ok(rules::Entity::find()
        .filter(rules::Column::PlatformId.eq(platform_id))
        .filter(rules::Column::MentorId.eq(profile.id))
        .order_by_asc(rules::Column::Weekday)
        .order_by_asc(rules::Column::StartTime)
        .all(conn)
        .await?)
}

/// Deletes one of the caller's rules and its future open slots (booked ones stay), in one
/// transaction.
pub async fn delete(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    rule_id: Uuid,
) -> Result<(), MentorshipError> {
    let txn = db.begin().await?;
    delete_in(&txn, platform_id, user_id, rule_id).await?;
    txn.commit().await?;
    Ok(())
}

/// [`delete`] inside the caller's transaction.
pub async fn delete_in<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    rule_id: Uuid,
) -> Result<(), MentorshipError> {
    let profile = profiles::of_user(txn, platform_id, user_id)
        .await?
        .ok_or(MentorshipError::NotFound("rule"))?;
    let rule = rules::Entity::find_by_id(rule_id)
        .filter(rules::Column::PlatformId.eq(platform_id))
        .filter(rules::Column::MentorId.eq(profile.id))
        .one(txn)
        .await?
        .ok_or(MentorshipError::NotFound("rule"))?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM mentor_slots WHERE rule_id = $1 AND status = 'open' AND starts_at > now()",
        [rule.id.into()],
    ))
    .await?;
    rules::Entity::delete_by_id(rule.id).exec(txn).await?;
    Ok(())
}

/// The daily run: every rule of an approved mentor, on every platform, generates its slots
/// for the configured days ahead. Returns how many slots were created.
pub async fn generate_all(db: &DatabaseConnection) -> Result<u64, MentorshipError> {
    let days = generate::days_ahead(db).await?;
    let all = rules::Entity::find()
        .filter(
            rules::Column::MentorId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(mentor_profiles::Column::Id)
                    .from(mentor_profiles::Entity)
                    .and_where(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let mut created = 0;
    for rule in &all {
        created += generate::generate(db, rule, days).await?;
    }
    Ok(created)
}
