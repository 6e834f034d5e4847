//! Fixtures of the Mr. Hire tests: HR tokens on `mr-hire`, posts, multipart apply forms and
//! real PDF bytes.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse};

/// The platform of these tests.
pub const PLATFORM: &str = "mr-hire";

/// A user with the HR capability on `mr-hire`: (id, token).
pub fn hr(app: &TestApp) -> (uuid::Uuid, String) {
    app.user(Role::User, &[Capability::Hr], PLATFORM)
}

/// A request on `mr-hire`, with a bearer token when one is given.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut req = app.req(method, path).platform(PLATFORM);
    if let Some(token) = token {
        req = req.bearer(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await
}

/// Creates an open post (fields of `extra` override the defaults); answers it.
pub async fn open_post(app: &TestApp, hr: &str, extra: Value) -> Value {
    let mut body = json!({
        "title": "Data Analyst", "description": "SQL and dashboards", "location": "Pune",
        "remote": true, "skills": ["sql", "excel"], "salary_min_paise": 50_000_000,
        "salary_max_paise": 80_000_000, "status": "open", "family": "engineering",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = call(
        app,
        Method::POST,
        "/api/admin/job-posts",
        Some(hr),
        Some(body),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// A multipart body: text parts, then an optional file part (name, filename, content type,
/// bytes). Answers (body, content type).
pub fn form(fields: &[(&str, &str)], file: Option<(&str, &str, &str, &[u8])>) -> (Vec<u8>, String) {
    let boundary = "----mas-hire-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, filename, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Applies to `post_id` as an anonymous candidate with a PDF resume.
pub async fn apply(
    app: &TestApp,
    post_id: &str,
    full_name: &str,
    email: &str,
    phone: &str,
    resume: &[u8],
) -> TestResponse {
    let (body, content_type) = form(
        &[("full_name", full_name), ("email", email), ("phone", phone)],
        Some(("resume", "resume.pdf", "application/pdf", resume)),
    );
    app.req(Method::POST, &format!("/api/job-posts/{post_id}/apply"))
        .platform(PLATFORM)
        .body(body, &content_type)
        .send()
        .await
}

/// A small but well-formed PDF whose one page shows `lines` (Helvetica, one line each).
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 50 780 Td 14 TL\n");
    for line in lines {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One number from SQL (`count(*)` and the like).
pub async fn count(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Files under the test app's storage directory whose path contains `part`.
pub fn stored_files(app: &TestApp, part: &str) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let root = app.config.storage.dir.clone();
    let mut all = Vec::new();
    walk(&root, &mut all);
    all.into_iter()
        .filter(|p| {
            let s = p.display().to_string();
            s.contains(part) && !s.contains("/_meta/")
        })
        .collect()
}

/// The first field named by a problem.
pub fn field(body: &Value) -> String {
    body["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Applies with a one-page PDF of `lines` and expects 201; answers the apply answer.
pub async fn applied(
    app: &TestApp,
    post_id: &str,
    full_name: &str,
    email: &str,
    phone: &str,
    lines: &[&str],
) -> Value {
    let res = apply(app, post_id, full_name, email, phone, &pdf(lines)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

/// Moves an application to `stage` (with `reason` when given) and expects 201.
pub async fn move_stage(app: &TestApp, hr: &str, id: &str, stage: &str, reason: Option<&str>) {
    let res = call(
        app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/stage"),
        Some(hr),
        Some(json!({"stage": stage, "reason": reason})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

/// Erases `candidate` as HR (`DELETE /api/admin/candidates/{id}`, 200); the answer.
pub async fn erase(app: &TestApp, hr: &str, candidate: &str) -> Value {
    let res = call(
        app,
        Method::DELETE,
        &format!("/api/admin/candidates/{candidate}"),
        Some(hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

/// An application's detail as HR reads it.
pub async fn detail(app: &TestApp, hr: &str, id: &str) -> Value {
    let res = call(
        app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}"),
        Some(hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

/// Runs one SQL statement on the test database (moving clocks back, say).
pub async fn exec(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap();
}

/// `n` applications to `post_id` by different people (`Person i`, own email and phone);
/// answers their ids.
pub async fn applied_many(app: &TestApp, post_id: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let person = format!("Person {i}");
        let answer = applied(
            app,
            post_id,
            &person,
            &format!("person{i}@example.com"),
            &format!("+91 90000 1000{i}"),
            &[&person],
        )
        .await;
        ids.push(answer["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Applies with `fields` (the form's text parts) and a one-page PDF; expects 201 and answers
/// the apply answer. Without a `phone` field, one is made from the email (the same phone
/// would make different people one candidate).
pub async fn apply_fields(app: &TestApp, post_id: &str, fields: &[(&str, &str)]) -> Value {
    let email = fields
        .iter()
        .find(|(k, _)| *k == "email")
        .map(|(_, v)| *v)
        .unwrap_or_default();
    let phone = format!(
        "90{:08}",
        email
            .bytes()
            .fold(7u64, |h, b| (h * 31 + u64::from(b)) % 100_000_000)
    );
    let mut parts: Vec<(&str, &str)> = fields.to_vec();
    if !parts.iter().any(|(k, _)| *k == "phone") {
        parts.push(("phone", phone.as_str()));
    }
    let resume = pdf(&[email]);
    let (body, content_type) = form(
        &parts,
        Some(("resume", "resume.pdf", "application/pdf", &resume)),
    );
    let res = app
        .req(Method::POST, &format!("/api/job-posts/{post_id}/apply"))
        .platform(PLATFORM)
        .body(body, &content_type)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}
