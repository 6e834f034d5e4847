//! Importing Drive files into storage: the bytes land under the platform's
//! `google-drive/` folder, Google Docs are exported to PDF, the size limit holds whether
//! declared or streamed, folders are refused.

use kernel::auth::Role;
use reqwest::Method;
use wiremock::MockServer;

use crate::drive_common::*;

#[tokio::test]
async fn imports_land_in_storage_with_their_bytes() {
    let google = MockServer::start().await;
    let app = drive_app(&google).await;
    let pkce = Pkce::default();
    let (_, token) = app.user(Role::User, &[], MM);
    connect(&app, &google, &pkce, &token, "i").await;
    let mut answers = Vec::new();

    // a binary file lands in storage with its bytes
    mock_file(
        &google,
        file("f1", "notes.pdf", "application/pdf", Some(11)),
        "/drive/v3/files/f1",
        b"%PDF-1.4 hi".to_vec(),
    )
    .await;
    let res = send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/f1/import",
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert!(
        body["key"]
            .as_str()
            .unwrap()
            .starts_with("mr-mentor/google-drive/"),
        "{body}"
    );
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["size"], 11);
    assert_eq!(body["drive_file_id"], "f1");
    let url = reqwest::Url::parse(body["url"].as_str().unwrap()).unwrap();
    let stored = app
        .http
        .get(format!(
            "{}{}?{}",
            app.address,
            url.path(),
            url.query().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(stored.bytes().await.unwrap().as_ref(), b"%PDF-1.4 hi");
    answers.push(res.text);

    // a Google Doc is exported to PDF
    mock_file(
        &google,
        file("doc1", "Plan", "application/vnd.google-apps.document", None),
        "/drive/v3/files/doc1/export",
        b"%PDF-1.7 doc".to_vec(),
    )
    .await;
    let res = send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/doc1/import",
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["name"], "Plan.pdf");
    assert_eq!(res.json()["content_type"], "application/pdf");
    let export = requests(&google, "GET", "/drive/v3/files/doc1/export").await;
    assert_eq!(
        query_of(export[0].url.as_str())["mimeType"],
        "application/pdf"
    );

    // too large (declared, and streamed past the limit), and not importable
    mock_file(
        &google,
        file("big", "big.pdf", "application/pdf", Some(5000)),
        "/drive/v3/files/big",
        vec![b'x'; 5000],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/big/import",
    )
    .await
    .assert_problem(413, "drive_file_too_large");
    mock_file(
        &google,
        file("big2", "big.txt", "text/plain", None),
        "/drive/v3/files/big2",
        vec![b'x'; 2000],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/big2/import",
    )
    .await
    .assert_problem(413, "drive_file_too_large");
    mock_file(
        &google,
        file("dir", "Folder", "application/vnd.google-apps.folder", None),
        "/drive/v3/files/dir",
        vec![],
    )
    .await;
    send(
        &app,
        &token,
        Method::POST,
        "/api/google-drive-connector/files/dir/import",
    )
    .await
    .assert_problem(422, "drive_file_not_importable");
    for text in &answers {
        assert!(!text.contains("refresh-LEAK"), "{text}");
    }
}
