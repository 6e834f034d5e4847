//! Helpers of the importer's tests: multipart uploads, generated files, waiting for an
//! import to finish, counting rows.
#![allow(dead_code)]

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use testkit::{TestApp, TestResponse};

/// The CSV media type.
pub const CSV: &str = "text/csv";
/// The .xlsx media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Uploads `bytes` as the form part `file` to `POST /api/bulk-upload/kinds/{kind}`.
pub async fn upload(
    app: &TestApp,
    token: &str,
    kind: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> TestResponse {
    let boundary = "----mas-import-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.req(Method::POST, &format!("/api/bulk-upload/kinds/{kind}"))
        .bearer(token)
        .body(body, &format!("multipart/form-data; boundary={boundary}"))
        .send()
        .await
}

/// A students CSV of `rows` data rows; every 100th row has a bad email.
pub fn students_csv(rows: u64) -> Vec<u8> {
    let mut out = String::with_capacity(rows as usize * 48);
    out.push_str("email,full_name,phone\n");
    for i in 1..=rows {
        if i % 100 == 0 {
            out.push_str(&format!(
                "bad-email-{i},Student {i},98765{:05}\n",
                i % 100_000
            ));
        } else {
            out.push_str(&format!(
                "student{i}@bulk.test,Student {i},98765{:05}\n",
                i % 100_000
            ));
        }
    }
    out.into_bytes()
}

/// Starts import `id` (202).
pub async fn start(app: &TestApp, token: &str, id: &str) -> TestResponse {
    app.req(Method::POST, &format!("/api/bulk-upload/{id}/start"))
        .bearer(token)
        .send()
        .await
}

/// `GET /api/bulk-upload/{id}` as JSON (asserting 200).
pub async fn status(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app
        .req(Method::GET, &format!("/api/bulk-upload/{id}"))
        .bearer(token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

/// Waits until the import reaches `completed` or `failed` (at most `secs`).
pub async fn finished(app: &TestApp, token: &str, id: &str, secs: u64) -> Value {
    watch(app, token, id, secs).await.0
}

/// Like [`finished`], also answering the progress seen while the job was `running`
/// (`rows_done` of each poll).
pub async fn watch(app: &TestApp, token: &str, id: &str, secs: u64) -> (Value, Vec<i64>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut progress = Vec::new();
    loop {
        let s = status(app, token, id).await;
        if s["status"] == "completed" || s["status"] == "failed" {
            return (s, progress);
        }
        if s["status"] == "running" {
            progress.push(s["rows_done"].as_i64().unwrap());
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "import not finished after {secs} s: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One number from SQL.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The rows of the first sheet of a workbook, as text.
pub fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f:.0}"),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}
