//! Marketing forms, events and leagues (ADR 0077). Every public form goes through lead
//! ingestion ([`ingest`]): the same dedupe (a re-inquiry lands on the first lead's timeline
//! with the form and its UTM), `lead.form_submitted` for the workflow trigger, the campaign
//! attribution from `utm_campaign`. A registration is taken under the event's row lock, so
//! the capacity holds under any concurrency; one registration per event and lead (a unique
//! constraint). A repeat changes nothing and is answered like a first registration (ADR 0095:
//! a 409 told anyone holding a phone number or an email whether that person had registered).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use kernel::{
    AppError, Tenant,
    audit::{self, Audit},
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::marketing::{
        EventConfigDto, EventConfigRequest, EventKind, Person, RegistrationAnswer, RegistrationDto,
    },
    error::codes,
    service::ingest::{self, Inbound, Ingested, Profile},
};

/// A text field trimmed, or 422 naming it when it is blank or holds a NUL character
/// (PostgreSQL stores none).
pub fn text(field: &'static str, value: &str) -> Result<String, CrmError> {
    if value.contains('\0') {
        return Err(CrmError::Invalid(
            field,
            "must not contain NUL characters".into(),
        ));
    }
    let t = value.trim();
    if t.is_empty() {
        return Err(CrmError::Invalid(field, "must not be blank".into()));
    }
    Ok(t.to_owned())
}

/// An optional text field: trimmed, blank is none, NUL refused.
pub fn opt_text(field: &'static str, value: Option<&str>) -> Result<Option<String>, CrmError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() && !v.contains('\0') => Ok(None),
        Some(v) => text(field, v).map(Some),
    }
}

/// A time a person would mean and the database can hold: years 2000 to 2199 (422 naming the
/// field otherwise; PostgreSQL refuses far-off years with an error, not a row).
pub fn sane_time(field: &'static str, t: Option<DateTime<Utc>>) -> Result<(), CrmError> {
    match t {
        Some(t) if !(2000..2200).contains(&t.year()) => Err(CrmError::Invalid(
            field,
            "must be a time between the years 2000 and 2199".into(),
        )),
        _ => Ok(()),
    }
}

/// A date in years 2000 to 2199 (422 naming the field otherwise).
pub fn sane_date(field: &'static str, d: Option<chrono::NaiveDate>) -> Result<(), CrmError> {
    match d {
        Some(d) if !(2000..2200).contains(&d.year()) => Err(CrmError::Invalid(
            field,
            "must be a date between the years 2000 and 2199".into(),
        )),
        _ => Ok(()),
    }
}

/// Whether the honeypot was filled.
pub fn is_bot(person: &Person) -> bool {
    person
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
}

/// What ingestion receives for a person who filled `form`.
pub fn inbound(
    form: &str,
    person: Person,
    course: Option<String>,
    extra: serde_json::Value,
) -> Result<Inbound, CrmError> {
    let utm: BTreeMap<String, String> = person.utm.unwrap_or_default();
    let lead = Inbound {
        full_name: person.full_name,
        phone: person.phone,
        email: person.email,
        source: format!("form:{form}"),
        campaign: utm.get("utm_campaign").cloned(),
        form: Some(form.to_owned()),
        utm: serde_json::to_value(&utm).unwrap_or_default(),
        extra,
        vendor_id: None,
        profile: Profile {
            course,
            language: person.language,
            region: person.region,
            whatsapp_consent: person.whatsapp_consent,
        },
    };
    ingest::keys(&lead)?;
    Ok(lead)
}

/// A form's lead, deduplicated like any other.
pub async fn submit(
    db: &DatabaseConnection,
    tenant: &Tenant,
    lead: Inbound,
) -> Result<Ingested, CrmError> {
    ingest::ingest(db, tenant, lead).await
}

const EVENT_COLUMNS: &str = "id, kind, slug, title, description, starts_at, ends_at, \
     registration_closes_at, capacity, registered, active";

fn checked(req: &EventConfigRequest) -> Result<(String, Option<String>), CrmError> {
    let title = text("title", &req.title)?;
    let description = opt_text("description", req.description.as_deref())?;
    sane_time("starts_at", Some(req.starts_at))?;
    sane_time("ends_at", req.ends_at)?;
    sane_time("registration_closes_at", req.registration_closes_at)?;
    if req.ends_at.is_some_and(|e| e <= req.starts_at) {
        return Err(CrmError::Invalid(
            "ends_at",
            "must be after starts_at".into(),
        ));
    }
    Ok((title, description))
}

fn slug_taken(e: sea_orm::DbErr) -> CrmError {
    if kernel::db::violates(&e, "marketing_events_slug_unique") {
        CrmError::App(
            AppError::new(
                &codes::EVENT_SLUG_TAKEN,
                "another event or league of this platform has this slug",
            )
            .on_field("slug"),
        )
    } else {
        e.into()
    }
}

