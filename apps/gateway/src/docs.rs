//! The OpenAPI 3.1 document, collected from the mounted routes themselves
//! (utoipa-actix-web), so a route cannot be mounted without being documented; and the
//! route table derived from it that answers 405 with `Allow` for a known path.

use actix_web::http::Method;
use kernel::error::PROBLEM_JSON;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, ContentBuilder, KnownFormat, ObjectBuilder, Ref, RefOr, ResponseBuilder, Schema,
        SchemaFormat, Type,
        path::{Operation, ParameterIn},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

/// The document's fixed part: info, security schemes, tags.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "MAS gateway",
        description = "One API for Mr. Mentor, the MAS LMS, Mr. Hire, the sales CRM and finance. \
            Errors are RFC 9457 problem+json `{type, title, status, detail, code, request_id, errors?}`. \
            Send `X-Platform: <slug>` to choose the platform (default: the configured one). \
            Text values cannot contain NUL (`\\u0000`) characters: 422 `validation_failed`.",
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
        (name = "ai", description = "The LLM gateway: agents, their provider configuration, sealed provider credentials, call records and monthly cost; the credential proxy; the student profile for AI agents"),
        (name = "google-drive", description = "Google Drive connector: connect (OAuth PKCE), list files, import into storage"),
        (name = "graphy", description = "Graphy (Mr. Learn) sync: configs with sealed keys and their schedules, runs, and the admin screens' read-only proxy"),
        (name = "ezexam", description = "EzExam (Mr. Test) sync: configs with sealed keys and their schedules, runs, and the admin screens' read-only proxy"),
        (name = "lms", description = "The LMS: courses, modules and content, batches, the public catalogue, enrolment (granted or paid), the student's course page and progress; the question bank, timed quizzes and attempts, learners' accommodations, candidate quizzes by invite link"),
        (name = "hire", description = "Mr. Hire: job templates and posts, the public listing and apply form (resume streamed to storage, stored by content hash), the HR pipeline (stage log, time in stage, bulk moves, notes, ratings)"),
        (name = "crm", description = "The sales CRM: vendor lead ingestion (X-API-Key) and public capture forms with dedupe on E.164 phone and canonical email, the sales desk (leads within the caller's view, stages with history, notes, follow-ups, reassignment), sales teams and agents, versioned workflows and their run history"),
        (name = "finance", description = "Finance: GST tax invoices issued once per captured payment with gapless numbers, the buyer's billing profile and own invoices, the platform's supplier details (ADMIN)"),
        (name = "payments", description = "Razorpay's webhook, shared by every product that sells something (token packs, course enrollments)"),
        (name = "judge0", description = "The Judge0 proxy: run a program in an allow-listed language and get its verdict and output (per-user rate limit; the deployment's Judge0 token stays server-side)"),
        (name = "imports", description = "Bulk .xlsx/.csv imports: kinds and templates, upload with preview, start, progress, error report (ADMIN)"),
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
        // the queue dashboard's pages: the cookie `POST /admin/session` sets (or a bearer)
        components.add_security_scheme(
            "admin_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                kernel::auth::PAGE_SESSION_COOKIE,
            ))),
        );
    }
}

/// The whole document: the fixed part plus every route `routes::configure` mounts, with the
/// error answers every operation shares ([`CommonResponses`]).
pub fn openapi() -> openapi::OpenApi {
    let mut doc = BaseDoc::openapi();
    let (paths, schemas) = kernel::routes::document(crate::routes::configure);
    doc.paths.merge(paths);
    doc.components
        .get_or_insert_with(openapi::Components::new)
        .schemas
        .extend(schemas);
    CommonResponses.modify(&mut doc);
    ProblemCodes.modify(&mut doc);
    OperationIds.modify(&mut doc);
    ResponseDescriptions.modify(&mut doc);
    BinaryBodies.modify(&mut doc);
    doc
}

/// `Problem.code` lists every registered code ([`crate::error::registry`], `docs/errors.md`),
/// so generated clients get the codes as an enum and schema checks catch an unregistered one.
pub struct ProblemCodes;

