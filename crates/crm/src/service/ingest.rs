//! Ingestion (ADR 0048): one transaction per arriving lead. The insert is
//! `INSERT .. ON CONFLICT DO NOTHING` against the unique indexes on (platform, E.164 phone)
//! and (platform, canonical email): when two requests carry the same person at once, one
//! inserts and the other waits for it and finds nothing inserted. A repeat is never dropped:
//! it answers the first lead's id, adds a `re_inquiry` to its timeline with its source, bumps
//! the lead's re-inquiry count and the vendor's duplicate count. A new lead gets its
//! `created` activity, its first stage stay, an owner (when an agent is free) and
//! `lead.created`, all in the same transaction.

use kernel::Tenant;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{
    CrmError,
    entities::ActivityKind,
    events::{LeadCreated, LeadFormSubmitted},
    normalize,
    service::assignment,
};

/// An arriving lead, as sent.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// Name.
    pub full_name: String,
    /// Phone as typed.
    pub phone: String,
    /// Email as typed.
    pub email: Option<String>,
    /// Source (`vendor`, a vendor's own label, `form:<name>`).
    pub source: String,
    /// Campaign.
    pub campaign: Option<String>,
    /// Capture form.
    pub form: Option<String>,
    /// UTM parameters (an object).
    pub utm: serde_json::Value,
    /// Vendor extras (an object).
    pub extra: serde_json::Value,
    /// The sending vendor.
    pub vendor_id: Option<Uuid>,
    /// Course, language, region and consent, when given.
    pub profile: Profile,
}

/// What a lead says about itself beyond the keys (rule-based assignment, send checks).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Course asked about.
    pub course: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// WhatsApp consent.
    pub whatsapp_consent: Option<bool>,
}

/// What ingestion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// The lead (the first one for a duplicate).
    pub id: Uuid,
    /// The person was already a lead.
    pub duplicate: bool,
    /// Its owner now.
    pub owner_id: Option<Uuid>,
}

const INSERT: &str = "INSERT INTO leads (id, platform_id, full_name, phone_e164, email_canonical, \
     source, campaign, form, utm, extra, vendor_id, course, language, region, whatsapp_consent, \
     email, campaign_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
     (SELECT c.id FROM crm_campaigns c WHERE c.platform_id = $2 AND lower(c.utm_campaign) = lower($7))) \
     ON CONFLICT DO NOTHING RETURNING id";

/// The known lead, or the lead it was merged into.
const FIND: &str = "SELECT COALESCE(l.merged_into, l.id) AS id, \
     COALESCE(t.owner_id, l.owner_id) AS owner_id, (l.phone_e164 = $2) AS by_phone \
     FROM leads l LEFT JOIN leads t ON t.id = l.merged_into \
     WHERE l.platform_id = $1 AND (l.phone_e164 = $2 OR l.email_canonical = $3) \
     ORDER BY (l.phone_e164 = $2) DESC, l.created_at, l.id LIMIT 1";

/// The dedupe keys of an arriving lead, or 422 naming `phone`, `email` or `full_name`.
pub fn keys(lead: &Inbound) -> Result<(String, Option<String>, String), CrmError> {
    // PostgreSQL stores no NUL character, in text or in the timeline's jsonb
    for (field, value) in [
        ("full_name", Some(lead.full_name.as_str())),
        ("source", Some(lead.source.as_str())),
        ("campaign", lead.campaign.as_deref()),
        ("form", lead.form.as_deref()),
        ("course", lead.profile.course.as_deref()),
        ("language", lead.profile.language.as_deref()),
        ("region", lead.profile.region.as_deref()),
    ] {
        if value.is_some_and(|v| v.contains('\0')) {
            return Err(CrmError::Invalid(
                field,
                "must not contain NUL characters".into(),
            ));
        }
    }
    let phone =
        normalize::phone_e164(&lead.phone).map_err(|m| CrmError::Invalid("phone", m.to_owned()))?;
    let email = lead
        .email
        .as_deref()
        .map(normalize::email_canonical)
        .transpose()
        .map_err(|m| CrmError::Invalid("email", m.to_owned()))?;
    let full_name = lead.full_name.trim().to_owned();
    if full_name.is_empty() {
        return Err(CrmError::Invalid("full_name", "is required".into()));
    }
    Ok((phone, email, full_name))
}

/// Ingests one lead on `tenant`'s platform: 422 naming `phone` or `email` when they do not
/// normalise.
pub async fn ingest(
    db: &DatabaseConnection,
    tenant: &Tenant,
    lead: Inbound,
) -> Result<Ingested, CrmError> {
    keys(&lead)?;
    // a row that conflicted and then vanished (its inserter rolled back) is tried again
    for _ in 0..3 {
        let txn = db.begin().await?;
        match ingest_in(&txn, tenant, &lead).await? {
            Some(done) => {
                txn.commit().await?;
                return Ok(done);
            }
            None => txn.rollback().await?,
        }
    }
    Err(CrmError::Db(DbErr::Custom(
        "a conflicting lead kept vanishing".into(),
    )))
}