/// Creates an event or league (audited `marketing_event.created`).
pub async fn create_event(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: EventConfigRequest,
) -> Result<EventConfigDto, CrmError> {
    let (title, description) = checked(&req)?;
    let txn = db.begin().await?;
    let id = kernel::ids::new_id();
    let row = EventConfigDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO marketing_events (id, platform_id, kind, slug, title, description, \
             starts_at, ends_at, registration_closes_at, capacity, active, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {EVENT_COLUMNS}"
        ),
        [
            id.into(),
            admin.tenant.id.into(),
            req.kind.as_str().into(),
            req.slug.clone().into(),
            title.into(),
            description.into(),
            req.starts_at.into(),
            req.ends_at.into(),
            req.registration_closes_at.into(),
            req.capacity.into(),
            req.active.unwrap_or(true).into(),
            admin.id.into(),
        ],
    ))
    .one(&txn)
    .await
    .map_err(slug_taken)?
    .ok_or(CrmError::NotFound("event"))?;
    audit::record(
        &txn,
        Audit::by(admin, "marketing_event.created", "marketing_event", id).after(
            serde_json::json!({"kind": row.kind, "slug": row.slug, "capacity": row.capacity}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Replaces an event's settings (audited `marketing_event.updated`); the capacity cannot go
/// below the registrations taken (422 on `capacity`).
pub async fn update_event(
    db: &DatabaseConnection,
    admin: &AuthUser,
    id: Uuid,
    req: EventConfigRequest,
) -> Result<EventConfigDto, CrmError> {
    let (title, description) = checked(&req)?;
    let txn = db.begin().await?;
    let before = EventConfigDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {EVENT_COLUMNS} FROM marketing_events WHERE id = $1 AND platform_id = $2 \
             FOR UPDATE"
        ),
        [id.into(), admin.tenant.id.into()],
    ))
    .one(&txn)
    .await?
    .ok_or(CrmError::NotFound("event"))?;
    if req.kind.as_str() != before.kind {
        return Err(CrmError::Invalid(
            "kind",
            "an event cannot become a league or the other way round".into(),
        ));
    }
    if req.capacity.is_some_and(|c| c < before.registered) {
        return Err(CrmError::Invalid(
            "capacity",
            format!("{} places are already taken", before.registered),
        ));
    }
    let row = EventConfigDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE marketing_events SET slug = $3, title = $4, description = $5, starts_at = $6, \
             ends_at = $7, registration_closes_at = $8, capacity = $9, active = $10, \
             updated_at = now() WHERE id = $1 AND platform_id = $2 RETURNING {EVENT_COLUMNS}"
        ),
        [
            id.into(),
            admin.tenant.id.into(),
            req.slug.clone().into(),
            title.into(),
            description.into(),
            req.starts_at.into(),
            req.ends_at.into(),
            req.registration_closes_at.into(),
            req.capacity.into(),
            req.active.unwrap_or(true).into(),
        ],
    ))
    .one(&txn)
    .await
    .map_err(slug_taken)?
    .ok_or(CrmError::NotFound("event"))?;
    audit::record(
        &txn,
        Audit::by(admin, "marketing_event.updated", "marketing_event", id).change(
            serde_json::json!({"slug": before.slug, "capacity": before.capacity, "active": before.active}),
            serde_json::json!({"slug": row.slug, "capacity": row.capacity, "active": row.active}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Events and leagues of the platform: every one for an admin (`all`), else those open for
/// registration now; soonest first.
pub async fn list_events<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    kind: Option<EventKind>,
    all: bool,
) -> Result<Vec<EventConfigDto>, CrmError> {
    let open = if all {
        ""
    } else {
        " AND active AND COALESCE(registration_closes_at, starts_at) > now()"
    };
    Ok(
        EventConfigDto::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {EVENT_COLUMNS} FROM marketing_events WHERE platform_id = $1 \
                 AND ($2::text IS NULL OR kind = $2){open} ORDER BY starts_at, id LIMIT 500"
            ),
            [
                platform_id.into(),
                kind.map(|k| k.as_str().to_owned()).into(),
            ],
        ))
        .all(conn)
        .await?,
    )
}

/// An event's registrations, newest first (cursor pagination); 404 for another platform's.
pub async fn registrations(
    db: &DatabaseConnection,
    admin: &AuthUser,
    event_id: Uuid,
    page: &PageParams,
) -> Result<Page<RegistrationDto>, CrmError> {
    let limit = page.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    let known = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM marketing_events WHERE id = $1 AND platform_id = $2",
            [event_id.into(), admin.tenant.id.into()],
        ))
        .await?;
    if known.is_none() {
        return Err(CrmError::NotFound("event"));
    }
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = RegistrationDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, lead_id, team_name, institution, utm, created_at FROM marketing_registrations \
         WHERE event_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)) \
         ORDER BY created_at DESC, id DESC LIMIT $4",
        [
            event_id.into(),
            at.into(),
            id.into(),
            i64::try_from(limit + 1).unwrap_or(101).into(),
        ],
    ))
    .all(db)
    .await?;
    Ok(Page::from_rows(rows, limit, |r| (r.created_at, r.id)))
}