impl Modify for ProblemCodes {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let Some(components) = doc.components.as_mut() else {
            return;
        };
        let Some(RefOr::T(Schema::Object(problem))) = components.schemas.get_mut("Problem") else {
            return;
        };
        if let Some(RefOr::T(Schema::Object(code))) = problem.properties.get_mut("code") {
            let mut codes: Vec<&str> = crate::error::registry()
                .into_iter()
                .flat_map(|(_, codes)| codes.iter().map(|c| c.code))
                .collect();
            codes.sort_unstable();
            code.enum_values = Some(codes.into_iter().map(serde_json::Value::from).collect());
        }
    }
}

/// The error answers that come from the request path rather than from a handler, added to
/// every operation that can give them (a status a handler already declares keeps the
/// handler's description), and every problem body declared as `application/problem+json`
/// (what the server sends; handlers that wrote `body = Problem` without a content type get
/// it here). What is added, and when:
/// - every operation behind the tenant middleware: 400 `unknown_platform` (`X-Platform`),
///   503 `database_unavailable`;
/// - a `bearer`, `admin_session` or `api_key` security requirement: 401 `unauthorized`,
///   403 `forbidden` / `wrong_platform`;
/// - a JSON request body: 400 `malformed_json`, 413 `payload_too_large`,
///   415 `unsupported_media_type`, 422 `validation_failed`; another body: 400, 413, 415;
/// - path parameters: 404 `not_found` (a malformed parameter is a 404 too); a tag naming a
///   module (`kernel::tenant::MODULES`): 404 when the platform has not enabled it;
/// - query parameters: 422 `validation_failed`; an `Idempotency-Key` header: 422 and
///   409 `idempotency_key_reused`.
///
/// `apps/gateway/tests/it/openapi.rs` checks the result; `scripts/schemathesis.sh` checks it
/// against the running server.
pub struct CommonResponses;

/// Names every operation after its method and path (`operationId`: `POST
/// /api/slots/{id}/book` is `postApiSlotsByIdBook`): unique, as OpenAPI requires and as the
/// frontends' client generators need (the handlers' function names, utoipa's default, repeat
/// across crates: 38 of them named 168 operations), and stable (a new route renames no
/// other).
pub struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        each_operation(doc, |method, path, op| {
            op.operation_id = Some(operation_id(method, path));
        });
    }
}

/// Gives every response without a description its status's reason phrase (`Unauthorized`):
/// OpenAPI requires one on every response, and a handler's `(status = 401, body = Problem)`
/// has none (1,025 responses of the document had none).
pub struct ResponseDescriptions;

impl Modify for ResponseDescriptions {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        each_operation(doc, |_, _, op| {
            for (status, response) in &mut op.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.trim().is_empty()
                {
                    response.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Response")
                        .to_owned();
                }
            }
        });
    }
}

/// Declares a file answer (`body = Vec<u8>` under a media type that is not JSON: a PDF, a
/// workbook) as `{type: string, format: binary}`: utoipa writes `Vec<u8>` as an array of
/// integers, which a client generator would decode as JSON.
pub struct BinaryBodies;

impl Modify for BinaryBodies {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let binary: RefOr<Schema> = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into();
        // what utoipa writes for `Vec<u8>`
        let bytes = Some(serde_json::json!({
            "type": "array", "items": {"type": "integer", "format": "int32", "minimum": 0}
        }));
        each_operation(doc, |_, _, op| {
            for response in op.responses.responses.values_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                for (media, content) in &mut response.content {
                    let json = media == "application/json" || media.ends_with("+json");
                    if let RefOr::T(content) = content
                        && !json
                        && content
                            .schema
                            .as_ref()
                            .and_then(|s| serde_json::to_value(s).ok())
                            == bytes
                    {
                        content.schema = Some(binary.clone());
                    }
                }
            }
        });
    }
}

/// Calls `f` with each operation of the document, its method (lower case) and its path.
fn each_operation(doc: &mut openapi::OpenApi, mut f: impl FnMut(&str, &str, &mut Operation)) {
    for (path, item) in &mut doc.paths.paths {
        for (method, op) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            if let Some(op) = op {
                f(method, path, op);
            }
        }
    }
}

/// `method` then the path's words in camel case, each `{param}` as `By<Param>`:
/// `("get", "/api/mentors/{id}/slots")` is `getApiMentorsByIdSlots`. The whole path counts:
/// `/admin/queues` (the dashboard page) and `/api/admin/queues` are two operations.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for segment in path.split('/') {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("By");
                push_words(&mut id, param);
            }
            None => push_words(&mut id, segment),
        }
    }
    id
}