/// Ingests one lead inside `txn` (the import's batch transaction, or [`ingest`]'s own):
/// `None` when the conflicting lead vanished before it could be read (its inserter rolled
/// back), so the caller may try again.
pub async fn ingest_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    lead: &Inbound,
) -> Result<Option<Ingested>, CrmError> {
    let (phone, email, full_name) = keys(lead)?;
    let id = kernel::ids::new_id();
    let inserted = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            INSERT,
            [
                id.into(),
                tenant.id.into(),
                full_name.into(),
                phone.clone().into(),
                email.clone().into(),
                lead.source.clone().into(),
                lead.campaign.clone().into(),
                lead.form.clone().into(),
                lead.utm.clone().into(),
                lead.extra.clone().into(),
                lead.vendor_id.into(),
                lead.profile.course.clone().into(),
                lead.profile.language.clone().into(),
                lead.profile.region.clone().into(),
                lead.profile.whatsapp_consent.into(),
                // where mail goes: the address as given, not the dedupe key
                lead.email
                    .as_deref()
                    .filter(|_| email.is_some())
                    .map(normalize::email_address)
                    .into(),
            ],
        ))
        .await?;
    if inserted.is_some() {
        let owner_id = created(txn, tenant, id, lead).await?;
        form_submitted(txn, tenant, id, lead).await?;
        return Ok(Some(Ingested {
            id,
            duplicate: false,
            owner_id,
        }));
    }
    let found = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            FIND,
            [tenant.id.into(), phone.into(), email.into()],
        ))
        .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    let first: Uuid = row.try_get("", "id")?;
    let owner_id: Option<Uuid> = row.try_get("", "owner_id")?;
    let by_phone: bool = row.try_get("", "by_phone")?;
    reinquiry(txn, tenant, first, by_phone, lead).await?;
    form_submitted(txn, tenant, first, lead).await?;
    Ok(Some(Ingested {
        id: first,
        duplicate: true,
        owner_id,
    }))
}

/// `lead.form_submitted` for a lead named by a form (new or known): the workflow trigger.
async fn form_submitted<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    lead_id: Uuid,
    lead: &Inbound,
) -> Result<(), DbErr> {
    if let Some(form) = &lead.form {
        jobs::outbox::publish_in(
            txn,
            tenant,
            &LeadFormSubmitted {
                lead_id,
                form: form.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

async fn created<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    id: Uuid,
    lead: &Inbound,
) -> Result<Option<Uuid>, DbErr> {
    add_activity_from(
        txn,
        tenant.id,
        id,
        ActivityKind::Created,
        lead,
        serde_json::json!({"campaign": lead.campaign, "form": lead.form}),
    )
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_stage_history (id, platform_id, lead_id, stage, entered_at) \
         SELECT $1, platform_id, id, stage, created_at FROM leads WHERE id = $2",
        [kernel::ids::new_id().into(), id.into()],
    ))
    .await?;
    count_for_vendor(txn, tenant.id, lead.vendor_id, false).await?;
    let owner_id = assignment::assign_next(txn, tenant.id, id).await?;
    jobs::outbox::publish_in(
        txn,
        tenant,
        &LeadCreated {
            lead_id: id,
            vendor_id: lead.vendor_id,
            source: lead.source.clone(),
            owner_id,
        },
    )
    .await?;
    Ok(owner_id)
}

async fn reinquiry<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    first: Uuid,
    by_phone: bool,
    lead: &Inbound,
) -> Result<(), DbErr> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE leads SET reinquiries = reinquiries + 1, updated_at = now() WHERE id = $1",
        [first.into()],
    ))
    .await?;
    add_activity_from(
        txn,
        tenant.id,
        first,
        ActivityKind::ReInquiry,
        lead,
        serde_json::json!({
            "matched_on": if by_phone { "phone" } else { "email" },
            "campaign": lead.campaign,
            "form": lead.form,
            "utm": lead.utm,
        }),
    )
    .await?;
    count_for_vendor(txn, tenant.id, lead.vendor_id, true).await
}

async fn add_activity_from<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    lead_id: Uuid,
    kind: ActivityKind,
    lead: &Inbound,
    data: serde_json::Value,
) -> Result<(), DbErr> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_activities (id, platform_id, lead_id, kind, vendor_id, source, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            lead_id.into(),
            kind.to_string().into(),
            lead.vendor_id.into(),
            lead.source.clone().into(),
            data.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Counts a lead in the vendor's lead-quality ledger (nothing without a vendor).
async fn count_for_vendor<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    vendor_id: Option<Uuid>,
    duplicate: bool,
) -> Result<(), DbErr> {
    let Some(vendor_id) = vendor_id else {
        return Ok(());
    };
    let (created, dup) = if duplicate { (0i64, 1i64) } else { (1, 0) };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO vendor_lead_quality (vendor_id, platform_id, leads_created, duplicates) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (vendor_id) DO UPDATE SET \
         leads_created = vendor_lead_quality.leads_created + EXCLUDED.leads_created, \
         duplicates = vendor_lead_quality.duplicates + EXCLUDED.duplicates, updated_at = now()",
        [
            vendor_id.into(),
            platform_id.into(),
            created.into(),
            dup.into(),
        ],
    ))
    .await?;
    Ok(())
}
