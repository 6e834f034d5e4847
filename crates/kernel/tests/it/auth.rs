//! The auth extractors on a bare actix App with a fake user directory: current role and
//! status win over the token's claims, permission errors come before body errors, optional
//! login, the enrolment hook.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{collections::HashMap, sync::Arc, sync::Mutex};

use actix_web::{
    App, HttpMessage, HttpResponse,
    body::MessageBody,
    dev::{Service, ServiceRequest, ServiceResponse},
    middleware::{Next, from_fn},
    test, web,
};
use futures::future::BoxFuture;
use kernel::{
    AppContext, AppError, Config, Tenant,
    auth::{
        Admin, AuthUser, Capability, CurrentUser, Enrolled, EnrollmentCheck, MaybeUser, Require,
        Role, UserDirectory, resolve_middleware,
    },
    extract::ValidJson,
};
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

fn tenant() -> Arc<Tenant> {
    Arc::new(Tenant {
        id: Uuid::nil(),
        slug: "mr-mentor".into(),
        name: "Mr. Mentor".into(),
        modules: vec![],
    })
}

async fn with_tenant(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    req.extensions_mut().insert(tenant());
    next.call(req).await
}

#[derive(Default)]
struct FakeDirectory {
    users: Mutex<HashMap<Uuid, CurrentUser>>,
}

impl UserDirectory for FakeDirectory {
    fn current<'a>(
        &'a self,
        user_id: Uuid,
        _tenant: &'a Tenant,
    ) -> BoxFuture<'a, Result<Option<CurrentUser>, AppError>> {
        let found = self.users.lock().unwrap().get(&user_id).cloned();
        Box::pin(async move {
            // a real directory awaits Redis or PostgreSQL
            tokio::task::yield_now().await;
            Ok(found)
        })
    }
}

struct Enrolments(Uuid);

impl EnrollmentCheck for Enrolments {
    fn is_enrolled<'a>(
        &'a self,
        _user: &'a AuthUser,
        course_id: Uuid,
    ) -> BoxFuture<'a, Result<bool, AppError>> {
        let ok = course_id == self.0;
        Box::pin(async move { Ok(ok) })
    }
}

#[derive(Debug, Deserialize, Validate)]
struct Body {
    #[validate(length(min = 3))]
    name: String,
}

fn context() -> AppContext {
    let config = Config::from_lookup(|_| None).unwrap();
    let redis = kernel::redis::pool(&config).unwrap();
    AppContext::new(config, sea_orm::DatabaseConnection::default(), redis).unwrap()
}

fn current(role: Role, active: bool) -> CurrentUser {
    CurrentUser {
        role,
        caps: vec![Capability::Finance],
        active,
        tokens_valid_after: None,
    }
}

