//! Cross-cutting behaviour of every answer: request ids, security headers, CORS, metrics,
//! and the API document and docs page served from the binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use testkit::{TestOptions, spawn_app, spawn_app_with};

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .req(Method::GET, "/api/health")
        .header("X-Request-Id", "trace-abc-123")
        .send()
        .await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-abc-123"));
    let res = app.get("/api/health").await;
    let generated = res.header("x-request-id").unwrap();
    assert_eq!(
        uuid::Uuid::parse_str(&generated).unwrap().get_version_num(),
        7
    );
    // an absurd id is replaced, not echoed
    let res = app
        .req(Method::GET, "/api/health")
        .header("X-Request-Id", &"x".repeat(500))
        .send()
        .await;
    assert_ne!(res.header("x-request-id").unwrap().len(), 500);
    // problems carry the same id in the body
    let res = app
        .req(Method::GET, "/api/nope")
        .header("X-Request-Id", "trace-404")
        .send()
        .await;
    assert_eq!(
        res.assert_problem(404, "not_found")["request_id"],
        "trace-404"
    );
}

#[tokio::test]
async fn security_headers_are_set_without_hsts_in_development() {
    let app = spawn_app().await;
    let res = app.get("/api/health").await;
    assert_eq!(
        res.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(res.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(
        res.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    assert!(
        res.header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(res.header("strict-transport-security").is_none());
    // error answers carry them too
    let res = app.get("/api/nope").await;
    assert_eq!(
        res.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
}

fn production() -> TestOptions {
    TestOptions::default()
        .env("APP_ENV", "production")
        .env(
            "JWT_SECRET",
            "a-production-secret-of-at-least-32-characters",
        )
        .env("CORS_ALLOWED_ORIGINS", r#"["https://app.example.com"]"#)
        // finance is enabled on the seeded platforms: production needs the supplier
        .env("GST_SUPPLIER_GSTIN", "29AAACM1234A1Z4")
}

#[tokio::test]
async fn production_cors_allows_only_the_allow_list() {
    let app = spawn_app_with(production()).await;
    let allowed = app
        .req(Method::GET, "/api/platform")
        .header("Origin", "https://app.example.com")
        .send()
        .await;
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    assert!(
        allowed.header("strict-transport-security").is_some(),
        "HSTS in production"
    );

    let preflight = app
        .req(Method::OPTIONS, "/api/platform")
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "x-platform, authorization, content-type",
        )
        .send()
        .await;
    assert_eq!(preflight.status, 200, "{}", preflight.text);
    let allowed_headers = preflight
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(allowed_headers.contains("x-platform"), "{allowed_headers}");

    // another origin gets no CORS grant, so a browser will not hand it the answer
    let refused = app
        .req(Method::GET, "/api/platform")
        .header("Origin", "https://evil.example")
        .send()
        .await;
    assert!(
        refused.header("access-control-allow-origin").is_none(),
        "{:?}",
        refused.headers
    );
    let refused_preflight = app
        .req(Method::OPTIONS, "/api/platform")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await;
    assert!(
        refused_preflight
            .header("access-control-allow-origin")
            .is_none()
    );

    // no Origin (curl, mobile) and Origin: null (file://) are allowed
    assert_eq!(app.get("/api/platform").await.status, 200);
    let null = app
        .req(Method::GET, "/api/platform")
        .header("Origin", "null")
        .send()
        .await;
    assert_eq!(null.status, 200);
}

#[tokio::test]
async fn development_cors_is_permissive() {
    let app = spawn_app().await;
    let res = app
        .req(Method::GET, "/api/platform")
        .header("Origin", "http://localhost:5173")
        .send()
        .await;
    assert_eq!(
        res.header("access-control-allow-origin").as_deref(),
        Some("http://localhost:5173")
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/health").await.status, 200);
    }
    app.get("/api/nope").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, 200);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text;
    assert!(
        text.contains(
            r#"mas_http_requests_total{method="GET",route="/api/health",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(
        text.contains("mas_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.contains(r#"mas_db_pool_connections{state="open"}"#),
        "{text}"
    );
    assert!(text.contains("mas_db_pool_max_connections 5"), "{text}");
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/health", "get"),
        ("/api/health/ready", "get"),
        ("/metrics", "get"),
        ("/api/platform", "get"),
        ("/api/admin/platforms", "get"),
        ("/api/admin/platforms", "post"),
        ("/api/admin/platforms/{slug}", "patch"),
        ("/api/system-config", "get"),
        ("/api/system-config/{key}", "get"),
        ("/api/system-config/{key}", "put"),
        ("/api/test-data", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    // the same document the CLI prints
    let printed = serde_json::to_value(gateway::docs::openapi()).unwrap();
    assert_eq!(printed["paths"], doc["paths"]);
}

#[tokio::test]
async fn every_documented_route_is_mounted() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let admin = app.superadmin_token();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = concrete_path(path);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .req(m, &concrete)
                .bearer(&admin)
                .json(&serde_json::json!({}))
                .send()
                .await;
            let unrouted = res.status == 404
                && res.json()["detail"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("no route");
            assert!(
                !unrouted && res.status != 405,
                "{method} {path} is documented but not mounted: {}",
                res.text
            );
        }
    }
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let redirect = app.get("/api/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location").as_deref(), Some("/api/docs/"));
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    let init = app.get("/api/docs/swagger-initializer.js").await;
    assert!(init.text.contains("/api/openapi.json"), "{}", init.text);
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.text.len() > 100_000,
        "the bundle is vendored into the binary"
    );
}

/// A documented path with its parameters filled: known ones with real values, any other with
/// a placeholder (the handler may answer 404 for it, but not the "no route" 404).
fn concrete_path(path: &str) -> String {
    let known = path
        .replace("{slug}", "mr-mentor")
        .replace("{key}", "TOKEN_GOVERNANCE_ENABLED");
    let mut out = String::with_capacity(known.len());
    let mut in_param = false;
    for c in known.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("x1");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}
