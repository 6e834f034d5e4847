//! `/api/openapi.json` tells the truth about what every route can answer: the cheap, common
//! part of what `scripts/schemathesis.sh` checks against the running server, without Python.
//! Problem answers are declared as `application/problem+json`, protected routes declare
//! 401 and 403, the routes of a module declare the 404 of a platform without it, and an
//! undeclared method is 405 with `Allow` before anything else looks at the request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

use crate::route_table::{Access, ROUTES, concrete};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The Engine.IO endpoint answers Engine.IO's own error bodies (not problem+json).
const ENGINE_IO: &str = "/socket.io/";

/// Every (method, path, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

async fn document(app: &TestApp) -> Value {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

#[tokio::test]
async fn problem_answers_are_declared_as_problem_json() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        if path == ENGINE_IO {
            continue;
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let what = format!("{method} {path} {status}");
            let Some(content) = response["content"].as_object() else {
                wrong.push(format!("{what}: no body declared"));
                continue;
            };
            for (media, body) in content {
                let problem = body["schema"]["$ref"] == "#/components/schemas/Problem";
                match media.as_str() {
                    "application/problem+json" if problem => {}
                    // the queue dashboard's pages answer HTML sign-in pages
                    "text/html" if path.starts_with("/admin/") => {}
                    _ => wrong.push(format!("{what}: {media} {}", body["schema"])),
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "error answers must be `body = Problem, content_type = \"application/problem+json\"`:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn protected_operations_declare_401_and_403() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let ops = operations(&doc);
    let mut wrong = Vec::new();
    for (method, path, op) in &ops {
        let responses = op["responses"].as_object().unwrap();
        // protected: some requirement, and none of them empty (`{}` makes credentials
        // optional, as on /metrics without METRICS_TOKEN)
        let secured = op["security"].as_array().is_some_and(|reqs| {
            !reqs.is_empty() && reqs.iter().all(|r| !r.as_object().unwrap().is_empty())
        });
        let listed = ROUTES
            .iter()
            .find(|(m, p, _)| m == method && p == path)
            .map(|(_, _, access)| *access);
        let what = format!("{method} {path} ({listed:?})");
        match listed {
            // the route table says who may call it; the document must say it is protected
            Some(Access::Public) | None => {}
            Some(Access::Secret(_)) => {
                if !responses.contains_key("401") && !responses.contains_key("403") {
                    wrong.push(format!("{what}: declares neither 401 nor 403"));
                }
                continue;
            }
            Some(_) if !secured => wrong.push(format!("{what}: no security requirement")),
            Some(_) => {}
        }
        if secured {
            for status in ["401", "403"] {
                if !responses.contains_key(status) {
                    wrong.push(format!("{what}: no {status}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn undeclared_methods_are_405_with_allow_before_tenant_and_credentials() {
    let app = spawn_app().await;
    let trace = Method::from_bytes(b"TRACE").unwrap();
    // an unknown platform and no token: still 405, not 400 `unknown_platform` or 401
    let res = app
        .req(trace.clone(), "/api/platform")
        .header("X-Platform", "no-such-platform")
        .send()
        .await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let res = app.req(trace, "/api/admin/users").send().await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let query = Method::from_bytes(b"QUERY").unwrap();
    let res = app.req(query, "/api/auth/login").send().await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("POST"));
    // a literal segment is not a parameter: `/api/mentors/me/slots` has no GET
    let res = app.get("/api/mentors/me/slots").await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("POST"));
}

/// A route of a module answers 404 on a platform that has not enabled it (before any
/// credential is looked at): each route that does must declare it.
#[tokio::test]
async fn module_routes_declare_the_404_of_a_platform_without_the_module() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let res = app
        .req(Method::POST, "/api/admin/platforms")
        .bearer(&app.superadmin_token())
        .json(&json!({"slug": "no-modules", "name": "No modules", "modules": []}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let mut wrong = Vec::new();
    let mut gated = 0;
    for (method, path, op) in operations(&doc) {
        if path.starts_with("/admin/") || path == ENGINE_IO {
            continue;
        }
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = app
            .req(m.clone(), &concrete(&path))
            .header("X-Platform", "no-modules");
        if m != Method::GET && m != Method::DELETE {
            req = req.json(&json!({}));
        }
        let res = req.send().await;
        if res.status == 404 {
            gated += 1;
            if op["responses"].get("404").is_none() {
                wrong.push(format!("{method} {path}: {}", res.text));
            }
        }
    }
    assert!(
        gated > 40,
        "only {gated} routes answered 404: is the platform there?"
    );
    assert!(
        wrong.is_empty(),
        "routes answering 404 without declaring it:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_upload_form_declares_the_media_types_storage_accepts() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let declared = doc["paths"]["/api/upload"]["post"]["requestBody"]["content"]
        ["multipart/form-data"]["encoding"]["file"]["contentType"]
        .as_str()
        .unwrap()
        .split(',')
        .map(str::trim)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert_eq!(declared, storage::media::ALLOWED_CONTENT_TYPES);
}

/// Answers the review's Schemathesis run found wrong, kept right.
#[tokio::test]
async fn text_the_database_cannot_hold_is_422_not_500() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.req(Method::GET, "/api/admin/users?q=a%00b")
        .bearer(&admin)
        .send()
        .await
        .assert_problem(422, "validation_failed");
    // jsonb keeps numbers exactly; one near f64::MAX could not be read back
    app.req(Method::PUT, "/api/system-config/SCHEMATHESIS_NUMBER")
        .bearer(&app.superadmin_token())
        .body(r#"{"value": [1.7976931348623157e308]}"#, "application/json")
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/system-config")
        .await
        .assert_problem(401, "unauthorized");
    let res = app
        .req(Method::GET, "/api/system-config")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

/// Every `in: path` parameter names a `{segment}` of its path and every segment is declared:
/// a query struct documented without `#[into_params(parameter_in = Query)]` defaults to
/// `in: path` under a custom extractor, which clients then generate as path arguments.
#[tokio::test]
async fn path_parameters_are_exactly_the_templated_segments() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        let segments: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        for name in &declared {
            if !segments.contains(name) {
                wrong.push(format!("{method} {path}: `{name}` declared in path"));
            }
        }
        for name in &segments {
            if !declared.contains(name) {
                wrong.push(format!("{method} {path}: `{{{name}}}` not declared"));
            }
        }
    }
    assert!(wrong.is_empty(), "path parameters:\n{}", wrong.join("\n"));
}
