//! Typed request helpers: build a request against the app, get a [`TestResponse`] whose
//! body is already read, and assert problem+json answers in one call.

use reqwest::{Method, header::HeaderMap};
use serde_json::Value;

use crate::TestApp;

/// A finished response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body text.
    pub text: String,
}

impl TestResponse {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Asserts a problem+json answer with this status and code, whose `request_id` matches
    /// `X-Request-Id`; returns the body.
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "status of {}", self.text);
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json"),
            "content-type {content_type:?}: {}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["code"], code, "code of {body}");
        assert_eq!(body["status"], status, "status field of {body}");
        assert_eq!(body["type"], format!("urn:mas:problem:{code}"));
        for field in ["title", "detail", "request_id"] {
            assert!(body[field].is_string(), "{field} missing in {body}");
        }
        let request_id = self.header("x-request-id").expect("X-Request-Id header");
        assert_eq!(body["request_id"], request_id.as_str());
        let registered = gateway::error::registry()
            .into_iter()
            .flat_map(|(_, codes)| codes.iter())
            .find(|c| c.code == code)
            .map(|c| c.status.as_u16());
        assert_eq!(
            registered,
            Some(status),
            "{code:?} must be a registered code of status {status} (docs/errors.md)"
        );
        body
    }
}

/// A request being built.
pub struct Req {
    builder: reqwest::RequestBuilder,
}

impl Req {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(mut self, token: &str) -> Self {
        self.builder = self.builder.bearer_auth(token);
        self
    }

    /// `X-Platform: <slug>`.
    pub fn platform(mut self, slug: &str) -> Self {
        self.builder = self.builder.header("X-Platform", slug);
        self
    }

    /// Any header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: &Value) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    /// A raw body with a content type.
    pub fn body(mut self, body: impl Into<reqwest::Body>, content_type: &str) -> Self {
        self.builder = self.builder.header("content-type", content_type).body(body);
        self
    }

    /// Sends and reads the whole answer.
    pub async fn send(self) -> TestResponse {
        let res = self.builder.send().await.expect("sending the request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("reading the body");
        TestResponse {
            status,
            headers,
            text,
        }
    }
}

impl TestApp {
    /// Starts a request to `path` (which begins with `/`).
    pub fn req(&self, method: Method, path: &str) -> Req {
        Req {
            builder: self.http.request(method, format!("{}{path}", self.address)),
        }
    }

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.req(Method::GET, path).send().await
    }

    /// A request with a bearer token and an optional JSON body, on the default platform.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> TestResponse {
        let mut req = self.req(method, path).bearer(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await
    }
}
