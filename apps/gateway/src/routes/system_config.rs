//! System configuration (the seed's SystemConfig). Per-platform keys (business rules such as
//! the commission or the cancellation policy) are read and set by each platform's ADMIN for
//! their own platform; global keys and the deployment-wide defaults only by a SUPERADMIN.
//! Every change is audited with the old and the new value.

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext, AppError,
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
    system_config::{Scope, entity as system_config_row},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

pub use crate::service::system_config::Target;
use crate::service::system_config::{self as service, Change, scope_of};

/// Mounts `/api/system-config`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(get_one).service(put_one);
}

/// One configuration entry as the caller's platform sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigEntry {
    /// UPPER_SNAKE_CASE key.
    pub key: String,
    /// The value in force on the caller's platform (any JSON value).
    pub value: serde_json::Value,
    /// `platform`: each platform sets its own value; `global`: one value for all.
    pub scope: Scope,
    /// The deployment-wide value (the default of platforms that set none).
    pub default_value: serde_json::Value,
    /// Whether the caller's platform set its own value.
    pub platform_override: bool,
    /// What the key controls.
    pub description: String,
    /// Last change of the deployment-wide value.
    pub updated_at: DateTime<Utc>,
    /// Who changed the deployment-wide value (null for seeded values).
    pub updated_by: Option<Uuid>,
}

/// The entry of `row` given the platform's own value (ignored for global keys).
fn entry_with(row: system_config_row::Model, own: Option<serde_json::Value>) -> ConfigEntry {
    let scope = scope_of(&row.key);
    let own = own.filter(|_| scope == Scope::Platform);
    ConfigEntry {
        value: own.clone().unwrap_or_else(|| row.value.clone()),
        platform_override: own.is_some(),
        scope,
        key: row.key,
        default_value: row.value,
        description: row.description,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
    }
}

/// New value of a key.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PutConfig {
    /// Any JSON value except null, at most 64 KiB serialized, numbers within ±1e300; declared
    /// keys check their type and limits (for example `MENTOR_COMMISSION_PERCENT`: an integer
    /// 0-100).
    #[validate(custom(function = "valid_value"))]
    #[schema(schema_with = any_but_null)]
    pub value: serde_json::Value,
    /// What the key controls (deployment-wide changes only).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Which value to set (default: `platform` for per-platform keys, `global` otherwise).
    pub target: Option<Target>,
}

/// Any JSON value but null.
fn any_but_null() -> utoipa::openapi::Schema {
    use utoipa::openapi::{ObjectBuilder, Schema, Type, schema::AnyOfBuilder};
    let of = |t: Type| ObjectBuilder::new().schema_type(t);
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(of(Type::Object))
            .item(of(Type::Array))
            .item(of(Type::String))
            .item(of(Type::Number))
            .item(of(Type::Boolean))
            .build(),
    )
}

fn valid_value(value: &serde_json::Value) -> Result<(), ValidationError> {
    if value.is_null() {
        return Err(ValidationError::new("required").with_message("must not be null".into()));
    }
    if value.to_string().len() > 64 * 1024 {
        return Err(ValidationError::new("length").with_message("must be at most 64 KiB".into()));
    }
    if !numbers_within(value, 1e300) {
        // jsonb keeps numbers as exact decimals; one near f64::MAX reads back out of range and
        // would break every later read of the key (and of its audit entry)
        return Err(ValidationError::new("range")
            .with_message("numbers must be between -1e300 and 1e300".into()));
    }
    Ok(())
}

/// Whether every number in `value` is within `±limit`.
fn numbers_within(value: &serde_json::Value, limit: f64) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_f64().is_some_and(|f| f.abs() <= limit),
        Value::Array(items) => items.iter().all(|v| numbers_within(v, limit)),
        Value::Object(map) => map.values().all(|v| numbers_within(v, limit)),
        _ => true,
    }
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

/// Every key, with the values in force on the caller's platform (admins).
#[utoipa::path(tag = "platform", security(("bearer" = [])), responses((status = 200, body = Vec<ConfigEntry>), (status = 401, body = kernel::error::Problem), (status = 403, body = kernel::error::Problem)))]
#[get("/api/system-config")]
async fn list(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<ConfigEntry>>> {
    let rows = service::all(&ctx.db, admin.tenant.id).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(row, own)| entry_with(row, own))
            .collect(),
    ))
}

/// One key (admins).
#[utoipa::path(tag = "platform", security(("bearer" = [])), responses((status = 200, body = ConfigEntry), (status = 401, body = kernel::error::Problem), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/api/system-config/{key}")]
async fn get_one(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    key: web::Path<String>,
) -> AppResult<web::Json<ConfigEntry>> {
    let (row, own) = service::one(&ctx.db, admin.tenant.id, &key)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no configuration key {:?}", key.as_str())))?;
    Ok(web::Json(entry_with(row, own)))
}

/// Sets a key. Per-platform keys: the caller's platform's own value (ADMIN of that platform),
/// or with `target: global` the default of every platform (SUPERADMIN). Global keys, and keys
/// no crate declares (created when absent): SUPERADMIN only. Audited with old and new value.
#[utoipa::path(
    tag = "platform",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "UPPER_SNAKE_CASE, 1-100 characters", pattern = "^[A-Z][A-Z0-9_]{0,99}$")),
    request_body = PutConfig,
    responses(
        (status = 200, body = ConfigEntry),
        (status = 400, body = kernel::error::Problem, content_type = "application/problem+json"),
        (status = 401, body = kernel::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A global value or key and the caller is no superadmin", body = kernel::error::Problem, content_type = "application/problem+json"),
        (status = 413, body = kernel::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = kernel::error::Problem, content_type = "application/problem+json"),
    )
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
    let key = key.into_inner();
    let body = body.into_inner();
    let declared = crate::settings::find(&key);
    if let Some(k) = declared {
        k.check(&body.value)
            .map_err(|message| AppError::invalid_field("value", message))?;
    }
    let scope = declared.map_or(Scope::Global, |k| k.scope);
    let target = match (scope, body.target) {
        (Scope::Platform, None | Some(Target::Platform)) => Target::Platform,
        (_, Some(Target::Global)) | (Scope::Global, None) => Target::Global,
        (Scope::Global, Some(Target::Platform)) => {
            return Err(AppError::invalid_field(
                "target",
                "this key has one value for every platform",
            ));
        }
    };
    let (row, own) = service::set(
        &ctx.db,
        &admin,
        Change {
            key: &key,
            value: &body.value,
            description: body.description.as_deref(),
            target,
        },
    )
    .await?;
    queues.notify_committed();
    Ok(web::Json(entry_with(row, own)))
}
