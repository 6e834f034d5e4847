//! The `questions` import kind through the bulk importer.

use reqwest::Method;
use serde_json::json;
use testkit::{Role, TestApp, TestOptions, TestResponse, spawn_app_with};

use crate::quiz_fixtures::count;

const CSV: &str = "key,kind,prompt,options,answer,marks,difficulty,tags,tolerance,partial_credit
q-1,mcq,2 + 2?,3|4|5,1,2,easy,arithmetic|basics,,
q-2,numeric,9 / 4?,,2.25,3,,arithmetic,0.01,
q-3,mcq,Broken?,a|b,5,1,,,,
q-4,multi,Primes?,2|4|5,0|2,4,hard,primes,,yes
";

async fn upload(app: &TestApp, token: &str, csv: &str) -> TestResponse {
    let boundary = "----lms-question-import";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"questions.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.req(Method::POST, "/api/bulk-upload/kinds/questions")
        .bearer(token)
        .body(body, &format!("multipart/form-data; boundary={boundary}"))
        .send()
        .await
}

async fn run(app: &TestApp, token: &str, id: &str) -> serde_json::Value {
    let started = app
        .call(
            Method::POST,
            &format!("/api/bulk-upload/{id}/start"),
            token,
            None,
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.text);
    testkit::eventually(30, || async {
        let s = app
            .call(Method::GET, &format!("/api/bulk-upload/{id}"), token, None)
            .await
            .json();
        (s["status"] == "completed" || s["status"] == "failed").then_some(s)
    })
    .await
    .expect("the import finished")
}

#[tokio::test]
async fn questions_import_checks_rows_by_kind_and_never_duplicates() {
    let app = spawn_app_with(TestOptions {
        role: Some(Role::Serve),
        ..TestOptions::default()
    })
    .await;
    let admin = app.admin_token();
    let res = upload(&app, &admin, CSV).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["errors"], json!([]));
    assert_eq!(rows[2]["errors"][0]["column"], "answer", "{}", rows[2]);
    let id = body["import"]["id"].as_str().unwrap().to_owned();
    let done = run(&app, &admin, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM questions WHERE import_key IS NOT NULL",
            vec![]
        )
        .await,
        3
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM question_versions", vec![]).await,
        3
    );
    let listed = app
        .call(Method::GET, "/api/question-bank?tag=primes", &admin, None)
        .await
        .json();
    let multi = &listed["items"][0];
    assert_eq!(
        (
            multi["answer"].clone(),
            multi["partial_credit"].clone(),
            multi["difficulty"].clone()
        ),
        (json!([0, 2]), json!(true), json!("hard"))
    );

    // the same file again creates nothing
    let again = upload(&app, &admin, CSV).await.json();
    let again_id = again["import"]["id"].as_str().unwrap().to_owned();
    assert_eq!(run(&app, &admin, &again_id).await["status"], "completed");
    assert_eq!(
        count(&app, "SELECT count(*) FROM questions", vec![]).await,
        3
    );
}
