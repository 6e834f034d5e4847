//! The process's copy of the user directory (ADR 0083) across replicas: a change committed on
//! one replica reaches another replica's copy through the invalidation channel, a replica
//! that lost the channel stops using its copy, and `/api/auth/me` follows a name change at
//! once.

use kernel::auth::Role;
use kernel::user_cache::users;
use reqwest::Method;
use serde_json::json;
use testkit::{TcpProxy, TestApp, eventually, spawn_app};
use uuid::Uuid;

use crate::common::{get_as, signup};

const MENTOR: &str = "mr-mentor";
const LONG: std::time::Duration = std::time::Duration::from_secs(3600);

async fn live(apps: &[&TestApp]) {
    eventually(10, || async {
        apps.iter().all(|a| users(&a.ctx).is_live()).then_some(())
    })
    .await
    .expect("every replica subscribed to the invalidation channel");
}

async fn suspend(app: &TestApp, admin: &str, id: &str) {
    let res = app
        .req(Method::POST, &format!("/api/admin/users/{id}/suspend"))
        .bearer(admin)
        .json(&json!({"reason": "chargeback"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

#[tokio::test]
async fn a_suspension_on_one_replica_empties_the_other_replicas_copy() {
    let a = spawn_app().await;
    let b = a.spawn_replica().await;
    live(&[&a, &b]).await;
    let admin = a.login_as(Role::Admin, &[], MENTOR).await;
    let body = signup(&a, MENTOR, "ravi@example.com").await;
    let id: Uuid = body["user"]["id"].as_str().unwrap().parse().unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();

    // B answers from its own copy once it has read the user
    assert_eq!(get_as(&b, "/api/auth/me", MENTOR, &token).await.status, 200);
    let cached = users(&b.ctx).get(&id, LONG).expect("B keeps the user");
    assert!(cached.expect("a known user").current.active);

    // A suspends: A's copy goes at once, B's when the message arrives
    suspend(&a, &admin.access_token, &id.to_string()).await;
    assert!(users(&a.ctx).get(&id, LONG).is_none());
    get_as(&a, "/api/auth/me", MENTOR, &token)
        .await
        .assert_problem(401, "account_suspended");
    eventually(5, || async {
        users(&b.ctx).get(&id, LONG).is_none().then_some(())
    })
    .await
    .expect("B dropped its copy of the suspended user");
    get_as(&b, "/api/auth/me", MENTOR, &token)
        .await
        .assert_problem(401, "account_suspended");
}

#[tokio::test]
async fn a_replica_without_the_channel_reads_past_its_copy() {
    // B reaches Redis through a proxy; A directly
    let proxy = TcpProxy::start("127.0.0.1:6379".parse().unwrap()).await;
    let a = spawn_app().await;
    let b = a
        .spawn_replica_with_redis(Some(format!("redis://{}", proxy.host_port())))
        .await;
    live(&[&a, &b]).await;
    let admin = a.login_as(Role::Admin, &[], MENTOR).await;
    let body = signup(&a, MENTOR, "asha@example.com").await;
    let id: Uuid = body["user"]["id"].as_str().unwrap().parse().unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(get_as(&b, "/api/auth/me", MENTOR, &token).await.status, 200);
    assert!(users(&b.ctx).get(&id, LONG).is_some());

    // B loses Redis: its copy is switched off and emptied, so the suspension A commits
    // now (whose message B cannot receive) is read from PostgreSQL
    proxy.cut();
    eventually(10, || async { (!users(&b.ctx).is_live()).then_some(()) })
        .await
        .expect("B noticed the lost channel");
    assert!(users(&b.ctx).get(&id, LONG).is_none());
    suspend(&a, &admin.access_token, &id.to_string()).await;
    get_as(&b, "/api/auth/me", MENTOR, &token)
        .await
        .assert_problem(401, "account_suspended");

    // back: B subscribes again and uses its copy, still correct
    proxy.restore();
    live(&[&b]).await;
    get_as(&b, "/api/auth/me", MENTOR, &token)
        .await
        .assert_problem(401, "account_suspended");
}

#[tokio::test]
async fn me_follows_a_name_change_at_once() {
    let app = spawn_app().await;
    live(&[&app]).await;
    let body = signup(&app, MENTOR, "meera@example.com").await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let me = get_as(&app, "/api/auth/me", MENTOR, &token).await.json();
    let before = me["full_name"].as_str().unwrap().to_owned();
    let res = app
        .req(Method::PATCH, "/api/auth/me")
        .platform(MENTOR)
        .bearer(&token)
        .json(&json!({"full_name": "Meera Iyer"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let me = get_as(&app, "/api/auth/me", MENTOR, &token).await.json();
    assert_ne!(before, "Meera Iyer");
    assert_eq!(me["full_name"], "Meera Iyer");
    assert_eq!(me["email"], "meera@example.com");
}
