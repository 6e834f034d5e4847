//! Tenancy: `X-Platform: <slug>` selects a row of `platforms` (cached per replica);
//! no header selects the configured default; an unknown slug answers 400 `unknown_platform`.
//! Each platform lists the modules it has enabled; [`ModuleGate`] makes a disabled module's
//! routes answer 404.

use std::{
    collections::HashMap,
    future::{Ready, ready},
    rc::Rc,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use actix_web::{
    Error, FromRequest, HttpMessage, HttpRequest, ResponseError,
    body::EitherBody,
    dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    http::header::HeaderName,
};
use futures::future::LocalBoxFuture;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{AppError, codes};

/// The tenant header.
pub const HEADER: HeaderName = HeaderName::from_static("x-platform");

/// Paths served without tenant resolution: process probes and docs, and the real-time
/// endpoints, whose platform comes from their credential (a browser cannot set
/// `X-Platform` on a WebSocket).
pub const EXEMPT_PREFIXES: &[&str] = &[
    "/api/health",
    "/metrics",
    "/api/docs",
    "/api/openapi.json",
    "/socket.io",
    "/ws/terminal/",
];

/// The `platforms` table.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One platform (tenant) of the suite.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "platforms")]
    pub struct Model {
        /// Id (UUID v7).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Slug clients send in `X-Platform`.
        #[sea_orm(unique)]
        pub slug: String,
        /// Display name.
        pub name: String,
        /// Enabled modules, a JSON array of module names.
        pub modules: Json,
        /// Inactive platforms are not served.
        pub active: bool,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are declared here; tenant-owned tables reference `platforms.id`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Modules a platform may enable (routes outside modules are core and always served).
pub const MODULES: &[&str] = &[
    "mentorship",
    "tokens",
    "lms",
    "hire",
    "crm",
    "finance",
    "comms",
    "storage",
];

/// The resolved platform of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tenant {
    /// Platform id.
    pub id: Uuid,
    /// Platform slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Enabled modules.
    pub modules: Vec<String>,
}

/// A new active platform row (used by the seeders and the admin API).
pub fn new_platform_row(
    slug: &str,
    name: &str,
    modules: &[impl AsRef<str>],
) -> entity::ActiveModel {
    let now = chrono::Utc::now();
    let modules: Vec<&str> = modules.iter().map(AsRef::as_ref).collect();
    entity::ActiveModel {
        id: sea_orm::Set(crate::ids::new_id()),
        slug: sea_orm::Set(slug.to_owned()),
        name: sea_orm::Set(name.to_owned()),
        modules: sea_orm::Set(serde_json::json!(modules)),
        active: sea_orm::Set(true),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
    }
}

impl Tenant {
    /// Whether the platform enabled `module`.
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.iter().any(|m| m == module)
    }

    fn from_model(m: entity::Model) -> Self {
        let modules = serde_json::from_value(m.modules).unwrap_or_default();
        Tenant {
            id: m.id,
            slug: m.slug,
            name: m.name,
            modules,
        }
    }
}

struct Snapshot {
    by_slug: HashMap<String, Arc<Tenant>>,
    loaded_at: Option<Instant>,
}

/// The per-replica cache of active platforms.
pub struct TenantRegistry {
    snapshot: RwLock<Snapshot>,
    reload: tokio::sync::Mutex<()>,
    ttl: Duration,
    default_slug: String,
}

/// After a miss, the registry reloads at most this often (so junk slugs cannot hammer the DB).
const MISS_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

impl TenantRegistry {
    /// An empty registry; the first request loads it.
    pub fn new(default_slug: String, ttl: Duration) -> Self {
        Self {
            snapshot: RwLock::new(Snapshot {
                by_slug: HashMap::new(),
                loaded_at: None,
            }),
            reload: tokio::sync::Mutex::new(()),
            ttl,
            default_slug,
        }
    }

    /// Resolves `slug` (or the default platform).
    pub async fn resolve(
        &self,
        db: &DatabaseConnection,
        slug: Option<&str>,
    ) -> Result<Arc<Tenant>, AppError> {
        let slug = slug.unwrap_or(&self.default_slug);
        let (hit, age) = self.lookup(slug);
        let stale = age.is_none_or(|a| a > self.ttl);
        let may_reload_on_miss = age.is_none_or(|a| a > MISS_RELOAD_INTERVAL);
        if let Some(t) = &hit
            && !stale
        {
            return Ok(t.clone());
        }
        if (stale || may_reload_on_miss)
            && let Err(err) = self.reload(db).await
        {
            // Serve what we know; a stale platform list beats failing every request.
            tracing::warn!(error = %err, "reloading platforms failed");
            if let Some(t) = hit {
                return Ok(t);
            }
            if age.is_none() {
                return Err(AppError::Unexpected(
                    anyhow::Error::new(err).context("loading platforms"),
                ));
            }
        }
        self.lookup(slug).0.ok_or_else(|| {
            AppError::new(
                &codes::UNKNOWN_PLATFORM,
                format!("unknown platform {slug:?} in X-Platform"),
            )
        })
    }

    /// Drops the cache so the next request reloads (called after an admin changes a platform).
    pub fn invalidate(&self) {
        if let Ok(mut s) = self.snapshot.write() {
            s.loaded_at = None;
        }
    }

    fn lookup(&self, slug: &str) -> (Option<Arc<Tenant>>, Option<Duration>) {
        match self.snapshot.read() {
            Ok(s) => (
                s.by_slug.get(slug).cloned(),
                s.loaded_at.map(|t| t.elapsed()),
            ),
            Err(_) => (None, None),
        }
    }

    async fn reload(&self, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        let _one_at_a_time = self.reload.lock().await;
        let rows = entity::Entity::find()
            .filter(entity::Column::Active.eq(true))
            .all(db)
            .await?;
        let by_slug = rows
            .into_iter()
            .map(|m| (m.slug.clone(), Arc::new(Tenant::from_model(m))))
            .collect();
        if let Ok(mut s) = self.snapshot.write() {
            *s = Snapshot {
                by_slug,
                loaded_at: Some(Instant::now()),
            };
        }
        Ok(())
    }
}

impl FromRequest for Tenant {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Arc<Tenant>>()
                .map(|t| (**t).clone())
                .ok_or_else(|| {
                    AppError::Unexpected(anyhow::anyhow!("tenant not resolved for {}", req.path()))
                }),
        )
    }
}

/// Middleware for a module's scopes: 404 unless the request's platform enabled the module.
/// `ModuleGate("lms|hire")` lets a platform with any of the modules through (the LMS's quiz
/// engine serves Mr. Hire's candidate quizzes).
#[derive(Debug, Clone, Copy)]
pub struct ModuleGate(pub &'static str);

impl<S, B> Transform<S, ServiceRequest> for ModuleGate
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = ModuleGateMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ModuleGateMiddleware {
            service: Rc::new(service),
            module: self.0,
        }))
    }
}

/// The service [`ModuleGate`] wraps.
pub struct ModuleGateMiddleware<S> {
    service: Rc<S>,
    module: &'static str,
}

impl<S, B> Service<ServiceRequest> for ModuleGateMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let enabled = req
            .extensions()
            .get::<Arc<Tenant>>()
            .is_some_and(|t| self.module.split('|').any(|m| t.has_module(m)));
        if !enabled {
            let err = AppError::not_found(format!("no route for {}", req.path()));
            let res = req
                .into_response(err.error_response())
                .map_into_right_body();
            return Box::pin(async move { Ok(res) });
        }
        let service = self.service.clone();
        Box::pin(async move {
            service
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        })
    }
}
