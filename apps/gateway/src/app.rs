//! The one function that builds the App (used by `main` through [`crate::startup`] and by
//! the tests through `testkit`). Middleware, outermost first:
//! metrics -> request context (id, span, panics, problem+json) -> security headers ->
//! compression -> CORS -> tenant -> credentials (one user-directory lookup) -> anonymous
//! body limit -> route ->
//! extractors -> handler.

use actix_web::{
    App, Error, HttpRequest, HttpResponse, ResponseError,
    body::{EitherBody, MessageBody},
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    http::{Method, header::ContentType},
    middleware::{Compress, Next, from_fn},
    web,
};
use kernel::{
    AppContext, AppError,
    auth::{self, PasswordSignIn, UserDirectory},
    extract, http,
};
use utoipa_swagger_ui::SwaggerUi;

use crate::{config::GatewayConfig, docs::RouteTable};

/// What the App builder needs besides the context: the API document and its route table.
/// The document is kept serialised only: its object model is ten times the size of its JSON
/// and every HTTP worker would hold a copy (issue 16, idle memory).
#[derive(Clone)]
pub struct ApiDocs {
    /// The OpenAPI document served at `/api/openapi.json`, as JSON.
    pub json: web::Bytes,
    /// The route table behind 404 vs 405.
    pub routes: RouteTable,
}

impl ApiDocs {
    /// Collects the document in this process; the object model is dropped here.
    pub fn collect() -> Result<Self, serde_json::Error> {
        Self::from_json(serde_json::to_vec(&crate::docs::openapi())?.into())
    }

    /// The document as collected by another process of this binary (`gateway prepare`).
    pub fn from_json(json: web::Bytes) -> Result<Self, serde_json::Error> {
        let routes = RouteTable::from_json(&json)?;
        Ok(Self { json, routes })
    }
}

/// The state of the crates that have some (clients, stores, queues, their configuration
/// section), built once per process and registered as app data, so handlers extract
/// `web::Data<TheirState>`.
/// A crate with state adds one field here, one line in [`Services::build`] and one in
/// [`Services::register`].
#[derive(Clone)]
pub struct Services {
    /// Queues (enqueue, outbox relay wake-up, the dashboard).
    pub jobs: web::Data<jobs::Jobs>,
    /// Object storage (uploads, signed URLs).
    pub storage: web::Data<storage::Storage>,
    /// Email, WhatsApp and Exotel (providers without credentials self-disable).
    pub comms: web::Data<comms::Comms>,
    /// Users, sessions, sign-in providers, vendor keys.
    pub identity: web::Data<identity::Identity>,
    /// The user directory every `AuthUser`/`Require<P>` consults (identity's).
    pub directory: web::Data<dyn UserDirectory>,
    /// Email-and-password sign-in of the admin pages (identity's login).
    pub password_sign_in: web::Data<dyn PasswordSignIn>,
    /// The token wallet.
    pub tokens: web::Data<tokens::Tokens>,
    /// Payments: the Razorpay client (when configured) and the products that sell through it
    /// ([`payment_products`]).
    pub payments: web::Data<integrations::payments::Payments>,
    /// Mr. Mentor: its configuration section (the join window) and Google Calendar.
    pub mentorship: web::Data<mentorship::Mentorship>,
    /// Mr. Mentor's Google Calendar client and token seal (503 without Google credentials).
    pub calendar: web::Data<mentorship::Calendar>,
    /// The LMS (courses, enrolment, the student portal).
    pub lms: web::Data<lms::Lms>,
    /// Mr. Hire (job posts, applications, the HR pipeline).
    pub hire: web::Data<hire::Hire>,
    /// The sales CRM (leads, assignment, the sales desk).
    pub crm: web::Data<crm::Crm>,
    /// Finance: invoices, billing profiles, supplier settings.
    pub finance: web::Data<finance::Finance>,
    /// The LMS's enrolment check behind `kernel::auth::Enrolled`.
    pub enrollment_check: web::Data<dyn kernel::auth::EnrollmentCheck>,
    /// The Socket.IO server (meeting signalling, presence, chat), shared by every worker.
    pub realtime: realtime::Realtime,
    /// The terminal relay.
    pub terminal: web::Data<realtime::terminal::Terminal>,
    /// The LLM gateway (providers' client, sealed credentials).
    pub integrations: web::Data<integrations::Integrations>,
    /// The student profile's sections (identity, mentorship, tokens; the LMS later).
    pub profile: web::Data<integrations::profile::ProfileSections>,
    /// The Graphy / EzExam sync (outside APIs' client, sealed config keys).
    pub sync: web::Data<integrations::sync::ExternalSync>,
    /// Bulk imports and the kinds the owning crates register ([`import_kinds`]).
    pub imports: web::Data<imports::Imports>,
}

