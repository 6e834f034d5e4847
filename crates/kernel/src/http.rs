//! The request path's cross-cutting middleware: request context (id, root span, panic
//! catching, problem+json for every error answer), security headers and CORS.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Instant};

use actix_cors::Cors;
use actix_web::{
    Error, HttpMessage, HttpResponse, ResponseError,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::{DefaultHeaders, Next},
    web,
};
use futures::FutureExt;
use tracing::Instrument;

use crate::{
    config::Config,
    context::AppContext,
    error::{AppError, PROBLEM_JSON, codes, problem_for_status},
    request_id::{self, RequestId},
    tenant::{self, Tenant},
};

/// Paths that stream their bodies under their own limits (uploads to signed URLs, Socket.IO
/// polling, the terminal relay), or whose signed body may be larger than an anonymous one
/// (ElevenLabs' post-call webhook carries a whole transcript; the signature is checked first,
/// the body is cut at `BODY_LIMIT_BYTES`).
const OWN_BODY_LIMITS: &[&str] = &[
    "/api/storage/",
    "/socket.io/",
    "/ws/",
    "/api/webhooks/elevenlabs",
];
/// Routes between a prefix and a suffix that read their body with limits of their own: a job
/// application's multipart form (its resume, up to the hire crate's limit, streamed).
const OWN_BODY_LIMIT_ROUTES: &[(&str, &str)] = &[("/api/job-posts/", "/apply")];

/// Paths whose next segment is a secret (a candidate quiz's single-use token, a candidate's
/// human-review token): the request log shows `[redacted]` in its place, so log readers
/// cannot take the link.
pub const SECRET_PATH_PREFIXES: &[&str] = &["/api/candidate-quiz/", "/api/human-review/"];

/// Paths whose whole rest is a secret: a storage key (knowing one is enough to ask for a
/// signed URL of it, ADR 0010).
pub const SECRET_PATH_TAILS: &[&str] = &["/api/storage/"];

/// The path as it may be logged: the secret segment after a [`SECRET_PATH_PREFIXES`] prefix,
/// or everything after a [`SECRET_PATH_TAILS`] prefix, replaced by `[redacted]`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in SECRET_PATH_TAILS {
        if path.len() > prefix.len() && path.starts_with(prefix) {
            return format!("{prefix}[redacted]").into();
        }
    }
    for prefix in SECRET_PATH_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}[redacted]{tail}").into();
        }
    }
    path.into()
}

/// Innermost middleware (after credentials are resolved): a request without a signed-in user
/// announcing a body over [`crate::PUBLIC_BODY_LIMIT_BYTES`] is refused with 413 before
/// anything reads it; bodies without a length are cut at the same limit by the extractors.
pub async fn public_body_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path();
    let exempt = OWN_BODY_LIMITS.iter().any(|p| path.starts_with(p))
        || OWN_BODY_LIMIT_ROUTES
            .iter()
            .any(|(p, s)| path.starts_with(p) && path.ends_with(s));
    if !exempt && !crate::auth::is_signed_in(req.request()) {
        let announced = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        if announced.is_some_and(|n| n > crate::PUBLIC_BODY_LIMIT_BYTES) {
            let err = AppError::PayloadTooLarge {
                limit: crate::PUBLIC_BODY_LIMIT_BYTES,
            };
            return Ok(req.error_response(err).map_into_boxed_body());
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Outermost middleware: gives the request its id, runs it inside a root span and the
/// request-id scope, turns panics into an opaque 500, and makes sure every error answer is
/// problem+json carrying the request id.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = RequestId::from_request(&req);
    req.extensions_mut().insert(id.clone());
    let span = tracing::info_span!(
        "http",
        request_id = %id.0,
        method = %req.method(),
        path = %loggable_path(req.path()),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let id_header = id.0.clone();
    // No clone of the request may be held while it is routed (actix needs it unique), so
    // failures that leave no response behind become a pre-rendered problem error that the
    // server turns into the answer.
    let outcome: Result<ServiceResponse<BoxBody>, RenderedProblem> =
        request_id::scope(id, async move {
            match AssertUnwindSafe(next.call(req)).catch_unwind().await {
                Ok(Ok(res)) => Ok(ensure_problem(res.map_into_boxed_body())),
                Ok(Err(err)) => Err(RenderedProblem::from_response(to_problem(&err))),
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "non-string panic payload".into());
                    let err = AppError::Unexpected(anyhow::anyhow!("handler panicked: {what}"));
                    Err(RenderedProblem::from_response(err.error_response()))
                }
            }
        })
        .instrument(span.clone())
        .await;
    let status = match &outcome {
        Ok(res) => res.status().as_u16(),
        Err(problem) => problem.status.as_u16(),
    };
    span.record("status", status);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!("request failed");
        } else {
            tracing::info!("request finished");
        }
    });
    match outcome {
        Ok(mut res) => {
            if let Ok(value) = header::HeaderValue::from_str(&id_header) {
                res.headers_mut().insert(request_id::HEADER, value);
            }
            Ok(res)
        }
        Err(mut problem) => {
            problem.request_id = id_header;
            Err(problem.into())
        }
    }
}

