//! Upload and preview: the header mapping, per-cell errors of the first rows, the row count;
//! files that cannot be imported are refused naming the field or the column.

use reqwest::Method;
use testkit::spawn_app;

use crate::common::{CSV, start, upload};

#[tokio::test]
async fn an_upload_is_previewed_with_per_cell_errors_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let mut csv = String::from("Email,Full Name,Phone,Notes\n");
    csv.push_str("ok@x.test,Okay Person,+91 98765 43210,hello\n");
    csv.push_str("not-an-email,Bad Email,,\n");
    csv.push_str("noname@x.test,,12ab,\n");
    for i in 4..=25 {
        csv.push_str(&format!("s{i}@x.test,Student {i},,\n"));
    }
    let res = upload(&app, &admin, "students", "class.csv", CSV, csv.as_bytes()).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["import"]["status"], "previewed");
    assert_eq!(body["import"]["file_format"], "csv");
    assert_eq!(body["import"]["rows_total"], 25);
    assert_eq!(body["rows_estimate"], 25);
    assert_eq!(body["ignored_columns"], serde_json::json!(["Notes"]));
    let header = body["header"].as_array().unwrap();
    assert_eq!(header[1]["column"], "full_name");
    assert_eq!(header[1]["file_column"], "Full Name");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[0]["row_number"], 2);
    assert_eq!(rows[0]["errors"], serde_json::json!([]));
    assert_eq!(rows[1]["row_number"], 3);
    assert_eq!(rows[1]["errors"][0]["column"], "email");
    assert_eq!(rows[1]["errors"][0]["value"], "not-an-email");
    let third: Vec<&str> = rows[2]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["column"].as_str().unwrap())
        .collect();
    assert_eq!(third, ["full_name", "phone"]);
    // a preview writes nothing of the kind
    let n = crate::common::count(
        &app,
        "SELECT count(*) FROM users WHERE email LIKE '%@x.test'",
    )
    .await;
    assert_eq!(n, 0);

    // starting twice makes one job
    let id = body["import"]["id"].as_str().unwrap();
    let first = start(&app, &admin, id).await;
    assert_eq!(first.status, 202, "{}", first.text);
    assert_eq!(first.json()["status"], "queued");
    start(&app, &admin, id)
        .await
        .assert_problem(409, "import_already_started");
    let queued = crate::common::count(
        &app,
        "SELECT count(*) FROM outbox WHERE queue = 'bulkImportQueue'",
    )
    .await;
    assert_eq!(queued, 1);
    // the job carries the import id only, never the file's content
    let keys = crate::common::count(
        &app,
        &format!(
            "SELECT count(*) FROM outbox, jsonb_object_keys(payload) k \
             WHERE queue = 'bulkImportQueue' AND payload->>'import_id' = '{id}'"
        ),
    )
    .await;
    assert_eq!(keys, 2, "payload = {{platform, import_id}}");
    // the upload and the one start are audited, the refused start is not
    let audited = crate::common::count(
        &app,
        &format!(
            "SELECT count(*) FROM audit_log WHERE target_id = '{id}' \
             AND action IN ('import.created', 'import.started') AND request_id IS NOT NULL"
        ),
    )
    .await;
    assert_eq!(audited, 2);

    // the list shows it
    let list = app
        .req(Method::GET, "/api/bulk-upload")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["items"][0]["id"], id);
}

#[tokio::test]
async fn files_that_cannot_be_imported_are_refused_naming_the_problem() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let res = upload(
        &app,
        &admin,
        "students",
        "a.csv",
        CSV,
        b"email,phone\na@b.test,123456789\n",
    )
    .await;
    let body = res.assert_problem(422, "import_missing_column");
    assert_eq!(body["errors"][0]["field"], "full_name");

    let res = upload(
        &app,
        &admin,
        "students",
        "a.pdf",
        CSV,
        b"%PDF-1.7\n\0\0binary",
    )
    .await;
    let body = res.assert_problem(422, "import_file_invalid");
    assert_eq!(body["errors"][0]["field"], "file");

    let res = upload(&app, &admin, "students", "a.csv", CSV, b"email,full_name\n").await;
    res.assert_problem(422, "import_file_invalid");

    upload(&app, &admin, "widgets", "a.csv", CSV, b"a\n1\n")
        .await
        .assert_problem(404, "import_kind_unknown");

    let kinds = app
        .req(Method::GET, "/api/bulk-upload/kinds")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(kinds.status, 200);
    let kinds = kinds.json();
    let names: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"students") && names.contains(&"questions"),
        "{names:?}"
    );
    let students = kinds
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "students")
        .unwrap();
    assert_eq!(students["columns"][0]["name"], "email");
    assert_eq!(students["columns"][0]["type"], "email");
    assert_eq!(students["columns"][0]["required"], true);
}
