//! The `leads` import kind through the bulk importer: per-row phone and email checks in the
//! preview, the same dedupe as vendors (a known person is a re-inquiry), assignment.

use reqwest::Method;
use serde_json::json;
use testkit::{Role, TestApp, TestOptions, TestResponse, spawn_app_with};

use crate::common::{self, count, push};

const CSV: &str = "full_name,phone,email,source,campaign
Asha Rao,98765 00001,asha@example.com,fair,expo-2026
Ravi K,+91 98765 00002,,,
Bad Phone,12345,,,
Known Person,+91 98100 00007,,fair,
Asha Again,9876500009,Asha+x@Example.com,,
";

async fn upload(app: &TestApp, token: &str, csv: &str) -> TestResponse {
    let boundary = "----crm-lead-import";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.req(Method::POST, "/api/bulk-upload/kinds/leads")
        .bearer(token)
        .body(body, &format!("multipart/form-data; boundary={boundary}"))
        .send()
        .await
}

#[tokio::test]
async fn imported_leads_are_checked_deduplicated_and_assigned() {
    let app = spawn_app_with(TestOptions {
        role: Some(Role::Serve),
        ..TestOptions::default()
    })
    .await;
    let admin = app.admin_token();
    common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "adda").await;
    let known = push(&app, &key, &common::person(7)).await.json()["id"].clone();

    let res = upload(&app, &admin, CSV).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["errors"], json!([]));
    assert_eq!(
        rows[2]["errors"][0]["column"],
        json!("phone"),
        "{}",
        rows[2]
    );
    let id = body["import"]["id"].as_str().unwrap().to_owned();
    let started = app
        .call(
            Method::POST,
            &format!("/api/bulk-upload/{id}/start"),
            &admin,
            None,
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.text);
    let done = testkit::eventually(30, || async {
        let s = app
            .call(Method::GET, &format!("/api/bulk-upload/{id}"), &admin, None)
            .await
            .json();
        (s["status"] == "completed" || s["status"] == "failed").then_some(s)
    })
    .await
    .expect("the import finished");
    assert_eq!(done["status"], "completed", "{done}");

    // 1 vendor lead + Asha + Ravi; the bad phone is left out, the known person and Asha's
    // second row (the same mailbox) are re-inquiries
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 3);
    assert_eq!(
        count(&app, "SELECT count(*) FROM leads WHERE owner_id IS NULL").await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM lead_activities WHERE kind = 're_inquiry' \
                 AND lead_id = '{}' AND source = 'fair'",
                known.as_str().unwrap()
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM lead_activities a JOIN leads l ON l.id = a.lead_id \
             WHERE a.kind = 're_inquiry' AND l.email_canonical = 'asha@example.com' \
             AND a.source = 'import'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM leads WHERE source = 'fair' AND campaign = 'expo-2026' \
             AND phone_e164 = '+919876500001'"
        )
        .await,
        1
    );
}
