//! WhatsApp progress nudges: a successful Graphy run of a config with nudges on sends the
//! config's template through comms to every learner with stale progress, at most once per
//! throttle window, even when claims race.

use serde_json::json;
use testkit::TestOptions;
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::sync_support::*;

#[tokio::test]
async fn stale_learners_are_nudged_once_per_window() {
    let whatsapp = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/1055/messages"))
        .and(body_partial_json(
            json!({"type": "template", "template": {"name": "progress_nudge"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "messages": [{"id": "wamid.N"}]})))
        .mount(&whatsapp)
        .await;
    let t = sync_app_with(
        TestOptions::default()
            .env("WHATSAPP_API_BASE", whatsapp.uri())
            .env("WHATSAPP_ACCESS_TOKEN", "wa-token")
            .env("WHATSAPP_PHONE_NUMBER_ID", "1055"),
    )
    .await;
    // three learners, one of them done (100%): two stale ones get a nudge
    let mut done = progress(3);
    done[2]["percent"] = json!(100.0);
    let g = MockServer::start().await;
    serve(&g, "/v1/enrolments", &enrolments(3)).await;
    serve(&g, "/v1/progress", &done).await;
    let id = t
        .config(
            "graphy",
            json!({"name": "nudges", "api_key": "graphy-key-123", "interval_seconds": 3600,
            "enabled": true, "base_url": g.uri(), "reminders_enabled": true,
            "reminder_template": "progress_nudge", "reminder_stale_hours": 72}),
        )
        .await;
    let worker = t.app.start_worker().await;
    t.run_now("graphy", id).await;
    t.wait_run("graphy", id, "succeeded", WAIT).await;
    let sent = testkit::eventually(WAIT, || async {
        let n = whatsapp.received_requests().await.unwrap().len();
        (n >= 2).then_some(n)
    })
    .await
    .expect("no nudge reached WhatsApp");
    assert_eq!(sent, 2);
    let bodies: Vec<serde_json::Value> = whatsapp
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let mut to: Vec<&str> = bodies.iter().map(|b| b["to"].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["919876543201", "919876543202"]);
    let text = bodies[0]["template"]["components"][0]["parameters"].to_string();
    assert!(text.contains("Data Analytics"), "{text}");

    // a second run inside the window nudges nobody again
    t.run_now("graphy", id).await;
    // (the config's scheduler may have fired too: each successful run queues its nudges)
    let succeeded = testkit::eventually(WAIT, || async {
        let runs = t.runs("graphy", id).await;
        let manual = runs
            .iter()
            .filter(|r| r["trigger"] == "manual" && r["status"] == "succeeded")
            .count();
        let ok = runs.iter().filter(|r| r["status"] == "succeeded").count();
        (manual == 2).then_some(ok as u64)
    })
    .await
    .expect("the second run did not finish");
    let reminder_jobs = t.app.jobs.queue("mrlearnReminderQueue").await.unwrap();
    testkit::eventually(WAIT, || async {
        (reminder_jobs.get_completed_count().await.unwrap() >= succeeded).then_some(())
    })
    .await
    .expect("the second nudge job did not run");
    pause(500).await;
    assert_eq!(whatsapp.received_requests().await.unwrap().len(), 2);
    let claims = t.rows(&format!("SELECT learner_external_id, sends FROM mrlearn_reminders_sent WHERE config_id = '{id}' ORDER BY 1")).await;
    assert_eq!(
        claims,
        [
            json!({"learner_external_id": "lrn-1", "sends": 1}),
            json!({"learner_external_id": "lrn-2", "sends": 1})
        ]
    );
    worker.stop().await;
}

#[tokio::test]
async fn racing_claims_nudge_a_learner_once() {
    let t = sync_app().await;
    let id: Uuid = t
        .config("graphy", json!({"name": "race", "api_key": "graphy-key-123", "interval_seconds": 3600, "enabled": false}))
        .await;
    let platform: Uuid = t
        .rows("SELECT id FROM platforms WHERE slug = 'mr-mentor'")
        .await[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let claims: Vec<_> = (0..10)
        .map(|_| {
            let db = t.app.db.clone();
            tokio::spawn(async move {
                integrations::service::sync::reminders::claim(&db, platform, id, "lrn-1", 24)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut won = Vec::new();
    for claim in claims {
        won.push(claim.await.unwrap());
    }
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    // past the window, the next claim wins again
    use sea_orm::ConnectionTrait;
    t.app
        .db
        .execute_unprepared(
            "UPDATE mrlearn_reminders_sent SET last_sent_at = now() - interval '25 hours'",
        )
        .await
        .unwrap();
    assert!(
        integrations::service::sync::reminders::claim(&t.app.db, platform, id, "lrn-1", 24)
            .await
            .unwrap()
    );
    assert!(
        !integrations::service::sync::reminders::claim(&t.app.db, platform, id, "lrn-1", 24)
            .await
            .unwrap()
    );
}
