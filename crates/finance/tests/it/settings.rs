//! The platform's supplier settings and the buyer's billing profile: validation, audit, and
//! their effect on the next invoice.

use finance::service::invoices;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{captured, count, tenant};

/// Platform B's ADMIN names platform A's GSTIN (and series) as B's own, to issue invoices and
/// IRNs in A's name and burn A's gapless numbers: refused; a SUPERADMIN may share it.
#[tokio::test]
async fn another_platforms_gstin_is_not_an_admins_to_take() {
    let app = spawn_app().await;
    let a_admin = app.admin_token();
    let mine = json!({"gstin": "27AAPFU0939F1ZV", "legal_name": "MAS Mumbai Pvt Ltd",
        "invoice_series": "MB", "credit_note_series": "CB"});
    let res = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &a_admin,
            Some(mine.clone()),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let b_admin = app.token(Role::Admin, &[], "mr-hire");
    let res = app
        .req(Method::PUT, "/api/admin/finance/supplier")
        .bearer(&b_admin)
        .platform("mr-hire")
        .json(&mine)
        .send()
        .await;
    res.assert_problem(403, "forbidden");
    let b_rows = count(
        &app,
        "SELECT count(*) FROM finance_supplier_settings s JOIN platforms p ON p.id = s.platform_id \
          WHERE p.slug = 'mr-hire'",
    )
    .await;
    assert_eq!(b_rows, 0, "nothing written for B");
    // A changing its own details again is fine
    let mut renamed = mine.clone();
    renamed["legal_name"] = json!("MAS Mumbai Private Limited");
    let res = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &a_admin,
            Some(renamed),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // the deployment's SUPERADMIN may share it
    let root = app.token(Role::Superadmin, &[], "mr-hire");
    let res = app
        .req(Method::PUT, "/api/admin/finance/supplier")
        .bearer(&root)
        .platform("mr-hire")
        .json(&mine)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

#[tokio::test]
async fn supplier_settings_are_checked_audited_and_used() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let got = app
        .call(Method::GET, "/api/admin/finance/supplier", &admin, None)
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json()["source"], "default");
    assert_eq!(got.json()["gstin"], finance::config::DEV_GSTIN);

    let good = json!({"gstin": "27AAPFU0939F1ZV", "legal_name": "MAS Mumbai Pvt Ltd",
        "invoice_series": "MB", "credit_note_series": "CB"});
    // a series whose numbers could exceed 14 characters
    let mut long = good.clone();
    long["invoice_series"] = json!("MAS");
    let p = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &admin,
            Some(long),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "invoice_series");
    // a GSTIN with a wrong check character
    let mut typo = good.clone();
    typo["gstin"] = json!("27AAPFU0939F1ZW");
    let p = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &admin,
            Some(typo),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "gstin");
    // a state that is not the GSTIN's
    let mut state = good.clone();
    state["state_code"] = json!("29");
    let p = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &admin,
            Some(state),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "state_code");
    // FINANCE is not an admin
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    app.call(
        Method::PUT,
        "/api/admin/finance/supplier",
        &fin,
        Some(good.clone()),
    )
    .await
    .assert_problem(403, "forbidden");

    let ok = app
        .call(
            Method::PUT,
            "/api/admin/finance/supplier",
            &admin,
            Some(good),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["source"], "platform");
    assert_eq!(ok.json()["state_code"], "27");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'finance.supplier.update'"
        )
        .await,
        1
    );

    // the next invoice uses the platform's supplier and series; a buyer in 27 is intra-state
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, token) = app.user(Role::User, &[], "mr-mentor");
    let res = app
        .call(
            Method::PUT,
            "/api/finance/billing-profile",
            &token,
            Some(json!({"legal_name": "Asha Rao", "state_code": "27"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // a Rs 1,000 price exclusive of GST, charged Rs 1,180
    let e = captured(&mr, buyer, 118_000, false);
    let i = invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    let fy = finance::tax::financial_year(chrono::Utc::now());
    assert_eq!(i.number, format!("MB/{fy}/00001"));
    assert_eq!(i.supplier_gstin, "27AAPFU0939F1ZV");
    assert_eq!(
        (i.cgst_paise, i.sgst_paise, i.igst_paise),
        (9_000, 9_000, 0)
    );
    // another platform still uses the defaults
    let mas = tenant(&app, "my-analytics-school").await;
    let (other, _) = app.user(Role::User, &[], "my-analytics-school");
    let e = captured(&mas, other, 118_000, false);
    let j = invoices::issue(&app.db, &app.config.finance, &mas, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    assert_eq!(j.number, format!("MM/{fy}/00001"));
}

#[tokio::test]
async fn billing_profiles_check_the_gstin() {
    let app = spawn_app().await;
    let token = app.user_token();
    for (body, field) in [
        (
            json!({"legal_name": "X", "gstin": "27AAACB1234C1ZG"}),
            "gstin",
        ),
        (
            json!({"legal_name": "X", "gstin": "27AAACB1234C1ZF", "state_code": "29"}),
            "state_code",
        ),
        (json!({"legal_name": "X", "state_code": "00"}), "state_code"),
        (json!({"legal_name": "   "}), "legal_name"),
    ] {
        let p = app
            .call(
                Method::PUT,
                "/api/finance/billing-profile",
                &token,
                Some(body.clone()),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["field"], field, "{body}");
    }
    app.call(Method::GET, "/api/finance/billing-profile", &token, None)
        .await
        .assert_problem(404, "not_found");
    let res = app
        .call(
            Method::PUT,
            "/api/finance/billing-profile",
            &token,
            Some(json!({"legal_name": "Ravi Kumar", "state_code": "07", "address": "Delhi"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let got = app
        .call(Method::GET, "/api/finance/billing-profile", &token, None)
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json()["state_code"], "07");
    assert_eq!(got.json()["gstin"], serde_json::Value::Null);
}

/// Production without `GST_SUPPLIER_GSTIN` refuses to start while a platform has the finance
/// module and no supplier row of its own; each platform's own settings satisfy it.
#[tokio::test]
async fn production_boot_refuses_a_missing_supplier_while_finance_is_enabled() {
    use finance::service::supplier::check_boot;
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let none = finance::FinanceConfig {
        supplier: None,
        ..app.config.finance.clone()
    };
    let err = check_boot(&app.db, &none, true).await.unwrap_err();
    let kernel::config::ConfigError::Invalid { name, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(name, "GST_SUPPLIER_GSTIN");
    assert!(message.contains("mr-mentor"), "{message}");
    // development, or a default supplier: fine
    check_boot(&app.db, &none, false).await.unwrap();
    check_boot(&app.db, &app.config.finance, true)
        .await
        .unwrap();
    // every platform with finance gets its own supplier: fine without the variable
    app.db
        .execute_unprepared(
            "INSERT INTO finance_supplier_settings
                (platform_id, gstin, state_code, legal_name, invoice_series, credit_note_series)
             SELECT id, '27AAPFU0939F1ZV', '27', 'MAS Mumbai', 'MB', 'CB' FROM platforms
              WHERE 'finance' IN (SELECT jsonb_array_elements_text(modules::jsonb))
                AND slug <> 'mr-hire'",
        )
        .await
        .unwrap();
    let err = check_boot(&app.db, &none, true).await.unwrap_err();
    assert!(err.to_string().contains("mr-hire"), "{err}");
    assert!(!err.to_string().contains("mr-mentor"), "{err}");
    app.db
        .execute_unprepared(
            "INSERT INTO finance_supplier_settings
                (platform_id, gstin, state_code, legal_name, invoice_series, credit_note_series)
             SELECT id, '27AAPFU0939F1ZV', '27', 'MAS Hire', 'MH', 'CH' FROM platforms
              WHERE slug = 'mr-hire'",
        )
        .await
        .unwrap();
    check_boot(&app.db, &none, true).await.unwrap();
}
