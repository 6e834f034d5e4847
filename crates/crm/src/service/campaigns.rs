//! Campaigns and the CM console (ADR 0078). A lead is attributed to a campaign when it
//! arrives with the campaign's UTM campaign (vendor `campaign`, a form's `utm_campaign`;
//! case-insensitive, first touch: a re-inquiry does not move it) or when an admin attributes
//! it explicitly. The figures (leads, won, lost, conversion, cost per lead) are counted from
//! the leads, merged duplicates left out.

use chrono::{DateTime, Utc};
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::{
        leads::LeadDto,
        marketing::{CampaignDto, CampaignRequest, CmLeadFilter},
    },
    entities::leads,
    error::codes,
    service::{
        access,
        leads::{in_view, newest_first},
        marketing::{sane_date, sane_time, text},
    },
};

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    name: String,
    source: String,
    utm_campaign: String,
    budget_paise: i64,
    starts_on: chrono::NaiveDate,
    ends_on: Option<chrono::NaiveDate>,
    leads: i64,
    won: i64,
    lost: i64,
}

impl From<Row> for CampaignDto {
    fn from(r: Row) -> Self {
        let conversion_percent = if r.leads == 0 {
            0.0
        } else {
            // two decimals, computed on integers
            let hundredths = r.won * 10_000 / r.leads;
            hundredths as f64 / 100.0
        };
        Self {
            id: r.id,
            name: r.name,
            source: r.source,
            utm_campaign: r.utm_campaign,
            budget_paise: r.budget_paise,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            cost_per_lead_paise: (r.leads > 0).then(|| r.budget_paise / r.leads),
            leads: r.leads,
            won: r.won,
            lost: r.lost,
            conversion_percent,
        }
    }
}

const STATS: &str = "SELECT c.id, c.name, c.source, c.utm_campaign, c.budget_paise, c.starts_on, \
     c.ends_on, count(l.id) AS leads, count(l.id) FILTER (WHERE l.stage = 'won') AS won, \
     count(l.id) FILTER (WHERE l.stage = 'lost') AS lost \
     FROM crm_campaigns c LEFT JOIN leads l ON l.campaign_id = c.id AND l.merged_into IS NULL \
     WHERE c.platform_id = $1";

/// Creates a campaign (audited `campaign.created`): 409 `campaign_name_taken` or
/// `campaign_utm_taken`. Leads that arrive from now on with its UTM campaign are attributed
/// to it, and so are the platform's unattributed leads already carrying it.
pub async fn create(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: CampaignRequest,
) -> Result<CampaignDto, CrmError> {
    let name = text("name", &req.name)?;
    let source = text("source", &req.source)?;
    let utm = text("utm_campaign", &req.utm_campaign)?;
    sane_date("starts_on", Some(req.starts_on))?;
    sane_date("ends_on", req.ends_on)?;
    if req.ends_on.is_some_and(|e| e < req.starts_on) {
        return Err(CrmError::Invalid(
            "ends_on",
            "must be on or after starts_on".into(),
        ));
    }
    let txn = db.begin().await?;
    let id = kernel::ids::new_id();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO crm_campaigns (id, platform_id, name, source, utm_campaign, budget_paise, \
         starts_on, ends_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            id.into(),
            admin.tenant.id.into(),
            name.clone().into(),
            source.into(),
            utm.clone().into(),
            req.budget_paise.into(),
            req.starts_on.into(),
            req.ends_on.into(),
            admin.id.into(),
        ],
    ))
    .await
    .map_err(|e| {
        if kernel::db::violates(&e, "crm_campaigns_name_unique") {
            CrmError::App(
                AppError::new(
                    &codes::CAMPAIGN_NAME_TAKEN,
                    "another campaign of this platform has this name",
                )
                .on_field("name"),
            )
        } else if kernel::db::violates(&e, "crm_campaigns_utm_unique") {
            CrmError::App(
                AppError::new(
                    &codes::CAMPAIGN_UTM_TAKEN,
                    "another campaign of this platform has this UTM campaign",
                )
                .on_field("utm_campaign"),
            )
        } else {
            e.into()
        }
    })?;
    let backfilled = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE leads SET campaign_id = $1 WHERE platform_id = $2 AND campaign_id IS NULL \
             AND lower(campaign) = lower($3)",
            [id.into(), admin.tenant.id.into(), utm.into()],
        ))
        .await?
        .rows_affected();
    audit::record(
        &txn,
        Audit::by(admin, "campaign.created", "campaign", id).after(serde_json::json!({
            "name": name, "budget_paise": req.budget_paise, "attributed_leads": backfilled,
        })),
    )
    .await?;
    let row = one(&txn, admin.tenant.id, id).await?;
    txn.commit().await?;
    Ok(row)
}

