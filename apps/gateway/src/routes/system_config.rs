//! System configuration (the seed's SystemConfig): read and change runtime flags (admins).

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use jobs::schedule_source::SchedulesChanged;
use kernel::{
    AppContext, AppError,
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
    system_config::entity as system_config,
};
use sea_orm::{EntityTrait, QueryOrder, Set, TransactionTrait, sea_query::OnConflict};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Mounts `/api/system-config`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(get_one).service(put_one);
}

/// One configuration entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigEntry {
    /// UPPER_SNAKE_CASE key.
    pub key: String,
    /// JSON value.
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// What the key controls.
    pub description: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Who changed it (null for seeded values).
    pub updated_by: Option<Uuid>,
}

impl From<system_config::Model> for ConfigEntry {
    fn from(m: system_config::Model) -> Self {
        Self {
            key: m.key,
            value: m.value,
            description: m.description,
            updated_at: m.updated_at,
            updated_by: m.updated_by,
        }
    }
}

/// New value of a key.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PutConfig {
    /// Any JSON value except null, at most 64 KiB serialized.
    #[validate(custom(function = "valid_value"))]
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// What the key controls.
    #[validate(length(max = 500))]
    pub description: Option<String>,
}

fn valid_value(value: &serde_json::Value) -> Result<(), ValidationError> {
    if value.is_null() {
        return Err(ValidationError::new("required").with_message("must not be null".into()));
    }
    if value.to_string().len() > 64 * 1024 {
        return Err(ValidationError::new("length").with_message("must be at most 64 KiB".into()));
    }
    Ok(())
}

fn check_key(key: &str) -> Result<(), AppError> {
    let ok = (1..=100).contains(&key.len())
        && key.as_bytes()[0].is_ascii_uppercase()
        && key
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_field(
            "key",
            "must be UPPER_SNAKE_CASE, 1-100 characters",
        ))
    }
}

/// Every key (admins).
#[utoipa::path(tag = "platform", security(("bearer" = [])), responses((status = 200, body = Vec<ConfigEntry>)))]
#[get("/api/system-config")]
async fn list(
    _admin: Require<Admin>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<ConfigEntry>>> {
    let rows = system_config::Entity::find()
        .order_by_asc(system_config::Column::Key)
        .all(&ctx.db)
        .await?;
    Ok(web::Json(rows.into_iter().map(ConfigEntry::from).collect()))
}

/// One key (admins).
#[utoipa::path(tag = "platform", security(("bearer" = [])), responses((status = 200, body = ConfigEntry), (status = 404, body = kernel::error::Problem)))]
#[get("/api/system-config/{key}")]
async fn get_one(
    _admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    key: web::Path<String>,
) -> AppResult<web::Json<ConfigEntry>> {
    let row = system_config::Entity::find_by_id(key.clone())
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no configuration key {:?}", key.as_str())))?;
    Ok(web::Json(row.into()))
}

/// Sets a key (admins); creates it when absent.
#[utoipa::path(
    tag = "platform",
    security(("bearer" = [])),
    request_body = PutConfig,
    responses((status = 200, body = ConfigEntry), (status = 422, body = kernel::error::Problem), (status = 413, body = kernel::error::Problem))
)]
#[put("/api/system-config/{key}")]
async fn put_one(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    queues: web::Data<jobs::Jobs>,
    key: web::Path<String>,
    body: ValidJson<PutConfig>,
) -> AppResult<web::Json<ConfigEntry>> {
    check_key(&key)?;
    let body = body.into_inner();
    let row = system_config::ActiveModel {
        key: Set(key.into_inner()),
        value: Set(body.value),
        description: Set(body.description.clone().unwrap_or_default()),
        updated_at: Set(Utc::now()),
        updated_by: Set(Some(admin.id)),
    };
    let mut columns = vec![
        system_config::Column::Value,
        system_config::Column::UpdatedAt,
        system_config::Column::UpdatedBy,
    ];
    if body.description.is_some() {
        columns.push(system_config::Column::Description);
    }
    // the change and its `schedules.changed` event commit together, so schedules toggled by
    // this key follow the commit (see jobs::schedule_source)
    let txn = ctx.db.begin().await?;
    let saved = system_config::Entity::insert(row)
        .on_conflict(
            OnConflict::column(system_config::Column::Key)
                .update_columns(columns)
                .to_owned(),
        )
        .exec_with_returning(&txn)
        .await?;
    let event = SchedulesChanged {
        what: format!("system_config:{}", saved.key),
    };
    jobs::outbox::publish_in(&txn, &admin.tenant, &event).await?;
    txn.commit().await?;
    queues.notify_committed();
    Ok(web::Json(saved.into()))
}
