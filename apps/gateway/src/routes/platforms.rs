//! Platforms (tenants): the caller's platform, and their administration.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext, Tenant,
    auth::{Admin, Require, SuperAdmin},
    error::AppResult,
    extract::ValidJson,
    tenant::{MODULES, entity as platforms},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::service::platforms as service;

/// Mounts `/api/platform` and `/api/admin/platforms`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(current)
        .service(list)
        .service(create)
        .service(update);
}

/// A platform as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformDto {
    /// Id.
    pub id: Uuid,
    /// Slug used in `X-Platform`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Enabled modules.
    pub modules: Vec<String>,
    /// Whether it is served.
    pub active: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<platforms::Model> for PlatformDto {
    fn from(m: platforms::Model) -> Self {
        Self {
            id: m.id,
            slug: m.slug,
            name: m.name,
            modules: serde_json::from_value(m.modules).unwrap_or_default(),
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// New platform.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreatePlatform {
    /// Lowercase words joined by `-`, at most 64 characters.
    #[validate(custom(function = "valid_slug"))]
    #[schema(max_length = 64, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: String,
    /// Display name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Modules to enable (see `GET /api/platform` for names).
    #[validate(custom(function = "known_modules"))]
    #[serde(default)]
    #[schema(schema_with = modules_schema)]
    pub modules: Vec<String>,
}

/// Changes to a platform.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct UpdatePlatform {
    /// New display name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// The full new list of enabled modules.
    #[validate(custom(function = "known_modules"))]
    #[schema(schema_with = optional_modules_schema)]
    pub modules: Option<Vec<String>>,
    /// Serve or stop serving the platform.
    pub active: Option<bool>,
}

fn valid_slug(slug: &str) -> Result<(), ValidationError> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("slug")
            .with_message("must be lowercase words joined by '-'".into()))
    }
}

/// A list of module names (`kernel::tenant::MODULES`).
fn modules_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(MODULES.iter().copied())),
        )
        .build()
}

/// [`modules_schema`] or null.
fn optional_modules_schema() -> utoipa::openapi::Schema {
    use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Schema, Type};
    Schema::OneOf(
        OneOfBuilder::new()
            .item(modules_schema())
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build(),
    )
}

fn known_modules(modules: &[String]) -> Result<(), ValidationError> {
    match modules.iter().find(|m| !MODULES.contains(&m.as_str())) {
        None => Ok(()),
        Some(unknown) => Err(ValidationError::new("module").with_message(
            format!("unknown module {unknown:?}; known: {}", MODULES.join(", ")).into(),
        )),
    }
}

/// The platform this request resolved to (from `X-Platform`, or the default).
#[utoipa::path(
    tag = "platform",
    params(("X-Platform" = Option<String>, Header, description = "Platform slug")),
    responses((status = 200, body = Tenant), (status = 400, description = "unknown_platform", body = kernel::error::Problem))
)]
#[get("/api/platform")]
async fn current(tenant: Tenant) -> web::Json<Tenant> {
    web::Json(tenant)
}

/// Every platform, active or not (admins).
#[utoipa::path(tag = "platform", security(("bearer" = [])), responses((status = 200, body = Vec<PlatformDto>)))]
#[get("/api/admin/platforms")]
async fn list(
    _admin: Require<Admin>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<PlatformDto>>> {
    let rows = service::all(&ctx.db).await?;
    Ok(web::Json(rows.into_iter().map(PlatformDto::from).collect()))
}

/// Creates a platform (superadmins); 409 `platform_exists` when the slug is taken.
#[utoipa::path(
    tag = "platform",
    security(("bearer" = [])),
    request_body = CreatePlatform,
    responses((status = 201, body = PlatformDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem))
)]
#[post("/api/admin/platforms")]
async fn create(
    admin: Require<SuperAdmin>,
    ctx: web::Data<AppContext>,
    body: ValidJson<CreatePlatform>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let row = service::create(&ctx.db, &admin, &body.slug, &body.name, &body.modules).await?;
    ctx.tenants.invalidate();
    Ok(HttpResponse::Created().json(PlatformDto::from(row)))
}

/// Renames, enables/disables modules of, or deactivates a platform (superadmins).
#[utoipa::path(
    tag = "platform",
    security(("bearer" = [])),
    request_body = UpdatePlatform,
    responses((status = 200, body = PlatformDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem))
)]
#[patch("/api/admin/platforms/{slug}")]
async fn update(
    admin: Require<SuperAdmin>,
    ctx: web::Data<AppContext>,
    slug: web::Path<String>,
    body: ValidJson<UpdatePlatform>,
) -> AppResult<web::Json<PlatformDto>> {
    let body = body.into_inner();
    let row = service::update(
        &ctx.db,
        &admin,
        slug.as_str(),
        service::Changes {
            name: body.name,
            modules: body.modules,
            active: body.active,
        },
    )
    .await?;
    ctx.tenants.invalidate();
    Ok(web::Json(PlatformDto::from(row)))
}
