//! .xlsx: the template of a kind, and a workbook upload imported end to end (numbers typed
//! as numbers, such as phones, read as their digits).

use reqwest::Method;
use rust_xlsxwriter::Workbook;
use testkit::{Role, TestOptions, spawn_app_with};

use crate::common::{XLSX, count, finished, sheet_rows, start, upload};

#[tokio::test]
async fn a_workbook_imports_and_the_template_names_the_columns() {
    let app = spawn_app_with(TestOptions {
        role: Some(Role::Serve),
        ..Default::default()
    })
    .await;
    let admin = app.admin_token();

    let template = app
        .http
        .get(format!(
            "{}/api/bulk-upload/kinds/students/template",
            app.address
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), 200);
    assert_eq!(template.headers()["content-type"], XLSX);
    let rows = sheet_rows(&template.bytes().await.unwrap());
    assert_eq!(rows[0], ["email", "full_name", "phone"]);
    app.req(Method::GET, "/api/bulk-upload/kinds/widgets/template")
        .bearer(&admin)
        .send()
        .await
        .assert_problem(404, "import_kind_unknown");

    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["Full Name", "Email", "Phone"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Asha Rao").unwrap();
    sheet.write_string(1, 1, "Asha@XL.test").unwrap();
    sheet.write_number(1, 2, 9876543210.0).unwrap();
    sheet.write_string(2, 0, "Ravi Kumar").unwrap();
    sheet.write_string(2, 1, "ravi@xl.test").unwrap();
    // row 4 left empty, row 5 bad
    sheet.write_string(4, 0, "No Email").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let res = upload(&app, &admin, "students", "class.xlsx", XLSX, &bytes).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["import"]["file_format"], "xlsx");
    assert_eq!(body["rows_estimate"], 3);
    assert_eq!(body["rows"][2]["row_number"], 5);
    assert_eq!(body["rows"][2]["errors"][0]["column"], "email");
    let id = body["import"]["id"].as_str().unwrap().to_owned();
    assert_eq!(start(&app, &admin, &id).await.status, 202);
    let done = finished(&app, &admin, &id, 60).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        (done["rows_ok"].as_i64(), done["rows_failed"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM users WHERE email = 'asha@xl.test' AND phone = '9876543210' AND full_name = 'Asha Rao'").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM users WHERE email = 'ravi@xl.test'"
        )
        .await,
        1
    );
}
