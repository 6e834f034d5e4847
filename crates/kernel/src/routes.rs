//! Route registration for every crate's `configure`: the calls of utoipa-actix-web's
//! `ServiceConfig` and `scope` (`service`, `configure`, `wrap`), except that a route's OpenAPI
//! path item and schemas are built only while the document is collected ([`document`]), not
//! each time an HTTP worker builds its App ([`mount`]). Building them is most of the code the
//! binary has and ten times the document's size in short-lived objects; a server that serves
//! the document it was handed never runs that code (issue 16, ADR 0087).
//!
//! The document is the same either way: [`document`] merges paths and schemas the way
//! utoipa-actix-web does, scopes prefixing their routes' paths.

use std::cell::{Cell, RefCell};

use actix_web::{
    App, Error,
    body::MessageBody,
    dev::{
        AppService, HttpServiceFactory, ServiceFactory, ServiceRequest, ServiceResponse, Transform,
    },
    web,
};
use utoipa::openapi::{RefOr, path::Paths, schema::Schema};
pub use utoipa_actix_web::OpenApiFactory;

/// Schemas a route refers to, by name.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

thread_local! {
    /// Set while [`document`] runs on this thread: scopes created meanwhile collect the docs of
    /// what they mount.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

/// Paths and schemas collected so far.
#[derive(Default)]
struct Docs {
    paths: Paths,
    schemas: Schemas,
}

impl Docs {
    fn add(&mut self, factory: &impl OpenApiFactory) {
        self.paths.merge(factory.paths());
        factory.schemas(&mut self.schemas);
    }
}

/// What a crate's `configure` mounts its routes on.
pub struct ServiceConfig<'a> {
    inner: &'a mut web::ServiceConfig,
    docs: Option<Docs>,
}

impl ServiceConfig<'_> {
    /// Mounts a route or a [`Scope`].
    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        if let Some(docs) = &mut self.docs {
            docs.add(&factory);
        }
        self.inner.service(factory);
        self
    }

    /// Runs another `configure` on the same config.
    pub fn configure<F>(&mut self, f: F) -> &mut Self
    where
        F: FnOnce(&mut ServiceConfig),
    {
        f(self);
        self
    }
}

/// Mounts what `f` mounts on an App's config without building any documentation (what each
/// HTTP worker does).
pub fn mount<F>(cfg: &mut web::ServiceConfig, f: F)
where
    F: FnOnce(&mut ServiceConfig),
{
    f(&mut ServiceConfig {
        inner: cfg,
        docs: None,
    });
}

/// The paths and schemas of everything `f` mounts, with each scope's prefix on its routes.
pub fn document<F>(f: F) -> (Paths, Schemas)
where
    F: FnOnce(&mut ServiceConfig),
{
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            COLLECTING.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(COLLECTING.with(|c| c.replace(true)));
    let mut collected = Docs::default();
    // the routes are mounted on a throwaway App: the config has no public constructor
    let _app = App::new().configure(|cfg| {
        let mut config = ServiceConfig {
            inner: cfg,
            docs: Some(Docs::default()),
        };
        f(&mut config);
        collected = config.docs.take().unwrap_or_default();
    });
    (collected.paths, collected.schemas)
}

/// A path prefix with its own middleware, like `actix_web::Scope`.
pub struct Scope<T> {
    inner: actix_web::Scope<T>,
    prefix: String,
    docs: Option<RefCell<Docs>>,
}

/// A scope under `path` (documented when created inside [`document`]).
pub fn scope(
    path: &str,
) -> Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = Error,
        InitError = (),
    >,
> {
    Scope {
        inner: actix_web::Scope::new(path),
        prefix: path.to_owned(),
        docs: COLLECTING
            .with(Cell::get)
            .then(|| RefCell::new(Docs::default())),
    }
}

impl<T> Scope<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    /// Wraps the scope's routes in a middleware.
    pub fn wrap<M, B>(
        self,
        middleware: M,
    ) -> Scope<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        >,
    >
    where
        M: Transform<
                T::Service,
                ServiceRequest,
                Response = ServiceResponse<B>,
                Error = Error,
                InitError = (),
            > + 'static,
        B: MessageBody,
    {
        Scope {
            inner: self.inner.wrap(middleware),
            prefix: self.prefix,
            docs: self.docs,
        }
    }

    /// Mounts a route or a nested scope.
    pub fn service<F>(self, factory: F) -> Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        if let Some(docs) = &self.docs {
            docs.borrow_mut().add(&factory);
        }
        Self {
            inner: self.inner.service(factory),
            ..self
        }
    }
}

impl<T, B> HttpServiceFactory for Scope<T>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    fn register(self, config: &mut AppService) {
        self.inner.register(config);
    }
}

impl<T> OpenApiFactory for Scope<T> {
    fn paths(&self) -> Paths {
        let Some(docs) = &self.docs else {
            return Paths::new();
        };
        let mut paths = std::mem::take(&mut docs.borrow_mut().paths);
        paths.paths = std::mem::take(&mut paths.paths)
            .into_iter()
            .map(|(path, item)| (format!("{}{path}", self.prefix), item))
            .collect();
        paths
    }

    fn schemas(&self, schemas: &mut Schemas) {
        if let Some(docs) = &self.docs {
            schemas.append(&mut docs.borrow_mut().schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use actix_web::{get, middleware::DefaultHeaders, test as actix_test};

    use super::*;

    #[utoipa::path(params(("id" = String, Path)), responses((status = 200)))]
    #[get("/items/{id}")]
    async fn item(id: web::Path<String>) -> String {
        id.into_inner()
    }

    fn configure(cfg: &mut ServiceConfig) {
        cfg.service(
            scope("/api")
                .wrap(DefaultHeaders::new().add(("x-scope", "api")))
                .service(scope("/nested").service(item)),
        );
    }

    #[test]
    fn the_document_has_every_route_under_its_scopes_prefixes() {
        let (paths, _) = document(configure);
        let keys: Vec<&String> = paths.paths.keys().collect();
        assert_eq!(keys, vec!["/api/nested/items/{id}"]);
        assert!(paths.paths["/api/nested/items/{id}"].get.is_some());
        // collecting ends with `document`
        assert!(!COLLECTING.with(Cell::get));
    }

    #[test]
    fn a_scope_made_outside_document_documents_nothing() {
        let mounted = scope("/api").service(item);
        assert!(mounted.paths().paths.is_empty());
        let mut schemas = Schemas::new();
        mounted.schemas(&mut schemas);
        assert!(schemas.is_empty());
    }

    #[actix_web::test]
    async fn mounted_routes_serve_with_their_scopes_middleware() {
        let app = actix_test::init_service(App::new().configure(|cfg| mount(cfg, configure))).await;
        let res = actix_test::call_service(
            &app,
            actix_test::TestRequest::get()
                .uri("/api/nested/items/seven")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("x-scope").unwrap(), "api");
        assert_eq!(actix_test::read_body(res).await, "seven");
    }
}