/// A registration's own fields (a league's team and institution).
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Team.
    pub team_name: Option<String>,
    /// Institution.
    pub institution: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct Target {
    id: Uuid,
    active: bool,
    capacity: Option<i32>,
    registered: i32,
    open: bool,
}

fn conflict(code: &'static kernel::error::ErrorCode, detail: &str) -> CrmError {
    CrmError::App(AppError::new(code, detail))
}

/// Registers the person for the `kind` with `slug` (a lead deduplicated as always): 404 for
/// an unknown or inactive one, 409 `registration_closed` or `event_full` (for everyone, the
/// registered included); nothing is stored on a 409. The same phone or email again stores
/// nothing and gets the answer of a first registration (a fresh id, as the honeypot's), so
/// the form cannot be asked who has registered.
pub async fn register(
    db: &DatabaseConnection,
    tenant: &Tenant,
    kind: EventKind,
    slug: &str,
    person: Person,
    extra: Extra,
) -> Result<RegistrationAnswer, CrmError> {
    // a slug that cannot exist (NUL, upper case, too long) is simply not found
    if slug.len() > 60 || crate::dto::leads::form_name(slug).is_err() {
        return Err(CrmError::NotFound(kind.as_str()));
    }
    let form = format!("{}-{slug}", kind.as_str());
    let utm = serde_json::to_value(person.utm.clone().unwrap_or_default()).unwrap_or_default();
    let lead = inbound(&form, person, None, serde_json::json!({}))?;
    let team_name = opt_text("team_name", extra.team_name.as_deref())?;
    let institution = opt_text("institution", extra.institution.as_deref())?;
    for _ in 0..3 {
        let txn = db.begin().await?;
        // the event's row lock serialises its registrations: capacity and repeats are
        // decided one at a time
        let target = Target::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, active, capacity, registered, \
             (COALESCE(registration_closes_at, starts_at) > now()) AS open \
             FROM marketing_events WHERE platform_id = $1 AND slug = $2 AND kind = $3 FOR UPDATE",
            [tenant.id.into(), slug.into(), kind.as_str().into()],
        ))
        .one(&txn)
        .await?
        .filter(|t| t.active)
        .ok_or(CrmError::NotFound(kind.as_str()))?;
        if !target.open {
            return Err(conflict(
                &codes::REGISTRATION_CLOSED,
                "registration has closed",
            ));
        }
        let Some(done) = ingest::ingest_in(&txn, tenant, &lead).await? else {
            txn.rollback().await?;
            continue;
        };
        // full before repeat: a full event answers everyone alike
        if target.capacity.is_some_and(|c| target.registered >= c) {
            txn.rollback().await?;
            return Err(conflict(&codes::EVENT_FULL, "every place is taken"));
        }
        let repeat = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS one FROM marketing_registrations WHERE event_id = $1 AND lead_id = $2",
                [target.id.into(), done.id.into()],
            ))
            .await?;
        let id = kernel::ids::new_id();
        if repeat.is_some() {
            // the lead's re-inquiry, its event and the workflows it would trigger go too
            txn.rollback().await?;
            tracing::info!(event_id = %target.id, "marketing registration repeated: nothing stored");
            return Ok(RegistrationAnswer {
                registration_id: id,
                event_id: target.id,
                status: "registered".into(),
            });
        }
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO marketing_registrations (id, platform_id, event_id, lead_id, team_name, \
             institution, utm) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                id.into(),
                tenant.id.into(),
                target.id.into(),
                done.id.into(),
                team_name.clone().into(),
                institution.clone().into(),
                utm.clone().into(),
            ],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE marketing_events SET registered = registered + 1, updated_at = now() \
             WHERE id = $1",
            [target.id.into()],
        ))
        .await?;
        txn.commit().await?;
        tracing::info!(event_id = %target.id, lead_id = %done.id, duplicate_lead = done.duplicate, "marketing registration");
        return Ok(RegistrationAnswer {
            registration_id: id,
            event_id: target.id,
            status: "registered".into(),
        });
    }
    Err(CrmError::Db(sea_orm::DbErr::Custom(
        "a conflicting lead kept vanishing".into(),
    )))
}

/// The answer a honeypot registration gets: looks taken, nothing stored.
pub fn decoy() -> RegistrationAnswer {
    RegistrationAnswer {
        registration_id: kernel::ids::new_id(),
        event_id: kernel::ids::new_id(),
        status: "registered".into(),
    }
}