/// Appends each run of ASCII letters and digits of `s` with its first letter upper-cased.
fn push_words(id: &mut String, s: &str) {
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.push_str(chars.as_str());
        }
    }
}

/// The Engine.IO endpoint answers Engine.IO's own error bodies, not problem+json.
const NOT_PROBLEM_JSON: &[&str] = &["/socket.io/"];

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        each_operation(doc, |_, path, op| {
            if NOT_PROBLEM_JSON.contains(&path) {
                return;
            }
            let tenant = !kernel::tenant::EXEMPT_PREFIXES
                .iter()
                .any(|p| path.starts_with(p));
            add_common_responses(op, tenant);
        });
    }
}

fn add_common_responses(op: &mut Operation, tenant: bool) {
    let schemes: Vec<String> = op
        .security
        .iter()
        .flatten()
        .filter_map(|req| serde_json::to_value(req).ok())
        .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
        .flatten()
        .collect();
    let bearer = schemes
        .iter()
        .any(|s| s == "bearer" || s == "admin_session");
    let api_key = schemes.iter().any(|s| s == "api_key");
    let (json_body, other_body) = match &op.request_body {
        Some(RefOr::T(body)) => {
            let json = body
                .content
                .keys()
                .any(|c| c == "application/json" || c.ends_with("+json"));
            (json, !json)
        }
        Some(RefOr::Ref(_)) => (true, false),
        None => (false, false),
    };
    let params = |place: ParameterIn| {
        op.parameters.iter().flatten().any(
            |p| matches!(p, RefOr::T(p) if std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&place)),
        )
    };
    let (path_params, query_params) = (params(ParameterIn::Path), params(ParameterIn::Query));
    let idempotency_key = op.parameters.iter().flatten().any(
        |p| matches!(p, RefOr::T(p) if p.name.eq_ignore_ascii_case(kernel::extract::IDEMPOTENCY_KEY)),
    );

    let mut add: Vec<(&str, String)> = Vec::new();
    let mut bad_request = Vec::new();
    if tenant {
        bad_request.push("`unknown_platform`: no platform has the `X-Platform` slug");
    }
    if json_body {
        bad_request.push("`malformed_json`: the body is not JSON");
    } else if other_body {
        bad_request.push("the body cannot be read as the declared media type");
    }
    if !bad_request.is_empty() {
        add.push(("400", bad_request.join("; ")));
    }
    if bearer || api_key {
        add.push((
            "401",
            if bearer {
                "`unauthorized`: no valid bearer token (missing, malformed, expired or revoked)"
            } else {
                "`unauthorized`: missing, unknown or revoked `X-API-Key`"
            }
            .into(),
        ));
        add.push((
            "403",
            "`forbidden`: the caller's role or capabilities do not allow this, or \
             `wrong_platform`: the credential belongs to another platform"
                .into(),
        ));
    }
    // the routes of a module answer 404 on a platform that has not enabled it
    let module = op
        .tags
        .iter()
        .flatten()
        .find(|t| kernel::tenant::MODULES.contains(&t.as_str()));
    if path_params || module.is_some() {
        let mut why = Vec::new();
        if path_params {
            why.push("no such resource (a malformed path parameter is one too)".to_owned());
        }
        if let Some(module) = module.filter(|_| tenant) {
            why.push(format!(
                "the platform has not enabled the `{module}` module"
            ));
        }
        if !why.is_empty() {
            add.push(("404", format!("`not_found`: {}", why.join("; or "))));
        }
    }
    if json_body || other_body {
        add.push((
            "413",
            "`payload_too_large`: the body is over the limit".into(),
        ));
        add.push((
            "415",
            "`unsupported_media_type`: the body is not of the declared media type".into(),
        ));
    }
    if idempotency_key {
        add.push((
            "409",
            "`idempotency_key_reused`: the `Idempotency-Key` was used for a different request"
                .into(),
        ));
    }
    if json_body || query_params || idempotency_key {
        add.push((
            "422",
            "`validation_failed`: a field does not fit its schema; `errors` names each".into(),
        ));
    }
    if tenant {
        add.push((
            "503",
            "`database_unavailable` (with `Retry-After`): PostgreSQL cannot be reached".into(),
        ));
    }
    for (status, description) in add {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem_response(&description)));
    }
    // every problem body is application/problem+json
    for (status, response) in &mut op.responses.responses {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with('4') && !status.starts_with('5') {
            continue;
        }
        let is_problem = |c: &RefOr<openapi::Content>| matches!(c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == PROBLEM_REF));
        if let Some(content) = response.content.shift_remove("application/json") {
            if is_problem(&content) {
                response.content.insert(PROBLEM_JSON.to_owned(), content);
            } else {
                response
                    .content
                    .insert("application/json".to_owned(), content);
            }
        }
    }
}