async fn one<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<CampaignDto, CrmError> {
    Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{STATS} AND c.id = $2 GROUP BY c.id"),
        [platform_id.into(), id.into()],
    ))
    .one(conn)
    .await?
    .map(CampaignDto::from)
    .ok_or(CrmError::NotFound("campaign"))
}

/// The platform's campaigns with their figures, newest first.
pub async fn list(
    db: &DatabaseConnection,
    platform_id: Uuid,
) -> Result<Vec<CampaignDto>, CrmError> {
    Ok(Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{STATS} GROUP BY c.id ORDER BY c.starts_on DESC, c.id DESC LIMIT 500"),
        [platform_id.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(CampaignDto::from)
    .collect())
}

/// Attributes a lead to a campaign (audited `lead.campaign_attributed`, the previous
/// campaign kept); 404 for another platform's lead or campaign.
pub async fn attribute(
    db: &DatabaseConnection,
    admin: &AuthUser,
    campaign_id: Uuid,
    lead_id: Uuid,
) -> Result<CampaignDto, CrmError> {
    let txn = db.begin().await?;
    one(&txn, admin.tenant.id, campaign_id).await?;
    let lead = leads::Entity::find_by_id(lead_id)
        .filter(leads::Column::PlatformId.eq(admin.tenant.id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(CrmError::NotFound("lead"))?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE leads SET campaign_id = $1, updated_at = now() WHERE id = $2",
        [campaign_id.into(), lead_id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "lead.campaign_attributed", "lead", lead_id).change(
            serde_json::json!({"campaign_id": lead.campaign_id}),
            serde_json::json!({"campaign_id": campaign_id}),
        ),
    )
    .await?;
    let row = one(&txn, admin.tenant.id, campaign_id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Leads the caller sees (ADR 0050: a CM or admin the platform's), narrowed by `filter`,
/// newest first with a cursor.
pub async fn leads_seen(
    db: &DatabaseConnection,
    user: &AuthUser,
    filter: &CmLeadFilter,
    page: &PageParams,
) -> Result<Page<LeadDto>, CrmError> {
    for (field, value) in [("form", &filter.form), ("source", &filter.source)] {
        if value
            .as_deref()
            .is_some_and(|v| v.contains('\0') || v.chars().count() > 200)
        {
            return Err(CrmError::Invalid(
                field,
                "at most 200 characters, no NUL".into(),
            ));
        }
    }
    sane_time("created_from", filter.created_from)?;
    sane_time("created_to", filter.created_to)?;
    let limit = page.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    let view = access::view_of(db, user).await?;
    let mut q = in_view(user.tenant.id, &view);
    if let Some(stage) = filter.stage {
        q = q.filter(leads::Column::Stage.eq(stage));
    }
    if let Some(owner) = filter.owner_id {
        q = q.filter(leads::Column::OwnerId.eq(owner));
    }
    match filter.unassigned {
        Some(true) => q = q.filter(leads::Column::OwnerId.is_null()),
        Some(false) => q = q.filter(leads::Column::OwnerId.is_not_null()),
        None => {}
    }
    if let Some(campaign) = filter.campaign_id {
        q = q.filter(leads::Column::CampaignId.eq(campaign));
    }
    if let Some(form) = &filter.form {
        q = q.filter(leads::Column::Form.eq(form.as_str()));
    }
    if let Some(source) = &filter.source {
        q = q.filter(leads::Column::Source.eq(source.as_str()));
    }
    if let Some(from) = filter.created_from {
        q = q.filter(leads::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.created_to {
        q = q.filter(leads::Column::CreatedAt.lt(to));
    }
    newest_first(db, q, after, limit).await
}

/// A campaign's leads (every lead attributed to it, for an admin), newest first.
pub async fn campaign_leads(
    db: &DatabaseConnection,
    admin: &AuthUser,
    campaign_id: Uuid,
    page: &PageParams,
) -> Result<Page<LeadDto>, CrmError> {
    one(db, admin.tenant.id, campaign_id).await?;
    let filter = CmLeadFilter {
        stage: None,
        owner_id: None,
        unassigned: None,
        campaign_id: Some(campaign_id),
        form: None,
        source: None,
        created_from: None,
        created_to: None,
    };
    leads_seen(db, admin, &filter, page).await
}
