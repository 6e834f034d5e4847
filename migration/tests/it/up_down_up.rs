//! Runs every migration up, all the way down, and up again on a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

fn server_url() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn table_count(db: &sea_orm::DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name <> 'seaql_migrations'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn up_down_up_on_a_fresh_database() {
    let name = format!("mas_migration_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(format!("{}/postgres", server_url()))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();

    let db = Database::connect(format!("{}/{name}", server_url()))
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    let after_up = table_count(&db).await;
    assert!(
        after_up >= 2,
        "expected the tables of every migration, found {after_up}"
    );
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        table_count(&db).await,
        0,
        "down must drop everything up created"
    );

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(table_count(&db).await, after_up);
    db.close().await.unwrap();

    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
}
