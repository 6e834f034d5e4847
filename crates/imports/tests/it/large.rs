//! 50,000 rows with 1% bad: the good rows land exactly once although the job fails half-way
//! and is retried (a failure injected from outside the code, in the database), the report
//! lists every bad row with its row and column, and a rerun over the committed rows adds
//! nothing.

use std::{collections::BTreeSet, time::Instant};

use sea_orm::ConnectionTrait;
use testkit::{Role, TestOptions, spawn_app_with};

use crate::common::{CSV, count, finished, sheet_rows, start, students_csv, upload, watch};

/// Makes the insert of the 25,001st student fail once (a sequence is not rolled back, so the
/// retry passes): the first attempt has committed 50 batches of 500 by then.
const FAIL_ONCE: &str = r#"
    CREATE SEQUENCE import_fail_once;
    CREATE FUNCTION import_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.email = 'student25001@bulk.test' AND nextval('import_fail_once') = 1 THEN
            RAISE EXCEPTION 'injected failure';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER import_fail_once BEFORE INSERT ON users
        FOR EACH ROW EXECUTE FUNCTION import_fail_once();
"#;

#[tokio::test]
async fn fifty_thousand_rows_land_once_through_a_retry_and_every_bad_row_is_reported() {
    let app = spawn_app_with(TestOptions {
        role: Some(Role::Serve),
        ..Default::default()
    })
    .await;
    let admin = app.admin_token();
    app.db.execute_unprepared(FAIL_ONCE).await.unwrap();

    let csv = students_csv(50_000);
    let res = upload(&app, &admin, "students", "big.csv", CSV, &csv).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["rows_estimate"], 50_000);
    let id = body["import"]["id"].as_str().unwrap().to_owned();

    let t0 = Instant::now();
    assert_eq!(start(&app, &admin, &id).await.status, 202);
    let (done, progress) = watch(&app, &admin, &id, 300).await;
    eprintln!(
        "50,000 rows imported in {:?} (with one retry)",
        t0.elapsed()
    );
    // progress is visible while the job runs, batch by batch
    assert!(
        progress
            .iter()
            .any(|&n| n > 0 && n < 50_000 && n % 500 == 0),
        "no intermediate progress seen: {progress:?}"
    );
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["attempts"], 2,
        "the injected failure made one retry: {done}"
    );
    assert_eq!(done["rows_done"], 50_000);
    assert_eq!(done["rows_ok"], 49_500);
    assert_eq!(done["rows_failed"], 500);
    assert_eq!(done["rows_created"], 49_500);
    let students = "SELECT count(*) FROM users WHERE email LIKE 'student%@bulk.test'";
    assert_eq!(count(&app, students).await, 49_500);
    assert_eq!(
        count(
            &app,
            "SELECT count(DISTINCT email) FROM users WHERE email LIKE 'student%@bulk.test'"
        )
        .await,
        49_500
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM users WHERE email LIKE 'student%@bulk.test' AND password_hash IS NULL AND role = 'USER'").await,
        49_500
    );

    // the report: every bad row, with its row number (header = row 1) and column
    let report = app
        .http
        .get(format!("{}/api/bulk-upload/{id}/errors", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    let bytes = report.bytes().await.unwrap();
    let rows = sheet_rows(&bytes);
    assert_eq!(rows[0], ["row", "column", "value", "message"]);
    assert_eq!(rows.len(), 501);
    let reported: BTreeSet<u64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    let expected: BTreeSet<u64> = (1..=500).map(|k| k * 100 + 1).collect();
    assert_eq!(reported, expected);
    assert!(rows[1..].iter().all(|r| r[1] == "email"));
    assert_eq!(rows[1][2], "bad-email-100");

    // a rerun from a lost checkpoint over rows already written: the natural key keeps them
    // once, the errors table keeps its 500
    app.db
        .execute_unprepared(&format!(
            "UPDATE imports SET status = 'failed', rows_done = 0, rows_ok = 0, rows_failed = 0, rows_created = 0 WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    assert_eq!(start(&app, &admin, &id).await.status, 202);
    let again = finished(&app, &admin, &id, 300).await;
    assert_eq!(again["status"], "completed", "{again}");
    assert_eq!(again["rows_ok"], 49_500);
    assert_eq!(again["rows_created"], 0);
    assert_eq!(count(&app, students).await, 49_500);
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM import_errors WHERE import_id = '{id}'")
        )
        .await,
        500
    );
}
