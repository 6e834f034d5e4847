//! `/admin/queues`: the server-rendered dashboard (SUPERADMIN or the `ops` capability). Plain
//! HTML forms, no script: every action posts to `/admin/queues/{queue}/actions` and redirects
//! back (POST/redirect/GET).
//!
//! The operator signs in with email and password (`POST /admin/session`, checked by the app's
//! [`PasswordSignIn`]: identity's login, with its rate limits). The sign-in form is defended
//! against login CSRF by a double-submit cookie set when the form is rendered. A successful
//! sign-in keeps a short-lived access token in an `HttpOnly; SameSite=Strict` cookie scoped to
//! `/admin`; every form of the pages carries a CSRF token derived from that cookie.

use std::{fmt::Write as _, sync::Arc};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    get,
    http::{StatusCode, header},
    post, web,
};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext, AppError, Tenant,
    auth::{self, AuthUser, PAGE_SESSION_COOKIE, PasswordSignIn},
    error::AppResult,
    ratelimit,
    text::{escape_html as escape, percent_encode as url_part},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use utoipa::IntoParams;

use super::service::{self, CLEANABLE, JobPage, QueueSummary, STATES, Viewer, queue_spec};
use crate::{Jobs, dlq::DeadLetter};

/// Mounts the pages.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(overview)
        .service(queue_page)
        .service(action)
        .service(sign_in)
        .service(sign_out);
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}\
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;justify-content:space-between;align-items:center}\
header a{color:#fff}main{padding:20px}table{border-collapse:collapse;width:100%;background:#fff}\
th,td{border-bottom:1px solid #e3e5ea;padding:6px 8px;text-align:left;vertical-align:top}\
th{background:#eef0f4}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.failed{color:#b42318;font-weight:600}.paused{color:#b54708;font-weight:600}\
pre{margin:0;max-width:560px;max-height:160px;overflow:auto;white-space:pre-wrap;font-size:12px}\
form{display:inline}button{cursor:pointer;margin:2px}.flash{background:#ecfdf3;border:1px solid #abefc6;padding:8px;margin-bottom:12px}\
nav a{margin-right:10px}.err{background:#fef3f2;border:1px solid #fecdca;padding:8px}";

/// The CSRF token of a session: only a holder of the cookie can compute it.
fn csrf_token(session_token: &str) -> String {
    kernel::crypto::sha256_hex(format!("mas-csrf:{session_token}").as_bytes())
}

fn session_token(req: &HttpRequest) -> Option<String> {
    req.cookie(PAGE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .or_else(|| {
            req.headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .map(|(_, t)| t.trim().to_owned())
        })
}

fn layout(title: &str, user: Option<&AuthUser>, body: &str) -> String {
    let who = user
        .map(|u| {
            format!(
                "<span>{} · {} <form method=\"post\" action=\"/admin/session/logout\"><button>Sign out</button></form></span>",
                escape(serde_json::to_string(&u.role).unwrap_or_default().trim_matches('"')),
                escape(&u.tenant.slug)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head>\
<body><header><strong><a href=\"/admin/queues\">Queues</a></strong>{who}</header><main>{body}</main></body></html>",
        escape(title)
    )
}

fn html(status: StatusCode, page: String) -> HttpResponse {
    kernel::http::deliberate(
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(page),
    )
}

/// The cookie of the sign-in form's login-CSRF defence (double submit): a random nonce set
/// when the form is rendered; the form carries a token derived from it, and
/// `POST /admin/session` accepts only a form whose token matches the cookie it came with.
/// A cross-site page can post the form but can neither read nor (being `SameSite=Strict`)
/// send the cookie, so it cannot sign a browser in to the attacker's account.
pub const LOGIN_CSRF_COOKIE: &str = "mas_admin_login";

/// How long a rendered sign-in form stays usable.
const LOGIN_CSRF_TTL: CookieDuration = CookieDuration::hours(12);

/// The token the sign-in form carries for its login-CSRF cookie's nonce.
fn login_csrf_token(nonce: &str) -> String {
    kernel::crypto::sha256_hex(format!("mas-login-csrf:{nonce}").as_bytes())
}

/// The login-CSRF nonce of the request's cookie, when it looks like one we set.
fn login_nonce(req: &HttpRequest) -> Option<String> {
    req.cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new nonce: 244 random bits from the OS (two v4 UUIDs).
fn new_login_nonce() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// The platform the request resolved to (`X-Platform`, else the default platform).
fn request_tenant(req: &HttpRequest) -> Option<Arc<Tenant>> {
    req.extensions().get::<Arc<Tenant>>().cloned()
}

/// The sign-in page: email, password and platform (the request's), with the login-CSRF
/// token of the browser's nonce (a new one, set in the answer, when it has none).
fn sign_in_page(req: &HttpRequest, status: StatusCode, message: &str, email: &str) -> HttpResponse {
    let nonce = login_nonce(req).unwrap_or_else(new_login_nonce);
    let platform = request_tenant(req)
        .map(|t| t.slug.clone())
        .unwrap_or_default();
    let body = format!(
        "<h1>Sign in</h1><p class=\"err\" id=\"sign-in-error\">{message}</p>\
<form method=\"post\" action=\"/admin/session\" id=\"sign-in-form\">\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<p><label>Email <input name=\"email\" id=\"email\" type=\"email\" size=\"40\" autocomplete=\"username\" required value=\"{email}\"></label></p>\
<p><label>Password <input name=\"password\" id=\"password\" type=\"password\" size=\"40\" autocomplete=\"current-password\" required></label></p>\
<p><label>Platform <input name=\"platform\" id=\"platform\" size=\"20\" value=\"{platform}\"></label></p>\
<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>",
        message = escape(message),
        csrf = login_csrf_token(&nonce),
        email = escape(email),
        platform = escape(&platform),
    );
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, nonce)
        .path("/admin")
        .http_only(true)
        .secure(is_https(req))
        .same_site(SameSite::Strict)
        .max_age(LOGIN_CSRF_TTL)
        .finish();
    let mut res = html(status, layout("Sign in · Queues", None, &body));
    // a cookie built here always has a valid name and value
    let _ = res.add_cookie(&cookie);
    res
}

/// The page answered to a signed-in user who is neither SUPERADMIN nor ops.
fn forbidden_page() -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        layout(
            "Forbidden",
            None,
            "<h1>Forbidden</h1><p class=\"err\">The queue dashboard is for superadmins and holders of the ops capability.</p>",
        ),
    )
}

/// The admin behind a page request, or the page to show instead (sign in / forbidden).
#[allow(clippy::result_large_err)] // the page answered instead, built once per request
async fn page_admin(req: &HttpRequest) -> Result<AuthUser, HttpResponse> {
    match auth::authenticate_page(req).await {
        Ok(user) if Viewer::new(&user).is_ok() => Ok(user),
        Ok(_) => Err(forbidden_page()),
        Err(AppError::Coded { code, detail, .. }) if code.status == StatusCode::FORBIDDEN => {
            Err(sign_in_page(req, StatusCode::FORBIDDEN, &detail, ""))
        }
        Err(err) => Err(sign_in_page(
            req,
            StatusCode::UNAUTHORIZED,
            &err.to_string(),
            "",
        )),
    }
}

const COUNTS_HEAD: &str = "<thead><tr><th>Queue</th><th>Waiting</th><th>Active</th><th>Delayed</th>\
<th>Prioritized</th><th>Completed</th><th>Failed</th><th>Dead letters</th></tr></thead><tbody>";

fn counts_row(q: &QueueSummary) -> String {
    let c = &q.counts;
    let link = |state: &str, n: u64| {
        format!(
            "<td class=\"n\"><a href=\"/admin/queues/{}?state={state}\">{n}</a></td>",
            url_part(&q.name)
        )
    };
    let failed_class = if c.failed > 0 {
        " class=\"failed\""
    } else {
        ""
    };
    format!(
        "<tr data-queue=\"{name}\"><td><a href=\"/admin/queues/{url}\">{name}</a>{paused}<br><small>{purpose}</small></td>{}{}{}{}{}<td class=\"n\"><a{failed_class} href=\"/admin/queues/{url}?state=failed\">{}</a></td><td class=\"n\"><a href=\"/admin/queues/{url}?state=dead-letters\">{}</a></td></tr>",
        link("waiting", c.waiting),
        link("active", c.active),
        link("delayed", c.delayed),
        link("prioritized", c.prioritized),
        link("completed", c.completed),
        c.failed,
        c.dead_letters,
        name = escape(&q.name),
        url = url_part(&q.name),
        purpose = escape(&q.purpose),
        paused = if q.paused {
            " <span class=\"paused\">paused</span>"
        } else {
            ""
        },
    )
}

/// The dashboard: every queue with its counts by state.
#[utoipa::path(tag = "queues", security(("bearer" = []), ("admin_session" = [])), responses((status = 200, description = "HTML page", content_type = "text/html"), (status = 401, description = "HTML sign-in page", content_type = "text/html"), (status = 403, description = "HTML sign-in page: not SUPERADMIN nor ops", content_type = "text/html")))]
#[get("/admin/queues")]
async fn overview(req: HttpRequest, jobs: web::Data<Jobs>) -> AppResult<HttpResponse> {
    let user = match page_admin(&req).await {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let queues = service::summaries(&jobs).await?;
    let mut body = String::from("<h1>Queues</h1><table id=\"queues\">");
    body.push_str(COUNTS_HEAD);
    for q in &queues {
        body.push_str(&counts_row(q));
    }
    body.push_str("</tbody></table>");
    Ok(html(StatusCode::OK, layout("Queues", Some(&user), &body)))
}

/// What a queue page lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueuePageQuery {
    /// A job state, or `dead-letters` (default `failed`).
    #[param(schema_with = super::service::page_states_schema)]
    pub state: Option<String>,
    /// Offset.
    #[serde(default)]
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    pub start: u32,
    /// Message of the last action.
    pub msg: Option<String>,
}

/// One action of a form row: where it posts, what it carries.
struct Form<'a> {
    queue: &'a str,
    csrf: &'a str,
}

fn button(f: &Form<'_>, kind: &str, fields: &[(&str, &str)], label: &str, id: &str) -> String {
    let csrf = f.csrf;
    let mut hidden = format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\">",
        escape(csrf),
        escape(kind)
    );
    for (name, value) in fields {
        let _ = write!(
            hidden,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    format!(
        "<form method=\"post\" action=\"/admin/queues/{}/actions\">{hidden}<button type=\"submit\" id=\"{}\">{}</button></form>",
        url_part(f.queue),
        escape(id),
        escape(label)
    )
}

fn pretty(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let cut: String = text.chars().take(4_000).collect();
    escape(&cut)
}

fn jobs_table(page: &JobPage, csrf: &Form<'_>) -> String {
    let mut out = String::from(
        "<table id=\"jobs\"><thead><tr><th>Id</th><th>Name</th><th>Platform</th><th>Attempts</th>\
<th>Data</th><th>Error</th><th></th></tr></thead><tbody>",
    );
    for job in &page.jobs {
        let mut actions = String::new();
        if job.state == "failed" {
            actions.push_str(&button(
                csrf,
                "retry",
                &[("job_id", &job.id)],
                "Retry",
                &format!("retry-{}", job.id),
            ));
        }
        if job.state != "active" {
            actions.push_str(&button(
                csrf,
                "remove",
                &[("job_id", &job.id)],
                "Remove",
                &format!("remove-{}", job.id),
            ));
        }
        let _ = write!(
            out,
            "<tr data-job=\"{id}\"><td>{id}</td><td>{}</td><td>{}</td><td class=\"n\">{} / {}</td><td><pre>{}</pre></td><td class=\"failed\">{}</td><td>{actions}</td></tr>",
            escape(&job.name),
            escape(job.platform.as_deref().unwrap_or("")),
            job.attempts_made,
            job.max_attempts,
            pretty(&job.data),
            escape(job.failed_reason.as_deref().unwrap_or("")),
            id = escape(&job.id),
        );
    }
    out.push_str("</tbody></table>");
    out
}

fn dead_letters_table(letters: &[DeadLetter], csrf: &Form<'_>) -> String {
    let mut out = String::from(
        "<table id=\"dead-letters\"><thead><tr><th>Job</th><th>Name</th><th>Attempts</th><th>Data</th>\
<th>Error</th><th></th></tr></thead><tbody>",
    );
    for l in letters {
        let _ = write!(
            out,
            "<tr data-job=\"{id}\"><td>{id}</td><td>{}</td><td class=\"n\">{}</td><td><pre>{}</pre></td><td class=\"failed\">{}</td><td>{}</td></tr>",
            escape(&l.name),
            l.attempts_made,
            pretty(&l.data),
            escape(&l.failed_reason),
            button(
                csrf,
                "replay",
                &[("job_id", &l.job_id)],
                "Replay",
                &format!("replay-{}", l.job_id)
            ),
            id = escape(&l.job_id),
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// One queue: its jobs in a state (or its dead letters) and the actions on them.
#[utoipa::path(tag = "queues", security(("bearer" = []), ("admin_session" = [])), params(QueuePageQuery), responses((status = 200, description = "HTML page", content_type = "text/html"), (status = 401, description = "HTML sign-in page", content_type = "text/html"), (status = 403, description = "HTML sign-in page: not SUPERADMIN nor ops", content_type = "text/html"), (status = 404, body = kernel::error::Problem)))]
#[get("/admin/queues/{queue}")]
async fn queue_page(
    req: HttpRequest,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
    query: web::Query<QueuePageQuery>,
) -> AppResult<HttpResponse> {
    let user = match page_admin(&req).await {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let viewer = Viewer::new(&user)?;
    let spec = queue_spec(&queue)?;
    let token = csrf_token(&session_token(&req).unwrap_or_default());
    let csrf = Form {
        queue: spec.name,
        csrf: &token,
    };
    let state = query.state.clone().unwrap_or_else(|| "failed".to_owned());
    let summary = service::summary(&jobs, spec).await?;
    let name = escape(spec.name);
    let mut body = format!("<h1>{name}</h1><p>{}</p>", escape(spec.purpose));
    if let Some(msg) = &query.msg {
        let _ = write!(body, "<p class=\"flash\" id=\"flash\">{}</p>", escape(msg));
    }
    body.push_str("<table>");
    body.push_str(COUNTS_HEAD);
    body.push_str(&counts_row(&summary));
    body.push_str("</tbody></table><p>");
    if summary.paused {
        body.push_str(&button(&csrf, "resume", &[], "Resume queue", "resume"));
    } else {
        body.push_str(&button(&csrf, "pause", &[], "Pause queue", "pause"));
    }
    body.push_str(&button(
        &csrf,
        "retry-all",
        &[],
        "Retry all failed",
        "retry-all",
    ));
    body.push_str(&button(
        &csrf,
        "replay-all",
        &[],
        "Replay all dead letters",
        "replay-all",
    ));
    for s in CLEANABLE {
        body.push_str(&button(
            &csrf,
            "clean",
            &[("state", s)],
            &format!("Clean {s}"),
            &format!("clean-{s}"),
        ));
    }
    body.push_str("</p><nav>");
    for s in STATES.iter().copied().chain(["dead-letters"]) {
        let _ = write!(
            body,
            "<a href=\"/admin/queues/{}?state={s}\">{}{s}{}</a>",
            url_part(spec.name),
            if s == state { "<strong>" } else { "" },
            if s == state { "</strong>" } else { "" },
        );
    }
    body.push_str("</nav>");
    if state == "dead-letters" {
        let letters = service::dead_letters(&jobs, &viewer, spec, query.start, 50).await?;
        body.push_str(&dead_letters_table(&letters, &csrf));
    } else {
        let page = service::list(&jobs, &viewer, spec, &state, query.start, 50).await?;
        let _ = write!(
            body,
            "<p>{} {} job(s); showing {} from {}.</p>",
            page.total,
            escape(&page.state),
            page.jobs.len(),
            page.start
        );
        body.push_str(&jobs_table(&page, &csrf));
        if u64::from(page.start) + (page.jobs.len() as u64) < page.total {
            let _ = write!(
                body,
                "<p><a href=\"/admin/queues/{}?state={}&start={}\">Next page</a></p>",
                url_part(spec.name),
                url_part(&page.state),
                page.start + 50
            );
        }
    }
    Ok(html(
        StatusCode::OK,
        layout(&format!("{} · Queues", spec.name), Some(&user), &body),
    ))
}

/// A form posted from a queue page.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionForm {
    /// retry, remove, retry-all, clean, pause, resume, replay, replay-all.
    pub action: String,
    /// The CSRF token rendered into the page.
    pub csrf: String,
    /// The job (retry, remove, replay).
    pub job_id: Option<String>,
    /// The state (clean).
    pub state: Option<String>,
}

/// Runs an action from a queue page and redirects back to it with its outcome.
#[utoipa::path(tag = "queues", security(("bearer" = []), ("admin_session" = [])), request_body(content = ActionForm, content_type = "application/x-www-form-urlencoded"), responses((status = 303, description = "back to the queue page"), (status = 401, description = "HTML sign-in page", content_type = "text/html"), (status = 403, description = "HTML sign-in page (not SUPERADMIN nor ops), or `invalid_csrf_token`", content((String = "text/html"), (kernel::error::Problem = "application/problem+json")))))]
#[post("/admin/queues/{queue}/actions")]
async fn action(
    req: HttpRequest,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let user = match page_admin(&req).await {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let viewer = Viewer::new(&user)?;
    let spec = queue_spec(&queue)?;
    let expected = csrf_token(&session_token(&req).unwrap_or_default());
    if !kernel::crypto::secrets_equal(form.csrf.as_bytes(), expected.as_bytes()) {
        return Err(AppError::new(
            &crate::codes::INVALID_CSRF_TOKEN,
            "the form is stale or did not come from this dashboard; reload the page",
        ));
    }
    let job_id = || {
        form.job_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| AppError::invalid_field("job_id", "is required for this action"))
    };
    let (message, back_to) = match form.action.as_str() {
        "retry" => {
            let id = job_id()?;
            service::retry(&jobs, &viewer, spec, id).await?;
            (format!("Job {id} moved back to waiting."), "failed")
        }
        "remove" => {
            let id = job_id()?;
            service::remove(&jobs, &viewer, spec, id).await?;
            (format!("Job {id} removed."), "failed")
        }
        "retry-all" => {
            let n = service::retry_all(&jobs, &viewer, spec).await?;
            (
                format!("{n} failed job(s) moved back to waiting."),
                "failed",
            )
        }
        "clean" => {
            let state = form.state.as_deref().unwrap_or("");
            let n = service::clean(&jobs, &viewer, spec, state, 0, 0).await?;
            (format!("{n} {state} job(s) removed."), "failed")
        }
        "pause" => {
            service::set_paused(&jobs, &viewer, spec, true).await?;
            ("Queue paused.".to_owned(), "waiting")
        }
        "resume" => {
            service::set_paused(&jobs, &viewer, spec, false).await?;
            ("Queue resumed.".to_owned(), "waiting")
        }
        "replay" => {
            let id = job_id()?;
            let new_id = service::replay(&jobs, &viewer, spec, id).await?;
            (
                format!("Dead letter {id} replayed as job {new_id}."),
                "dead-letters",
            )
        }
        "replay-all" => {
            let n = service::replay_all(&jobs, &viewer, spec).await?;
            (format!("{n} dead letter(s) replayed."), "dead-letters")
        }
        other => {
            return Err(AppError::invalid_field(
                "action",
                format!("unknown action {other:?}"),
            ));
        }
    };
    let location = format!(
        "/admin/queues/{}?state={back_to}&msg={}",
        url_part(spec.name),
        url_part(&message)
    );
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

/// The sign-in form's body (every field defaults to empty, so a stale or foreign form gets
/// the sign-in page again rather than an error).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignInForm {
    /// Email of a SUPERADMIN, or of a user with the `ops` capability, of the platform.
    #[serde(default)]
    pub email: String,
    /// Their password.
    #[serde(default = "empty_secret")]
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    /// The platform's slug; empty or the request's platform (`X-Platform`, else the default
    /// platform), which the sign-in page fills in.
    #[serde(default)]
    pub platform: String,
    /// The login-CSRF token the sign-in page rendered, matching its `mas_admin_login` cookie.
    #[serde(default)]
    pub csrf: String,
}

fn empty_secret() -> SecretString {
    SecretString::from(String::new())
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

fn unregistered(what: &str) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("{what} is not registered"))
}

/// Signs the browser in to the admin pages with email and password: the login CSRF token,
/// then the credentials through identity's login (rate limited per IP and per account, refused
/// while Redis is down); a SUPERADMIN or ops user gets a short-lived access token in the
/// `mas_admin` cookie (`HttpOnly; SameSite=Strict; Path=/admin`), anyone else no cookie.
#[utoipa::path(
    tag = "queues",
    request_body(content = SignInForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "signed in: the `mas_admin` cookie is set; to /admin/queues"),
        (status = 401, description = "HTML sign-in page: wrong email or password (one answer for both), suspended account, or another platform than the request's", content_type = "text/html"),
        (status = 403, description = "HTML page: the user is neither SUPERADMIN nor ops (no cookie); or the HTML sign-in page when the form's CSRF token does not match its cookie", content_type = "text/html"),
        (status = 429, description = "`too_many_requests` with `Retry-After` (the login limits, per IP and per account)", body = kernel::error::Problem),
        (status = 503, description = "`rate_limit_unavailable`: Redis cannot count attempts, so sign-in is refused", body = kernel::error::Problem),
    )
)]
#[post("/admin/session")]
async fn sign_in(req: HttpRequest, form: web::Form<SignInForm>) -> AppResult<HttpResponse> {
    let SignInForm {
        email,
        password,
        platform,
        csrf,
    } = form.into_inner();
    let email = email.trim();
    let expected = login_nonce(&req).map(|n| login_csrf_token(&n));
    let csrf_ok =
        expected.is_some_and(|e| kernel::crypto::secrets_equal(csrf.as_bytes(), e.as_bytes()));
    if !csrf_ok {
        return Ok(sign_in_page(
            &req,
            StatusCode::FORBIDDEN,
            "The sign-in form expired or did not come from this dashboard; sign in again.",
            email,
        ));
    }
    let tenant = request_tenant(&req).ok_or_else(|| unregistered("the request's tenant"))?;
    let platform = platform.trim();
    if !platform.is_empty() && platform != tenant.slug {
        return Ok(sign_in_page(
            &req,
            StatusCode::UNAUTHORIZED,
            &format!(
                "This address serves platform {:?}; the dashboard of {platform:?} is \
                 served where requests carry X-Platform: {platform}.",
                tenant.slug
            ),
            email,
        ));
    }
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .ok_or_else(|| unregistered("AppContext"))?;
    let ip = ratelimit::client_ip(&req, &ctx.config.trusted_proxies);
    let signer = req
        .app_data::<web::Data<dyn PasswordSignIn>>()
        .cloned()
        .ok_or_else(|| unregistered("PasswordSignIn"))?;
    let refused = |req: &HttpRequest, code: &str, detail: &str| {
        tracing::info!(platform = %tenant.slug, %ip, code, "queue dashboard sign-in refused");
        sign_in_page(req, StatusCode::UNAUTHORIZED, detail, email)
    };
    let token = match signer
        .sign_in(&tenant, email, password.expose_secret().to_owned(), &ip)
        .await
    {
        Ok(token) => token,
        Err(AppError::Coded { code, detail, .. }) if code.status == StatusCode::UNAUTHORIZED => {
            return Ok(refused(&req, code.code, &detail));
        }
        // 429 and 503 (Redis down) as problem+json, like the login API
        Err(err) => return Err(err),
    };
    // the user's current role and capabilities, as every page request will see them
    let user = match auth::authenticate_token(&req, &token).await {
        Ok(user) => user,
        Err(AppError::Coded { code, detail, .. })
            if matches!(
                code.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ) =>
        {
            return Ok(refused(&req, code.code, &detail));
        }
        Err(err) => return Err(err),
    };
    if Viewer::new(&user).is_err() {
        tracing::warn!(
            user_id = %user.id,
            platform = %tenant.slug,
            role = ?user.role,
            %ip,
            "queue dashboard sign-in refused: neither SUPERADMIN nor ops"
        );
        return Ok(forbidden_page());
    }
    tracing::info!(
        user_id = %user.id,
        platform = %tenant.slug,
        role = ?user.role,
        %ip,
        "signed in to the queue dashboard"
    );
    // the cookie lives as long as the access token it carries
    let ttl = ctx
        .jwt
        .verify(&token)
        .map_or(900, |claims| claims.exp - claims.iat);
    let secure = is_https(&req);
    let session = Cookie::build(PAGE_SESSION_COOKIE, token)
        .path("/admin")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(ttl))
        .finish();
    let mut spent = Cookie::build(LOGIN_CSRF_COOKIE, "").path("/admin").finish();
    spent.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(session)
        .cookie(spent)
        .insert_header((header::LOCATION, "/admin/queues"))
        .finish())
}

/// Signs the browser out of the admin pages.
#[utoipa::path(tag = "queues", responses((status = 303, description = "to /admin/queues")))]
#[post("/admin/session/logout")]
async fn sign_out() -> HttpResponse {
    let mut cookie = Cookie::build(PAGE_SESSION_COOKIE, "")
        .path("/admin")
        .finish();
    cookie.make_removal();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, "/admin/queues"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_csrf_tokens_differ_per_nonce_and_from_session_tokens() {
        let a = new_login_nonce();
        let b = new_login_nonce();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(login_csrf_token(&a), login_csrf_token(&b));
        assert_ne!(login_csrf_token(&a), csrf_token(&a));
    }

    #[test]
    fn csrf_tokens_differ_per_session() {
        let a = csrf_token("one");
        assert_ne!(a, csrf_token("two"));
        assert_eq!(a, csrf_token("one"));
    }
}
