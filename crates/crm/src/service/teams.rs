//! Sales teams (a SALES_HEAD and their agents), agents' assignment settings and the vendors'
//! lead-quality ledger (ADMIN).

use chrono::Utc;
use identity::entities::users;
use kernel::{
    audit::{self, Audit},
    auth::{AuthUser, Capability, Role},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::teams::{AgentDto, AgentSettings, NewTeam, TeamDto, VendorQualityDto},
    entities::{sales_agents, sales_team_members, sales_teams, vendor_lead_quality},
};

async fn user_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    field: &'static str,
) -> Result<users::Model, CrmError> {
    users::Entity::find_by_id(user_id)
        .filter(users::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or_else(|| CrmError::Invalid(field, "is not a user of this platform".into()))
}

fn caps_of(user: &users::Model) -> Vec<Capability> {
    serde_json::from_value(user.capabilities.clone()).unwrap_or_default()
}

fn is_seller(user: &users::Model) -> bool {
    user.role == Role::Sales || caps_of(user).contains(&Capability::SalesHead)
}

async fn members<C: ConnectionTrait>(conn: &C, team_id: Uuid) -> Result<Vec<Uuid>, CrmError> {
    Ok(sales_team_members::Entity::find()
        .select_only()
        .column(sales_team_members::Column::UserId)
        .filter(sales_team_members::Column::TeamId.eq(team_id))
        .order_by_asc(sales_team_members::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Creates a team led by a user holding the `sales_head` capability.
pub async fn create_team(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: NewTeam,
) -> Result<TeamDto, CrmError> {
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        return Err(CrmError::Invalid("name", "is required".into()));
    }
    let txn = db.begin().await?;
    let head = user_of(&txn, admin.tenant.id, req.head_id, "head_id").await?;
    if !caps_of(&head).contains(&Capability::SalesHead) {
        return Err(CrmError::Invalid(
            "head_id",
            "does not hold the sales_head capability".into(),
        ));
    }
    let taken = sales_teams::Entity::find()
        .filter(sales_teams::Column::PlatformId.eq(admin.tenant.id))
        .filter(sales_teams::Column::Name.eq(name.clone()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(CrmError::TeamNameTaken);
    }
    let team = sales_teams::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(admin.tenant.id),
        name: Set(name),
        head_id: Set(head.id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kernel::db::violates(&e, "sales_teams_name_unique") {
            CrmError::TeamNameTaken
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        Audit::by(admin, "sales_team.created", "sales_team", team.id)
            .after(serde_json::json!({"name": team.name, "head_id": team.head_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(TeamDto::new(team, Vec::new()))
}

/// Adds a SALES user to a team (idempotent; 409 `agent_in_another_team` when they are in
/// another team of the platform).
pub async fn add_member(
    db: &DatabaseConnection,
    admin: &AuthUser,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<TeamDto, CrmError> {
    let txn = db.begin().await?;
    let team = sales_teams::Entity::find_by_id(team_id)
        .filter(sales_teams::Column::PlatformId.eq(admin.tenant.id))
        .one(&txn)
        .await?
        .ok_or(CrmError::NotFound("sales team"))?;
    let user = user_of(&txn, admin.tenant.id, user_id, "user_id").await?;
    if !is_seller(&user) {
        return Err(CrmError::Invalid("user_id", "is not a sales user".into()));
    }
    let current = sales_team_members::Entity::find()
        .filter(sales_team_members::Column::PlatformId.eq(admin.tenant.id))
        .filter(sales_team_members::Column::UserId.eq(user.id))
        .one(&txn)
        .await?;
    match current {
        Some(m) if m.team_id == team.id => {}
        Some(_) => return Err(CrmError::AgentInAnotherTeam),
        None => {
            sales_team_members::ActiveModel {
                team_id: Set(team.id),
                user_id: Set(user.id),
                platform_id: Set(admin.tenant.id),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await
            .map_err(|e| {
                if kernel::db::violates(&e, "sales_team_members_one_team") {
                    CrmError::AgentInAnotherTeam
                } else {
                    e.into()
                }
            })?;
            audit::record(
                &txn,
                Audit::by(admin, "sales_team.member_added", "sales_team", team.id)
                    .after(serde_json::json!({"user_id": user.id})),
            )
            .await?;
        }
    }
    let ids = members(&txn, team.id).await?;
    txn.commit().await?;
    Ok(TeamDto::new(team, ids))
}

/// Sets (or creates) a SALES user's assignment settings.
pub async fn put_agent(
    db: &DatabaseConnection,
    admin: &AuthUser,
    user_id: Uuid,
    req: AgentSettings,
) -> Result<AgentDto, CrmError> {
    let txn = db.begin().await?;
    let user = user_of(&txn, admin.tenant.id, user_id, "user_id").await?;
    if !is_seller(&user) {
        return Err(CrmError::Invalid("user_id", "is not a sales user".into()));
    }
    let before = sales_agents::Entity::find_by_id(user.id).one(&txn).await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO sales_agents (user_id, platform_id, active, capacity, weight) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET \
         active = EXCLUDED.active, capacity = EXCLUDED.capacity, weight = EXCLUDED.weight, \
         updated_at = now()",
        [
            user.id.into(),
            admin.tenant.id.into(),
            req.active.into(),
            req.capacity.into(),
            req.weight.into(),
        ],
    ))
    .await?;
    let agent = sales_agents::Entity::find_by_id(user.id)
        .one(&txn)
        .await?
        .ok_or(CrmError::NotFound("sales agent"))?;
    audit::record(
        &txn,
        Audit::by(admin, "sales_agent.updated", "user", user.id).change(
            serde_json::json!(before.map(|b| serde_json::json!({
                "active": b.active, "capacity": b.capacity, "weight": b.weight
            }))),
            serde_json::json!({"active": agent.active, "capacity": agent.capacity, "weight": agent.weight}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(agent.into())
}

/// The platform's agents.
pub async fn list_agents(
    db: &DatabaseConnection,
    platform_id: Uuid,
) -> Result<Vec<AgentDto>, CrmError> {
    Ok(sales_agents::Entity::find()
        .filter(sales_agents::Column::PlatformId.eq(platform_id))
        .order_by_asc(sales_agents::Column::CreatedAt)
        .order_by_asc(sales_agents::Column::UserId)
        .limit(1000)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every vendor's lead-quality ledger on the platform.
pub async fn vendor_quality(
    db: &DatabaseConnection,
    platform_id: Uuid,
) -> Result<Vec<VendorQualityDto>, CrmError> {
    Ok(vendor_lead_quality::Entity::find()
        .filter(vendor_lead_quality::Column::PlatformId.eq(platform_id))
        .order_by_desc(vendor_lead_quality::Column::UpdatedAt)
        .limit(1000)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Records a WhatsApp template's approval on the platform (audited).
pub async fn put_template(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: crate::dto::teams::TemplateApproval,
) -> Result<crate::dto::teams::TemplateApprovalDto, CrmError> {
    let name = req.name.trim().to_owned();
    let language = req.language.trim().to_owned();
    if name.is_empty() || name.contains('\0') {
        return Err(CrmError::Invalid("name", "is required".into()));
    }
    if language.len() < 2 || language.contains('\0') {
        return Err(CrmError::Invalid("language", "is 2-15 characters".into()));
    }
    let txn = db.begin().await?;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO crm_whatsapp_templates (platform_id, name, language, approved, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform_id, name, language) DO UPDATE \
             SET approved = EXCLUDED.approved, updated_by = EXCLUDED.updated_by, updated_at = now() \
             RETURNING updated_at",
            [
                admin.tenant.id.into(),
                name.clone().into(),
                language.clone().into(),
                req.approved.into(),
                admin.id.into(),
            ],
        ))
        .await?
        .ok_or(CrmError::NotFound("template"))?;
    let updated_at: chrono::DateTime<chrono::Utc> = row.try_get("", "updated_at")?;
    audit::record(
        &txn,
        Audit::by(
            admin,
            "whatsapp_template.approval_set",
            "whatsapp_template",
            admin.tenant.id,
        )
        .after(serde_json::json!({"name": name, "language": language, "approved": req.approved})),
    )
    .await?;
    txn.commit().await?;
    Ok(crate::dto::teams::TemplateApprovalDto {
        name,
        language,
        approved: req.approved,
        updated_at,
    })
}

/// The platform's WhatsApp template approvals.
pub async fn list_templates(
    db: &DatabaseConnection,
    platform_id: Uuid,
) -> Result<Vec<crate::dto::teams::TemplateApprovalDto>, CrmError> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT name, language, approved, updated_at FROM crm_whatsapp_templates \
             WHERE platform_id = $1 ORDER BY name, language LIMIT 1000",
            [platform_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::dto::teams::TemplateApprovalDto {
                name: r.try_get("", "name")?,
                language: r.try_get("", "language")?,
                approved: r.try_get("", "approved")?,
                updated_at: r.try_get("", "updated_at")?,
            })
        })
        .collect()
}