/// A problem answer rendered inside the request scope, carried out as an error when no
/// request is left to attach a response to.
#[derive(Debug)]
pub struct RenderedProblem {
    status: actix_web::http::StatusCode,
    headers: Vec<(header::HeaderName, header::HeaderValue)>,
    body: String,
    request_id: String,
}

impl RenderedProblem {
    fn from_response(res: HttpResponse) -> Self {
        let status = res.status();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let body = match actix_web::body::MessageBody::try_into_bytes(res.into_body()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => String::new(),
        };
        Self {
            status,
            headers,
            body,
            request_id: String::new(),
        }
    }
}

impl std::fmt::Display for RenderedProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)
    }
}

impl ResponseError for RenderedProblem {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        for (k, v) in &self.headers {
            res.insert_header((k.clone(), v.clone()));
        }
        if let Ok(value) = header::HeaderValue::from_str(&self.request_id) {
            res.insert_header((request_id::HEADER, value));
        }
        res.body(self.body.clone())
    }
}

fn to_problem(err: &Error) -> HttpResponse {
    match err.as_error::<AppError>() {
        Some(app) => app.error_response(),
        None => {
            let status = err.as_response_error().status_code();
            problem_for_status(status, Some(err.to_string())).error_response()
        }
    }
}

/// Marks an error answer whose body is deliberate (an HTML sign-in page of the admin pages),
/// so [`request_context`] leaves it as it is instead of replacing it with problem+json.
#[derive(Debug, Clone, Copy)]
pub struct DeliberateBody;

/// Marks `res` with [`DeliberateBody`].
pub fn deliberate(mut res: HttpResponse) -> HttpResponse {
    res.extensions_mut().insert(DeliberateBody);
    res
}

/// Replaces any error answer that is not problem+json (actix defaults, CORS refusals) with one.
fn ensure_problem(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if res
        .response()
        .extensions()
        .get::<DeliberateBody>()
        .is_some()
    {
        return res;
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return res;
    }
    let detail = res
        .response()
        .error()
        .map(ToString::to_string)
        .filter(|d| !d.is_empty());
    let problem = problem_for_status(status, detail).error_response();
    res.into_response(problem)
}

