//! The sync-config routes every outside-LMS provider has (`/sync-configs`: list, create, get,
//! change, delete, run now, runs), written once: [`sync_config_routes!`] expands them as the
//! `sync_configs` module of a provider's route module (`ezexam`, `graphy`), under that
//! provider's OpenAPI tag and for its `KIND`. ADMIN of the platform; another platform's
//! config answers 404 like a missing one.

/// Expands `pub mod sync_configs` with the seven `/sync-configs` handlers, tagged `$tag`, for
/// the calling module's `const KIND: SyncKind`.
macro_rules! sync_config_routes {
    ($tag:literal) => {
        /// The provider's sync configs: CRUD, run now, runs (`super::KIND`).
        pub mod sync_configs {
            use actix_web::{HttpResponse, delete, get, patch, post, web};
            use kernel::{
                auth::{Admin, Require},
                error::{AppResult, Problem},
                extract::{ValidJson, ValidQuery},
            };
            use uuid::Uuid;

            use super::KIND;
            use $crate::{
                dto::{
                    sync::{CreateSyncConfig, SyncConfigDto, UpdateSyncConfig},
                    sync_runs::{RunQueued, RunsQuery, SyncRunDto},
                },
                service::sync::{config_changes, configs, runs as run_records},
                sync::ExternalSync,
            };

            /// The platform's sync configs of this provider, by name (never their keys).
            #[utoipa::path(tag = $tag, security(("bearer" = [])),
                responses(
                    (status = 200, body = Vec<SyncConfigDto>),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json")))]
            #[get("/sync-configs")]
            pub async fn list(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
            ) -> AppResult<web::Json<Vec<SyncConfigDto>>> {
                let rows = configs::list(&sync.ctx.db, &admin.tenant, KIND).await?;
                Ok(web::Json(
                    rows.into_iter()
                        .map(|r| SyncConfigDto::new(KIND, r))
                        .collect(),
                ))
            }

            /// Creates a sync config of this provider; its schedule starts with the commit when it is enabled.
            #[utoipa::path(tag = $tag, security(("bearer" = [])), request_body = CreateSyncConfig,
                responses(
                    (status = 201, body = SyncConfigDto),
                    (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "`sync_config_exists`: the name is taken", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "a field is out of its limits", body = Problem, content_type = "application/problem+json")))]
            #[post("/sync-configs")]
            pub async fn create(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                body: ValidJson<CreateSyncConfig>,
            ) -> AppResult<HttpResponse> {
                let row = config_changes::create(&sync, &admin, KIND, &body.0).await?;
                Ok(HttpResponse::Created().json(SyncConfigDto::new(KIND, row)))
            }

            /// One sync config of this provider.
            #[utoipa::path(tag = $tag, security(("bearer" = [])), params(("id" = Uuid, Path, description = "the config")),
                responses(
                    (status = 200, body = SyncConfigDto),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json")))]
            #[get("/sync-configs/{id}")]
            pub async fn get(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                id: web::Path<Uuid>,
            ) -> AppResult<web::Json<SyncConfigDto>> {
                let row = configs::get(&sync.ctx.db, &admin.tenant, KIND, *id).await?;
                Ok(web::Json(SyncConfigDto::new(KIND, row)))
            }

            /// Changes a sync config of this provider (its schedule follows the commit; `api_key` rotates the key).
            #[utoipa::path(tag = $tag, security(("bearer" = [])), params(("id" = Uuid, Path, description = "the config")),
                request_body = UpdateSyncConfig,
                responses(
                    (status = 200, body = SyncConfigDto),
                    (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "`sync_config_exists`: the name is taken", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "a field is out of its limits", body = Problem, content_type = "application/problem+json")))]
            #[patch("/sync-configs/{id}")]
            pub async fn update(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                id: web::Path<Uuid>,
                body: ValidJson<UpdateSyncConfig>,
            ) -> AppResult<web::Json<SyncConfigDto>> {
                let row = config_changes::update(&sync, &admin, KIND, *id, &body.0).await?;
                Ok(web::Json(SyncConfigDto::new(KIND, row)))
            }

            /// Deletes a sync config of this provider, its synced rows and runs; its schedule goes with the commit.
            #[utoipa::path(tag = $tag, security(("bearer" = [])), params(("id" = Uuid, Path, description = "the config")),
                responses(
                    (status = 204, description = "deleted"),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json")))]
            #[delete("/sync-configs/{id}")]
            pub async fn remove(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                id: web::Path<Uuid>,
            ) -> AppResult<HttpResponse> {
                config_changes::delete(&sync, &admin, KIND, *id).await?;
                Ok(HttpResponse::NoContent().finish())
            }

            /// Queues a run of the config now (also when it is disabled).
            #[utoipa::path(tag = $tag, security(("bearer" = [])), params(("id" = Uuid, Path, description = "the config")),
                responses(
                    (status = 202, body = RunQueued),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json")))]
            #[post("/sync-configs/{id}/run")]
            pub async fn run(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                id: web::Path<Uuid>,
            ) -> AppResult<HttpResponse> {
                run_records::run_now(&sync, &admin, KIND, *id).await?;
                Ok(HttpResponse::Accepted().json(RunQueued {
                    config_id: *id,
                    queued: true,
                }))
            }

            /// The config's runs, newest first.
            #[utoipa::path(tag = $tag, security(("bearer" = [])), params(("id" = Uuid, Path, description = "the config"), RunsQuery),
                responses(
                    (status = 200, body = Vec<SyncRunDto>),
                    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "`limit` is out of 1-100", body = Problem, content_type = "application/problem+json")))]
            #[get("/sync-configs/{id}/runs")]
            pub async fn runs(
                admin: Require<Admin>,
                sync: web::Data<ExternalSync>,
                id: web::Path<Uuid>,
                query: ValidQuery<RunsQuery>,
            ) -> AppResult<web::Json<Vec<SyncRunDto>>> {
                let rows = run_records::list(
                    &sync.ctx.db,
                    &admin.tenant,
                    KIND,
                    *id,
                    query.0.limit.unwrap_or(20),
                )
                .await?;
                Ok(web::Json(rows.into_iter().map(SyncRunDto::from).collect()))
            }
        }
    };
}

pub(crate) use sync_config_routes;