/// Every import kind of the process, registered by the crate that owns its table: identity's
/// `students` (lms' questions and crm's leads add one line each here).
pub fn import_kinds() -> imports::Kinds {
    let mut kinds = imports::Kinds::new();
    kinds.register(identity::import::Students);
    kinds.register(lms::import::Questions);
    kinds.register(crm::import::Leads);
    kinds
}

/// Every product sold through Razorpay, registered by the crate that owns its orders table:
/// tokens' token packs and the LMS's course enrollments.
pub fn payment_products() -> integrations::payments::PaymentProducts {
    let mut products = integrations::payments::PaymentProducts::new();
    products.register(tokens::purchases::TokenPacks);
    products.register(lms::service::orders::CourseEnrollments);
    products
}

/// Comms with every contact policy of the process, registered by the crate that knows the
/// people behind the numbers: the CRM's leads (do-not-disturb, WhatsApp consent) for the
/// direct call, SMS and WhatsApp routes.
pub fn comms_with_policies(
    ctx: &AppContext,
    jobs: &jobs::Jobs,
    config: &GatewayConfig,
) -> anyhow::Result<comms::Comms> {
    Ok(comms::Comms::new(ctx, jobs, config.comms.clone())?
        .with_contact_policy(crm::service::contact_policy::LeadContactPolicy))
}

impl Services {
    /// Builds every crate's state from the shared context, handing each its section of
    /// `config`.
    pub async fn build(
        ctx: &AppContext,
        jobs: &jobs::Jobs,
        config: &GatewayConfig,
    ) -> anyhow::Result<Self> {
        let storage = storage::Storage::from_config(&config.storage, &ctx.config.public_base_url)?;
        let identity = identity::Identity::new(ctx, jobs, config.identity.clone())?;
        let mentorship = mentorship::Mentorship::new(ctx, jobs, config.mentorship.clone())?;
        let imports =
            imports::Imports::new(ctx, jobs, &storage, config.imports.clone(), import_kinds());
        let integrations = integrations::Integrations::new(ctx, &config.integrations)?;
        let finance = finance::Finance::new(ctx, jobs, &storage, config.finance.clone());
        // production refuses to start when a platform with finance would have no supplier
        finance::service::supplier::check_boot(
            &ctx.db,
            &config.finance,
            ctx.config.app_env.is_production(),
        )
        .await?;
        let mut lms = lms::Lms::new(ctx, jobs, &storage, config.lms.clone());
        if let Some(judge0) = integrations.judge0.clone() {
            // code questions of quizzes are graded through Judge0
            lms = lms.with_code_runner(std::sync::Arc::new(judge0));
        }
        let hiring = hire::Hire::new(ctx, jobs, &storage, config.hire.clone());
        let crm = crm::Crm::new(ctx, jobs, config.crm.clone()).with_storage(&storage);
        Ok(Self {
            jobs: web::Data::new(jobs.clone()),
            storage: web::Data::new(storage),
            comms: web::Data::new(comms_with_policies(ctx, jobs, config)?),
            directory: web::Data::from(identity.directory()),
            password_sign_in: web::Data::from(identity.password_sign_in()),
            identity: web::Data::new(identity),
            tokens: web::Data::new(tokens::Tokens::new(jobs, config.tokens.clone())?),
            payments: web::Data::new(integrations::payments::Payments::new(
                ctx,
                jobs,
                &config.integrations.razorpay,
                payment_products(),
            )?),
            calendar: web::Data::new(mentorship.calendar().clone()),
            realtime: crate::live::realtime(ctx, &config.realtime, &mentorship).await?,
            terminal: web::Data::new(crate::live::terminal(ctx, &config.realtime)?),
            mentorship: web::Data::new(mentorship),
            lms: web::Data::new(lms),
            hire: web::Data::new(hiring),
            crm: web::Data::new(crm),
            finance: web::Data::new(finance),
            enrollment_check: web::Data::from(std::sync::Arc::new(
                lms::service::enrollment::LmsEnrollmentCheck::new(ctx),
            )
                as std::sync::Arc<dyn kernel::auth::EnrollmentCheck>),
            integrations: web::Data::new(integrations),
            profile: web::Data::new(crate::profile::sections()),
            sync: web::Data::new(integrations::sync::ExternalSync::new(
                ctx,
                jobs,
                config.integrations.sync.clone(),
            )?),
            imports: web::Data::new(imports),
        })
    }