const PROBLEM_REF: &str = "#/components/schemas/Problem";

fn problem_response(description: &str) -> openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// (path pattern, methods) of every documented route, for 404 vs 405.
#[derive(Debug, Clone)]
pub struct RouteTable {
    entries: Vec<(Pattern, Vec<Method>)>,
}

/// A documented path split at `/`: literal segments, and `{name}` matching any one
/// non-empty segment (what actix's `{name}` matches). No regex: the table is one per
/// process and only consulted when no route matched.
#[derive(Debug, Clone)]
struct Pattern(Vec<Option<String>>);

impl Pattern {
    fn new(path: &str) -> Self {
        Self(
            path.split('/')
                .map(|s| (!s.contains('{')).then(|| s.to_owned()))
                .collect(),
        )
    }

    fn is_match(&self, path: &str) -> bool {
        let mut segments = path.split('/');
        self.0.iter().all(|want| match (want, segments.next()) {
            (Some(literal), Some(s)) => literal == s,
            (None, Some(s)) => !s.is_empty(),
            (_, None) => false,
        }) && segments.next().is_none()
    }

    fn literal(&self) -> usize {
        self.0.iter().filter(|s| s.is_some()).count()
    }
}

impl RouteTable {
    /// Builds the table from the document's JSON: only the paths and their methods are read.
    pub fn from_json(json: &[u8]) -> Result<Self, serde_json::Error> {
        #[derive(serde::Deserialize)]
        struct Doc {
            paths: std::collections::BTreeMap<
                String,
                std::collections::BTreeMap<String, serde::de::IgnoredAny>,
            >,
        }
        let doc: Doc = serde_json::from_slice(json)?;
        let entries = doc
            .paths
            .into_iter()
            .map(|(path, item)| (Pattern::new(&path), methods(&item)))
            .collect();
        Ok(Self { entries })
    }

    /// The methods `path` answers, or `None` when no route has that path. Where several
    /// patterns match, the most literal ones win (`/api/mentors/me/slots` is not
    /// `/api/mentors/{id}/slots`).
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let matching: Vec<_> = self
            .entries
            .iter()
            .filter(|(pattern, _)| pattern.is_match(path))
            .collect();
        let most = matching.iter().map(|(p, _)| p.literal()).max()?;
        let mut allowed: Vec<String> = matching
            .iter()
            .filter(|(p, _)| p.literal() == most)
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

/// The HTTP methods among a path item's keys (`parameters`, `summary`… are not methods).
fn methods<V>(item: &std::collections::BTreeMap<String, V>) -> Vec<Method> {
    [
        ("get", Method::GET),
        ("post", Method::POST),
        ("put", Method::PUT),
        ("patch", Method::PATCH),
        ("delete", Method::DELETE),
        ("head", Method::HEAD),
        ("options", Method::OPTIONS),
    ]
    .into_iter()
    .filter_map(|(name, method)| item.contains_key(name).then_some(method))
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
        let table = RouteTable::from_json(&serde_json::to_vec(&openapi()).unwrap()).unwrap();
        let allowed = table.allowed("/api/system-config/SOME_KEY").unwrap();
        assert!(
            allowed.contains(&"GET".to_owned()) && allowed.contains(&"PUT".to_owned()),
            "{allowed:?}"
        );
        assert!(table.allowed("/api/nope").is_none());
        // a literal segment wins over a parameter that would match it
        assert_eq!(
            table.allowed("/api/mentors/me/slots").unwrap(),
            vec!["POST".to_owned()]
        );
    }