#[actix_web::test]
async fn the_directory_decides_role_and_status_before_the_body_is_judged() {
    let ctx = context();
    let directory = Arc::new(FakeDirectory::default());
    let (promoted, suspended, plain) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    {
        let mut users = directory.users.lock().unwrap();
        users.insert(promoted, current(Role::Admin, true));
        users.insert(suspended, current(Role::Admin, false));
        users.insert(plain, current(Role::User, true));
    }
    let course = Uuid::now_v7();
    let dir: Arc<dyn UserDirectory> = directory.clone();
    let check: Arc<dyn EnrollmentCheck> = Arc::new(Enrolments(course));
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .app_data(web::Data::from(dir))
            .app_data(web::Data::from(check))
            .wrap(from_fn(resolve_middleware))
            .wrap(from_fn(with_tenant))
            .route(
                "/admin",
                web::post().to(|u: Require<Admin>, b: ValidJson<Body>| async move {
                    HttpResponse::Ok().body(format!("{:?} {}", u.role, b.0.name))
                }),
            )
            .route(
                "/maybe",
                web::get().to(|u: MaybeUser| async move {
                    HttpResponse::Ok().body(format!("{}", u.0.is_some()))
                }),
            )
            .route(
                "/courses/{course_id}",
                web::get().to(|e: Enrolled| async move {
                    HttpResponse::Ok().body(e.course_id.to_string())
                }),
            ),
    )
    .await;
    let token = |id: Uuid, role: Role| ctx.jwt.issue(id, role, vec![], "mr-mentor", 60).unwrap();
    let call = |token: Option<String>, body: &'static str| {
        let mut req = test::TestRequest::post()
            .uri("/admin")
            .insert_header(("content-type", "application/json"))
            .set_payload(body);
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        req.to_request()
    };

    // the token says USER, the directory says ADMIN: the directory wins
    let res = app
        .call(call(
            Some(token(promoted, Role::User)),
            r#"{"name":"asha"}"#,
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // the token says ADMIN, the account is suspended
    let res = app
        .call(call(
            Some(token(suspended, Role::Admin)),
            r#"{"name":"asha"}"#,
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // unknown user
    let res = app
        .call(call(Some(token(Uuid::now_v7(), Role::Admin)), "{}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // a USER with a bad body hears 403 (the permission), not 422 (the body)
    let res = app
        .call(call(Some(token(plain, Role::User)), r#"{"name":"x"}"#))
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app.call(call(None, "{}")).await.unwrap();
    assert_eq!(res.status(), 401);
    // and an allowed user with a bad body hears 422
    let res = app
        .call(call(Some(token(promoted, Role::User)), r#"{"name":"x"}"#))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // tokens issued before a password change are refused
    directory
        .users
        .lock()
        .unwrap()
        .get_mut(&plain)
        .unwrap()
        .tokens_valid_after = Some(chrono::Utc::now().timestamp() + 5);
    let res = app
        .call(call(Some(token(plain, Role::User)), r#"{"name":"asha"}"#))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // optional login: none is fine, a bad one is not
    let maybe = |auth: Option<&str>| {
        let mut req = test::TestRequest::get().uri("/maybe");
        if let Some(a) = auth {
            req = req.insert_header(("authorization", a.to_owned()));
        }
        req.to_request()
    };
    let res = app.call(maybe(None)).await.unwrap();
    assert_eq!(test::read_body(res).await, "false");
    let res = app
        .call(maybe(Some(&format!(
            "Bearer {}",
            token(promoted, Role::User)
        ))))
        .await
        .unwrap();
    assert_eq!(test::read_body(res).await, "true");
    let res = app.call(maybe(Some("Bearer junk"))).await.unwrap();
    assert_eq!(res.status(), 401);

    // enrolment: the course of the path, admins pass, others need the check
    let enrolled = |id: Uuid, course: Uuid| {
        test::TestRequest::get()
            .uri(&format!("/courses/{course}"))
            .insert_header(("authorization", format!("Bearer {}", token(id, Role::User))))
            .to_request()
    };
    let other = Uuid::now_v7();
    {
        let mut users = directory.users.lock().unwrap();
        users.get_mut(&plain).unwrap().tokens_valid_after = None;
    }
    assert_eq!(
        app.call(enrolled(plain, course)).await.unwrap().status(),
        200
    );
    assert_eq!(
        app.call(enrolled(plain, other)).await.unwrap().status(),
        403
    );
    assert_eq!(
        app.call(enrolled(promoted, other)).await.unwrap().status(),
        200
    );
    let res = app
        .call(
            test::TestRequest::get()
                .uri("/courses/not-a-uuid")
                .insert_header((
                    "authorization",
                    format!("Bearer {}", token(plain, Role::User)),
                ))
                .to_request(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[actix_web::test]
async fn without_a_directory_the_claims_are_used() {
    let ctx = context();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .wrap(from_fn(with_tenant))
            .route(
                "/me",
                web::get().to(|u: AuthUser| async move {
                    HttpResponse::Ok().body(format!("{:?}", u.role))
                }),
            ),
    )
    .await;
    let t = ctx
        .jwt
        .issue(Uuid::now_v7(), Role::Expert, vec![], "mr-mentor", 60)
        .unwrap();
    let res = app
        .call(
            test::TestRequest::get()
                .uri("/me")
                .insert_header(("authorization", format!("Bearer {t}")))
                .to_request(),
        )
        .await
        .unwrap();
    assert_eq!(test::read_body(res).await, "Expert");
    let other = ctx
        .jwt
        .issue(Uuid::now_v7(), Role::User, vec![], "mr-hire", 60)
        .unwrap();
    let res = app
        .call(
            test::TestRequest::get()
                .uri("/me")
                .insert_header(("authorization", format!("Bearer {other}")))
                .to_request(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
