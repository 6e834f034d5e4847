//! Platform administration, system configuration and the database probe.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use migration::MigratorTrait;
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

#[tokio::test]
async fn system_config_is_seeded_and_admins_change_it() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let list = app
        .req(Method::GET, "/api/system-config")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(list.status, 200);
    let keys: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        keys.contains(&"TOKEN_GOVERNANCE_ENABLED".to_owned()),
        "{keys:?}"
    );

    let res = app
        .req(Method::PUT, "/api/system-config/TOKEN_GOVERNANCE_ENABLED")
        .bearer(&admin)
        .json(&json!({"value": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["value"], true);
    // a per-platform key: the admin set their platform's own value, the default is untouched
    assert_eq!(res.json()["scope"], "platform");
    assert_eq!(res.json()["platform_override"], true);
    assert_eq!(res.json()["default_value"], false);
    // the description survives a value-only update
    assert!(!res.json()["description"].as_str().unwrap().is_empty());

    let one = app
        .req(Method::GET, "/api/system-config/TOKEN_GOVERNANCE_ENABLED")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(one.json()["value"], true);
    assert!(
        !kernel::system_config::flag(&app.db, "TOKEN_GOVERNANCE_ENABLED", false)
            .await
            .unwrap()
    );
    let superadmin = app.superadmin_token();

    app.req(Method::GET, "/api/system-config/NO_SUCH_KEY")
        .bearer(&admin)
        .send()
        .await
        .assert_problem(404, "not_found");
    let bad = app
        .req(Method::PUT, "/api/system-config/lower-case")
        .bearer(&superadmin)
        .json(&json!({"value": 1}))
        .send()
        .await;
    assert_eq!(
        bad.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "key"
    );
    let null = app
        .req(Method::PUT, "/api/system-config/NEW_KEY")
        .bearer(&superadmin)
        .json(&json!({"value": null}))
        .send()
        .await;
    assert_eq!(
        null.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "value"
    );
}

#[tokio::test]
async fn seeding_again_changes_nothing_an_admin_set() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.req(Method::PUT, "/api/system-config/MENTOR_COMMISSION_PERCENT")
        .bearer(&admin)
        .json(&json!({"value": 35}))
        .send()
        .await;
    gateway::seed::run(&app.db).await.unwrap();
    gateway::seed::run(&app.db).await.unwrap();
    let one = app
        .req(Method::GET, "/api/system-config/MENTOR_COMMISSION_PERCENT")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(one.json()["value"], 35);
    let platforms = app
        .req(Method::GET, "/api/admin/platforms")
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(platforms.as_array().unwrap().len(), 3, "{platforms}");
}

#[tokio::test]
async fn platforms_are_listed_created_and_updated() {
    let app = spawn_app().await;
    let superadmin = app.superadmin_token();
    let created = app
        .req(Method::POST, "/api/admin/platforms")
        .bearer(&superadmin)
        .json(&json!({"slug": "campus-one", "name": "Campus One", "modules": ["lms", "crm"]}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json()["modules"], json!(["lms", "crm"]));
    let updated = app
        .req(Method::PATCH, "/api/admin/platforms/campus-one")
        .bearer(&superadmin)
        .json(&json!({"name": "Campus 1", "modules": ["lms"]}))
        .send()
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["name"], "Campus 1");
    let list = app
        .req(Method::GET, "/api/admin/platforms")
        .bearer(&app.admin_token())
        .send()
        .await
        .json();
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        vec!["campus-one", "mr-hire", "mr-mentor", "my-analytics-school"]
    );
    app.req(Method::PATCH, "/api/admin/platforms/nope")
        .bearer(&superadmin)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn test_data_probes_the_database_for_admins_only() {
    let app = spawn_app().await;
    app.get("/api/test-data")
        .await
        .assert_problem(401, "unauthorized");
    app.req(Method::GET, "/api/test-data")
        .bearer(&app.user_token())
        .send()
        .await
        .assert_problem(403, "forbidden");
    let res = app
        .req(Method::GET, "/api/test-data")
        .bearer(&app.admin_token())
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["platforms"], 3);
    assert_eq!(
        body["migrations_applied"],
        migration::Migrator::migrations().len() as i64
    );
}