    #[test]
    fn every_operation_has_its_own_id_from_method_and_path() {
        assert_eq!(
            operation_id("post", "/api/slots/{id}/book"),
            "postApiSlotsByIdBook"
        );
        assert_eq!(
            operation_id("get", "/api/admin/course-enrollments/{user_id}"),
            "getApiAdminCourseEnrollmentsByUserId"
        );
        assert_eq!(operation_id("get", "/socket.io/"), "getSocketIo");
        assert_ne!(
            operation_id("get", "/admin/queues"),
            operation_id("get", "/api/admin/queues")
        );
        let json = serde_json::to_value(openapi()).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                    continue;
                };
                assert_eq!(id, operation_id(method, path));
                if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("{id}: {other} and {method} {path}");
                }
            }
        }
        // every operation has one: the ids counted are the operations counted
        let operations: usize = json["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| {
                        [
                            "get", "put", "post", "delete", "options", "head", "patch", "trace",
                        ]
                        .contains(&k.as_str())
                    })
                    .count()
            })
            .sum();
        assert_eq!(seen.len(), operations);
        assert!(operations > 300, "{operations}");
    }

    /// Two types of one name (a `RuleDto` in two crates) would be one component of the
    /// document, the last one mounted, and the other crate's routes would be documented with
    /// its shape: every name a route refers to must mean one schema.
    #[test]
    fn a_schema_name_means_one_schema() {
        let (_, schemas) = kernel::routes::document(crate::routes::configure);
        let mut by_name: std::collections::BTreeMap<&str, serde_json::Value> =
            std::collections::BTreeMap::new();
        let mut clashes = Vec::new();
        for (name, schema) in &schemas {
            let json = serde_json::to_value(schema).unwrap();
            if let Some(first) = by_name.get(name.as_str()) {
                if first != &json {
                    clashes.push(name.as_str());
                }
            } else {
                by_name.insert(name, json);
            }
        }
        clashes.sort_unstable();
        clashes.dedup();
        assert!(clashes.is_empty(), "one name, two shapes: {clashes:?}");
        assert!(by_name.len() > 200, "{}", by_name.len());
    }

    /// A `$ref` to a schema the document does not carry (an `IntoParams` field of a
    /// `ToSchema` enum, registered by no body) leaves generated clients without the type.
    #[test]
    fn every_reference_resolves() {
        let json = serde_json::to_string(&openapi()).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let prefix = "\"#/components/schemas/";
        let dangling: std::collections::BTreeSet<&str> = json
            .match_indices(prefix)
            .filter_map(|(at, _)| {
                let rest = &json[at + prefix.len()..];
                rest.split('"').next()
            })
            .filter(|name| !schemas.contains_key(*name))
            .collect();
        assert!(dangling.is_empty(), "{dangling:?}");
    }

    /// OpenAPI requires a description on every response.
    #[test]
    fn every_response_is_described() {
        let json = serde_json::to_value(openapi()).unwrap();
        let mut undescribed = Vec::new();
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                    continue;
                };
                for (status, response) in responses {
                    if response["description"]
                        .as_str()
                        .is_none_or(|d| d.trim().is_empty())
                    {
                        undescribed.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(
            undescribed.is_empty(),
            "{} undescribed: {:?}",
            undescribed.len(),
            &undescribed[..undescribed.len().min(5)]
        );
        assert_eq!(
            json["paths"]["/api/v1/vendor/me"]["get"]["responses"]["401"]["description"],
            "Unauthorized"
        );
        // a file is binary, not an array of numbers
        let gst = &json["paths"]["/api/finance/reports/gst"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            gst["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"],
            serde_json::json!({"type": "string", "format": "binary"})
        );
        assert_eq!(gst["text/csv"]["schema"]["type"], "string");
        assert!(gst["application/json"]["schema"]["$ref"].is_string());
    }

    #[test]
    fn a_parameter_is_one_non_empty_segment() {
        let p = Pattern::new("/api/mentors/{id}/slots");
        assert!(p.is_match("/api/mentors/abc/slots"));
        for other in [
            "/api/mentors//slots",
            "/api/mentors/abc/slots/",
            "/api/mentors/a/b/slots",
            "/api/mentors/abc",
            "/api/mentors/abc/slot",
        ] {
            assert!(!p.is_match(other), "{other}");
        }
        assert_eq!(p.literal(), 4);
    }
}