/// Security headers as Helmet sets them; HSTS only in production.
pub fn security_headers(config: &Config) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-site"))
        .add(("Origin-Agent-Cluster", "?1"))
        .add(("X-DNS-Prefetch-Control", "off"))
        .add(("X-Download-Options", "noopen"))
        .add(("X-Permitted-Cross-Domain-Policies", "none"))
        .add(("X-XSS-Protection", "0"))
        .add((
            "Content-Security-Policy",
            "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';\
             frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';\
             script-src-attr 'none';style-src 'self' 'unsafe-inline'",
        ));
    if config.app_env.is_production() {
        headers = headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

/// Headers browsers may send cross-origin.
const ALLOWED_HEADERS: [header::HeaderName; 6] = [
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::ACCEPT,
    header::HeaderName::from_static("x-platform"),
    header::HeaderName::from_static("x-request-id"),
    header::HeaderName::from_static("idempotency-key"),
];

/// CORS from `CORS_ALLOWED_ORIGINS`; permissive only in development. Requests without an
/// `Origin` and `Origin: null` (file://) are always allowed, as in the seed.
pub fn cors(config: &Config) -> Cors {
    let base = if config.app_env.is_production() {
        let allowed = config.cors_allowed_origins.clone();
        Cors::default().allowed_origin_fn(move |origin, _| {
            let origin = origin.as_bytes();
            origin == b"null" || allowed.iter().any(|a| a.as_bytes() == origin)
        })
    } else {
        Cors::default().allowed_origin_fn(|_, _| true)
    };
    base.allowed_methods([
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ])
    .allowed_headers(ALLOWED_HEADERS)
    .expose_headers([
        header::HeaderName::from_static("x-request-id"),
        header::RETRY_AFTER,
        header::LOCATION,
    ])
    .supports_credentials()
    .max_age(600)
}

/// Middleware recording every request under its route pattern (`unmatched` for 404s, so
/// scanners cannot blow up the label set).
pub async fn track_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = req
        .app_data::<web::Data<AppContext>>()
        .map(|c| c.metrics.clone());
    let method = req.method().to_string();
    let started = Instant::now();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let (route, status) = match &result {
            Ok(res) => (
                res.request()
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".into()),
                res.status().as_u16(),
            ),
            Err(err) => (
                "unmatched".into(),
                err.as_response_error().status_code().as_u16(),
            ),
        };
        metrics.observe(&method, &route, status, started.elapsed().as_secs_f64());
    }
    result
}

/// Middleware: resolves the tenant of every non-exempt request into the extensions.
///
/// A failure is answered here (not returned as `Err`) so the outer CORS and header
/// middleware still decorate the answer.
pub async fn resolve_tenant(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let path = req.path();
    if !tenant::EXEMPT_PREFIXES.iter().any(|p| path.starts_with(p)) {
        match resolve(&req).await {
            Ok(tenant) => {
                req.extensions_mut().insert(tenant);
            }
            Err(err) => {
                return Ok(req
                    .into_response(err.error_response())
                    .map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

async fn resolve(req: &ServiceRequest) -> Result<Arc<Tenant>, AppError> {
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("AppContext is not registered")))?;
    let slug = match req.headers().get(&tenant::HEADER) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| {
                    AppError::new(&codes::UNKNOWN_PLATFORM, "X-Platform is not a valid slug")
                })?
                .trim()
                .to_owned(),
        ),
    };
    ctx.tenants.resolve(&ctx.db, slug.as_deref()).await
}

#[cfg(test)]
mod path_tests {
    use super::loggable_path;

    #[test]
    fn secret_path_segments_are_not_logged() {
        assert_eq!(
            loggable_path("/api/candidate-quiz/abc123/start"),
            "/api/candidate-quiz/[redacted]/start"
        );
        assert_eq!(
            loggable_path("/api/candidate-quiz/abc123"),
            "/api/candidate-quiz/[redacted]"
        );
        assert_eq!(
            loggable_path("/api/human-review/tok3n"),
            "/api/human-review/[redacted]"
        );
        assert_eq!(
            loggable_path("/api/storage/acme/resumes/2026/12/0193-cv.pdf"),
            "/api/storage/[redacted]"
        );
        assert_eq!(loggable_path("/api/courses/x"), "/api/courses/x");
    }
}
