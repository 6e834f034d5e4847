//! The OpenAPI 3.1 document, collected from the mounted routes themselves
//! (utoipa-actix-web), so a route cannot be mounted without being documented; and the
//! route table derived from it that answers 405 with `Allow` for a known path.

use actix_web::{App, dev::ResourceDef, http::Method};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, PathItem,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_actix_web::AppExt;

/// The document's fixed part: info, security schemes, tags.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "MAS gateway",
        description = "One API for Mr. Mentor, the MAS LMS, Mr. Hire, the sales CRM and finance. \
            Errors are RFC 9457 problem+json `{type, title, status, detail, code, request_id, errors?}`. \
            Send `X-Platform: <slug>` to choose the platform (default: the configured one).",
    ),
    modifiers(&SecuritySchemes),
    paths(realtime::docs::socket_io_get, realtime::docs::socket_io_post),
    components(schemas(kernel::error::Problem, kernel::error::FieldError)),
    tags(
        (name = "meta", description = "Health, readiness, metrics"),
        (name = "platform", description = "Platforms (tenants) and system configuration"),
        (name = "storage", description = "Uploads, presigned uploads and signed download URLs"),
        (name = "auth", description = "Signup, login, refresh tokens, emailed codes, password reset, Google sign-in"),
        (name = "admin", description = "User management, audit log and vendor API keys (ADMIN+)"),
        (name = "vendor", description = "Machine clients authenticated by X-API-Key"),
        (name = "realtime", description = "Socket.IO (meeting signalling, presence, chat) and the terminal relay"),
    )
)]
struct BaseDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole document: the fixed part plus every route `routes::configure` mounts.
pub fn openapi() -> openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc
}

/// (path pattern, methods) of every documented route, for 404 vs 405.
#[derive(Debug, Clone)]
pub struct RouteTable {
    entries: Vec<(ResourceDef, Vec<Method>)>,
}

impl RouteTable {
    /// Builds the table from a document.
    pub fn from_openapi(doc: &openapi::OpenApi) -> Self {
        let entries = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| (ResourceDef::new(path.as_str()), methods(item)))
            .collect();
        Self { entries }
    }

    /// The methods `path` answers, or `None` when no route has that path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let mut allowed: Vec<String> = self
            .entries
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, methods)| methods.iter().map(ToString::to_string))
            .collect();
        if allowed.is_empty() {
            return None;
        }
        allowed.sort();
        allowed.dedup();
        Some(allowed)
    }
}

fn methods(item: &PathItem) -> Vec<Method> {
    [
        (item.get.is_some(), Method::GET),
        (item.post.is_some(), Method::POST),
        (item.put.is_some(), Method::PUT),
        (item.patch.is_some(), Method::PATCH),
        (item.delete.is_some(), Method::DELETE),
        (item.head.is_some(), Method::HEAD),
        (item.options.is_some(), Method::OPTIONS),
    ]
    .into_iter()
    .filter_map(|(present, m)| present.then_some(m))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_lists_health() {
        let doc = openapi();
        let json = serde_json::to_value(&doc).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(json["paths"]["/api/health"]["get"].is_object());
        assert!(json["components"]["securitySchemes"]["bearer"].is_object());
    }

    #[test]
    fn route_table_knows_methods_of_templated_paths() {
        let table = RouteTable::from_openapi(&openapi());
        let allowed = table.allowed("/api/system-config/SOME_KEY").unwrap();
        assert!(
            allowed.contains(&"GET".to_owned()) && allowed.contains(&"PUT".to_owned()),
            "{allowed:?}"
        );
        assert!(table.allowed("/api/nope").is_none());
    }
}
