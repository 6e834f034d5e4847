//! The request-context middleware and the module gate, on a bare actix App.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use actix_web::{
    App, HttpMessage, HttpResponse,
    body::to_bytes,
    dev::{Service, ServiceResponse},
    http::StatusCode,
    middleware::from_fn,
    test, web,
};
use kernel::{Tenant, http::request_context, tenant::ModuleGate};
use serde_json::Value;

async fn problem_of(
    res: Result<ServiceResponse, actix_web::Error>,
) -> (StatusCode, Option<String>, Value) {
    let res = match res {
        Ok(res) => res.into_parts().1,
        // what the server does with an error that leaves the middleware chain
        Err(err) => err.error_response(),
    };
    let status = res.status();
    let request_id = res
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let content_type = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body = to_bytes(res.into_body()).await.unwrap();
    (status, request_id, serde_json::from_slice(&body).unwrap())
}

#[actix_web::test]
async fn a_panicking_handler_answers_an_opaque_500_with_the_request_id() {
    let app = test::init_service(App::new().wrap(from_fn(request_context)).route(
        "/boom",
        web::get().to(|| async { panic!("secret internals {}", 42) as HttpResponse }),
    ))
    .await;
    let req = test::TestRequest::get()
        .uri("/boom")
        .insert_header(("X-Request-Id", "req-panic-1"))
        .to_request();
    let (status, request_id, body) = problem_of(app.call(req).await).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["code"], "internal_error");
    assert_eq!(body["request_id"], "req-panic-1");
    assert_eq!(request_id.as_deref(), Some("req-panic-1"));
    assert!(!body.to_string().contains("secret internals"));

    // the worker survives and serves the next request
    let req = test::TestRequest::get().uri("/missing").to_request();
    let (status, _, body) = problem_of(app.call(req).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}

#[actix_web::test]
async fn plain_error_answers_become_problems() {
    let app = test::init_service(
        App::new()
            .wrap(from_fn(request_context))
            .route(
                "/gone",
                web::get().to(|| async { HttpResponse::Gone().body("moved on") }),
            )
            .route(
                "/teapot",
                web::get().to(|| async { HttpResponse::ImATeapot().body("short and stout") }),
            ),
    )
    .await;
    // a status with a registered code keeps its status
    let req = test::TestRequest::get().uri("/gone").to_request();
    let (status, request_id, body) = problem_of(app.call(req).await).await;
    assert_eq!(status.as_u16(), 410);
    assert_eq!(body["status"], 410);
    assert_eq!(body["code"], "gone");
    assert_eq!(body["request_id"].as_str(), request_id.as_deref());
    // one without answers its class's generic code: every code has one status
    let req = test::TestRequest::get().uri("/teapot").to_request();
    let (status, _, body) = problem_of(app.call(req).await).await;
    assert_eq!(status.as_u16(), 400);
    assert_eq!(body["code"], "bad_request");
}

fn tenant(modules: &[&str]) -> Arc<Tenant> {
    Arc::new(Tenant {
        id: uuid::Uuid::now_v7(),
        slug: "t".into(),
        name: "T".into(),
        modules: modules.iter().map(|m| (*m).to_owned()).collect(),
    })
}

#[actix_web::test]
async fn module_gate_hides_routes_of_disabled_modules() {
    for (modules, want) in [
        (vec!["lms"], StatusCode::OK),
        (vec!["crm"], StatusCode::NOT_FOUND),
    ] {
        let t = tenant(&modules);
        let app = test::init_service(
            App::new()
                .service(
                    web::scope("/api/courses")
                        .wrap(ModuleGate("lms"))
                        .route("", web::get().to(|| async { HttpResponse::Ok().finish() })),
                )
                .wrap_fn(move |req, srv| {
                    req.extensions_mut().insert(t.clone());
                    srv.call(req)
                })
                .wrap(from_fn(request_context)),
        )
        .await;
        let res = app
            .call(test::TestRequest::get().uri("/api/courses").to_request())
            .await
            .unwrap();
        assert_eq!(res.status(), want, "modules {modules:?}");
        if want == StatusCode::NOT_FOUND {
            let (_, _, body) = problem_of(Ok(res.map_into_boxed_body())).await;
            assert_eq!(body["code"], "not_found");
        }
    }
}
