//! Helpers shared by the storage tests: multipart bodies, and fetching the URLs the API
//! hands out from the test server (they carry `PUBLIC_BASE_URL`, not the test port).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::{Method, header::HeaderMap};
use serde_json::Value;
use testkit::{TestApp, TestResponse};

/// One part of a multipart form.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: Vec<u8>,
}

impl<'a> Part<'a> {
    /// A file part.
    pub fn file(filename: &'a str, content_type: &'a str, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: "file",
            filename: Some(filename),
            content_type: Some(content_type),
            data: data.into(),
        }
    }

    /// A text field.
    pub fn text(name: &'a str, value: &str) -> Self {
        Self {
            name,
            filename: None,
            content_type: None,
            data: value.as_bytes().to_vec(),
        }
    }
}

/// A `multipart/form-data` body and its content type.
pub fn multipart(parts: &[Part<'_>]) -> (Vec<u8>, String) {
    let boundary = "----mas-test-boundary-7d1f0c";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// `POST /api/upload` with these parts and an optional bearer token.
pub async fn upload(app: &TestApp, token: Option<&str>, parts: &[Part<'_>]) -> TestResponse {
    let (body, content_type) = multipart(parts);
    let mut req = app
        .req(Method::POST, "/api/upload")
        .body(body, &content_type);
    if let Some(token) = token {
        req = req.bearer(token);
    }
    req.send().await
}

/// The path and query of an absolute URL this server issued.
pub fn local_path(url: &str) -> String {
    let parsed = reqwest::Url::parse(url).unwrap();
    assert_eq!(parsed.path().split('/').nth(2), Some("storage"), "{url}");
    match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_owned(),
    }
}

/// A raw answer: status, headers, bytes.
pub struct Raw {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap()
    }
}

/// Sends a request to a path of the app, without credentials, and keeps the body as bytes.
pub async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Raw {
    let mut req = app.http.request(method, format!("{}{path}", app.address));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(body) = body {
        req = req.body(body);
    }
    let res = req.send().await.unwrap();
    Raw {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        bytes: res.bytes().await.unwrap().to_vec(),
    }
}

/// Fetches a signed download URL this server issued.
pub async fn fetch(app: &TestApp, url: &str) -> Raw {
    raw(app, Method::GET, &local_path(url), &[], None).await
}

/// Some bytes that are not UTF-8 (a PNG signature and friends).
pub fn binary(len: usize) -> Vec<u8> {
    let mut data = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    data.extend((0..len.saturating_sub(8)).map(|i| (i * 31 % 251) as u8));
    data
}