    /// Registers every crate's state on an App (called once per worker).
    fn register<T>(&self, app: App<T>) -> App<T>
    where
        T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
    {
        app.app_data(self.jobs.clone())
            .app_data(self.storage.clone())
            .app_data(self.comms.clone())
            .app_data(self.identity.clone())
            .app_data(self.directory.clone())
            .app_data(self.password_sign_in.clone())
            .app_data(self.tokens.clone())
            .app_data(self.payments.clone())
            .app_data(self.mentorship.clone())
            .app_data(self.calendar.clone())
            .app_data(self.lms.clone())
            .app_data(self.hire.clone())
            .app_data(self.crm.clone())
            .app_data(self.finance.clone())
            .app_data(self.enrollment_check.clone())
            .app_data(self.terminal.clone())
            .app_data(self.integrations.clone())
            .app_data(self.profile.clone())
            .app_data(self.sync.clone())
            .app_data(self.imports.clone())
    }
}

/// Builds the whole App.
pub fn build_app(
    ctx: web::Data<AppContext>,
    docs: web::Data<ApiDocs>,
    services: Services,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let config = ctx.config.clone();
    let realtime = services.realtime.clone();
    // the routes only: the document was collected once per process (`ApiDocs`)
    let app = App::new().configure(|cfg| kernel::routes::mount(cfg, crate::routes::configure));
    services
        .register(app)
        .app_data(ctx)
        .app_data(docs.clone())
        .app_data(extract::json_config())
        .app_data(extract::query_config())
        .app_data(extract::path_config())
        .app_data(extract::payload_config())
        .route("/api/openapi.json", web::get().to(openapi_json))
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::from("/api/openapi.json")),
        )
        .route("/api/docs", web::get().to(docs_redirect))
        .configure(|cfg| realtime::configure(cfg, &realtime))
        .default_service(web::to(fallback))
        .wrap(from_fn(http::public_body_limit))
        .wrap(from_fn(auth::resolve_middleware))
        .wrap(from_fn(http::resolve_tenant))
        .wrap(from_fn(undeclared_method))
        .wrap(http::cors(&config))
        .wrap(Compress::default())
        .wrap(http::security_headers(&config))
        .wrap(from_fn(http::request_context))
        .wrap(from_fn(http::track_metrics))
}

/// No route matched: 405 with `Allow` when the path exists with other methods, else 404.
async fn fallback(req: HttpRequest, docs: web::Data<ApiDocs>) -> Result<HttpResponse, AppError> {
    Err(match docs.routes.allowed(req.path()) {
        Some(allow) => AppError::MethodNotAllowed { allow },
        None => AppError::not_found(format!("no route for {} {}", req.method(), req.path())),
    })
}

/// A method the document does not list for a known path (`TRACE`, `QUERY`, `PUT` on a
/// read-only resource…) is answered 405 with `Allow` before tenant resolution and
/// credentials, so it never turns into a 400 `unknown_platform` or a 401. `HEAD` is left to
/// the router; CORS preflights never get here (CORS is outside).
async fn undeclared_method(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method() != Method::HEAD
        && let Some(docs) = req.app_data::<web::Data<ApiDocs>>()
        && let Some(allow) = docs.routes.allowed(req.path())
        && !allow.iter().any(|m| m == req.method().as_str())
    {
        let answer = AppError::MethodNotAllowed { allow }.error_response();
        return Ok(req.into_response(answer).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The OpenAPI document (serialised once at start-up).
async fn openapi_json(docs: web::Data<ApiDocs>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(docs.json.clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/api/docs/"))
        .finish()
}
