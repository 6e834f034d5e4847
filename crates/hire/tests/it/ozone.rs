//! Miss Ozone through a wiremock ElevenLabs: configurations, a call dialled once across two
//! worker replicas and recovered by the reconciler when its webhook is lost, retries with
//! backoff, the daily cap per person, the prune, and the schedules.

use hire::{
    elevenlabs::ElevenLabs,
    service::ozone::{self, Dialled},
};
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use testkit::{TestApp, eventually, spawn_app};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::{
    common::{count, field},
    voice::{SECRET, conversation_data, eleven, voice_app, webhook},
};

/// The platform of these tests: students live on the LMS platforms.
const STUDENTS: &str = "mr-mentor";

async fn req(
    app: &TestApp,
    m: Method,
    p: &str,
    token: &str,
    body: Option<Value>,
) -> testkit::TestResponse {
    let mut r = app.req(m, p).platform(STUDENTS).bearer(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await
}

/// A student of `mr-mentor` with a phone number.
async fn student(app: &TestApp, phone: &str) -> Uuid {
    let (id, _) = app.user(Role::User, &[], STUDENTS);
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE users SET phone = $1 WHERE id = $2",
            [phone.into(), id.into()],
        ))
        .await
        .unwrap();
    id
}

/// An admin token and a configuration made through the API (fields of `extra` override).
async fn config(app: &TestApp, extra: Value) -> (String, Value) {
    let admin = app.token(Role::Admin, &[], STUDENTS);
    let mut body = json!({"name": "Weekly check-in", "agent_id": "ozone-agent",
        "purpose": "weekly progress check-in", "daily_cap_per_person": 2, "max_attempts": 3,
        "retry_backoff_secs": 60});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = req(
        app,
        Method::POST,
        "/api/miss-ozone/configs",
        &admin,
        Some(body),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    (admin, res.json())
}

async fn queue_call(
    app: &TestApp,
    admin: &str,
    config: &Value,
    user: Uuid,
) -> testkit::TestResponse {
    req(
        app,
        Method::POST,
        "/api/miss-ozone/calls",
        admin,
        Some(json!({"config_id": config["id"], "user_id": user})),
    )
    .await
}

async fn get_call(app: &TestApp, admin: &str, id: &str) -> Value {
    let res = req(
        app,
        Method::GET,
        &format!("/api/miss-ozone/calls/{id}"),
        admin,
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()
}

async fn hits(server: &MockServer, suffix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .count()
}

fn client(app: &TestApp) -> ElevenLabs {
    ElevenLabs::from_config(&app.config.hire).unwrap()
}

async fn sql(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) {
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_call_is_dialled_once_across_two_replicas_and_recovered_when_its_webhook_is_lost() {
    let server = eleven("conv_ozone_1").await;
    let app = voice_app(&server).await;
    let (admin, config) = config(&app, json!({})).await;
    let asha = student(&app, "90000 11111").await;

    let res = queue_call(&app, &admin, &config, asha).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(res.json()["status"], "queued");

    // two replicas; the dial job and two reconciler ticks race for the call
    let a = app.start_worker().await;
    let b = app.start_worker().await;
    for _ in 0..2 {
        app.jobs
            .enqueue(STUDENTS, &hire::workers::ReconcileOzoneCalls {}, None)
            .await
            .unwrap();
    }
    let done = eventually(30, || async {
        let call = get_call(&app, &admin, &id).await;
        (call["status"] == "completed").then_some(call)
    })
    .await
    .expect("the call completed without its webhook");
    assert_eq!(done["completed_via"], "sync");
    assert_eq!(done["attempts"], 1);
    assert_eq!(done["conversation_id"], "conv_ozone_1");
    assert_eq!(
        done["transcript"][1]["message"],
        "I built store dashboards."
    );
    assert_eq!(hits(&server, "/outbound-call").await, 1, "dialled once");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM ozone_call_attempts WHERE call_id = $1",
            vec![id.parse::<Uuid>().unwrap().into()]
        )
        .await,
        1
    );
    let sent = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path().ends_with("/outbound-call"))
        .unwrap();
    let sent: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        (sent["agent_id"].as_str(), sent["to_number"].as_str()),
        (Some("ozone-agent"), Some("+919000011111"))
    );
    assert_eq!(
        sent["conversation_initiation_client_data"]["dynamic_variables"]["call_id"],
        id.as_str()
    );

    // the late webhook changes nothing
    let event =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_ozone_1")});
    assert_eq!(webhook(&app, &event, SECRET).await.status, 200);
    let after = get_call(&app, &admin, &id).await;
    assert_eq!(
        (
            after["completed_via"].clone(),
            after["completed_at"].clone()
        ),
        (json!("sync"), done["completed_at"].clone())
    );
    a.stop().await;
    b.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn the_signed_webhook_completes_a_dispatched_call() {
    let server = eleven("conv_ozone_web").await;
    let app = voice_app(&server).await;
    let (admin, config) = config(&app, json!({})).await;
    let user = student(&app, "+44 7700 900123").await;
    let id = queue_call(&app, &admin, &config, user).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let outcome = ozone::dial(&app.db, &client(&app), id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(outcome, Dialled::Dispatched);
    let event =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_ozone_web")});
    webhook(&app, &event, "forged")
        .await
        .assert_problem(401, "invalid_webhook_signature");
    assert_eq!(get_call(&app, &admin, &id).await["status"], "dispatched");
    assert_eq!(webhook(&app, &event, SECRET).await.status, 200);
    let call = get_call(&app, &admin, &id).await;
    assert_eq!(
        (call["status"].as_str(), call["completed_via"].as_str()),
        (Some("completed"), Some("webhook"))
    );
    assert_eq!(
        call["evaluation"]["transcript_summary"],
        "Clear answers on SQL."
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failed_dial_is_retried_after_its_backoff_then_fails() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/convai/twilio/outbound-call"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"detail": "twilio down"})))
        .mount(&server)
        .await;
    let app = voice_app(&server).await;
    let (admin, config) = config(&app, json!({"max_attempts": 2, "retry_backoff_secs": 120})).await;
    let user = student(&app, "9000022222").await;
    let id: Uuid = queue_call(&app, &admin, &config, user).await.json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let el = client(&app);

    assert_eq!(
        ozone::dial(&app.db, &el, id).await.unwrap(),
        Dialled::Retrying
    );
    let call = get_call(&app, &admin, &id.to_string()).await;
    assert_eq!(
        (call["status"].as_str(), call["attempts"].as_i64()),
        (Some("queued"), Some(1))
    );
    assert!(
        call["last_error"].as_str().unwrap().contains("ElevenLabs"),
        "{call}"
    );
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(call["next_attempt_at"].clone()).unwrap();
    let wait = (due - chrono::Utc::now()).num_seconds();
    assert!((100..=120).contains(&wait), "backoff {wait}");

    // not due yet: nobody dials it (the reconciler included)
    assert_eq!(
        ozone::dial(&app.db, &el, id).await.unwrap(),
        Dialled::Skipped
    );
    let report = ozone::reconcile(&app.db, &el, chrono::Duration::zero())
        .await
        .unwrap();
    assert_eq!(report.dispatched, 0);
    assert_eq!(hits(&server, "/outbound-call").await, 1);

    // due: the reconciler dials again; the second failure is the last attempt
    sql(
        &app,
        "UPDATE ozone_calls SET next_attempt_at = now() - interval '1 second' WHERE id = $1",
        vec![id.into()],
    )
    .await;
    ozone::reconcile(&app.db, &el, chrono::Duration::zero())
        .await
        .unwrap();
    let call = get_call(&app, &admin, &id.to_string()).await;
    assert_eq!(
        (call["status"].as_str(), call["attempts"].as_i64()),
        (Some("failed"), Some(2))
    );
    assert_eq!(hits(&server, "/outbound-call").await, 2);
    sql(
        &app,
        "UPDATE ozone_calls SET next_attempt_at = now() - interval '1 second' WHERE id = $1",
        vec![id.into()],
    )
    .await;
    assert_eq!(
        ozone::dial(&app.db, &el, id).await.unwrap(),
        Dialled::Skipped
    );
    assert_eq!(hits(&server, "/outbound-call").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn the_daily_cap_counts_calls_per_person_across_configurations() {
    let server = eleven("conv_ozone_cap").await;
    let app = voice_app(&server).await;
    let (admin, first) = config(&app, json!({"daily_cap_per_person": 2})).await;
    let (_, second) = config(
        &app,
        json!({"name": "Exam nudge", "daily_cap_per_person": 2}),
    )
    .await;
    let user = student(&app, "9000033333").await;
    let other = student(&app, "9000044444").await;

    let one = queue_call(&app, &admin, &first, user).await.json();
    assert_eq!(queue_call(&app, &admin, &second, user).await.status, 201);
    let res = queue_call(&app, &admin, &first, user).await;
    let body = res.assert_problem(409, "daily_call_cap_reached");
    assert_eq!(field(&body), "user_id");
    // another person's day is their own
    assert_eq!(queue_call(&app, &admin, &first, other).await.status, 201);

    // the cap lowered after queueing: the second dial of the day is put off to tomorrow (IST)
    let res = req(
        &app,
        Method::PATCH,
        &format!("/api/miss-ozone/configs/{}", second["id"].as_str().unwrap()),
        &admin,
        Some(json!({"daily_cap_per_person": 1})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let el = client(&app);
    let calls = req(
        &app,
        Method::GET,
        &format!("/api/miss-ozone/calls?user_id={user}"),
        &admin,
        None,
    )
    .await
    .json();
    let ids: Vec<Uuid> = calls["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let first_call: Uuid = one["id"].as_str().unwrap().parse().unwrap();
    let second_call = *ids.iter().find(|i| **i != first_call).unwrap();
    assert_eq!(
        ozone::dial(&app.db, &el, first_call).await.unwrap(),
        Dialled::Dispatched
    );
    assert_eq!(
        ozone::dial(&app.db, &el, second_call).await.unwrap(),
        Dialled::Deferred
    );
    let put_off = get_call(&app, &admin, &second_call.to_string()).await;
    assert_eq!(
        (put_off["status"].as_str(), put_off["attempts"].as_i64()),
        (Some("queued"), Some(0))
    );
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(put_off["next_attempt_at"].clone()).unwrap();
    assert_eq!(due, ozone::ist_day(chrono::Utc::now()).1);
    assert_eq!(hits(&server, "/outbound-call").await, 1);

    // a queued call can be cancelled, a dispatched one cannot
    let res = req(
        &app,
        Method::POST,
        &format!("/api/miss-ozone/calls/{second_call}/cancel"),
        &admin,
        None,
    )
    .await;
    assert_eq!(res.json()["status"], "cancelled");
    req(
        &app,
        Method::POST,
        &format!("/api/miss-ozone/calls/{first_call}/cancel"),
        &admin,
        None,
    )
    .await
    .assert_problem(409, "call_not_cancellable");
    app.stop().await;
}

#[tokio::test]
async fn configurations_and_calls_are_validated_and_kept_per_platform() {
    let server = eleven("conv_ozone_val").await;
    let app = voice_app(&server).await;
    let (admin, cfg) = config(&app, json!({})).await;
    // the same name again, and out-of-range numbers
    let res = req(
        &app,
        Method::POST,
        "/api/miss-ozone/configs",
        &admin,
        Some(json!({"name": "Weekly check-in", "agent_id": "x"})),
    )
    .await;
    assert_eq!(field(&res.assert_problem(422, "validation_failed")), "name");
    let res = req(
        &app,
        Method::POST,
        "/api/miss-ozone/configs",
        &admin,
        Some(json!({"name": "N", "agent_id": "x", "daily_cap_per_person": 50})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "daily_cap_per_person"
    );
    // a student without a phone, an inactive configuration, too far ahead
    let (no_phone, _) = app.user(Role::User, &[], STUDENTS);
    let res = queue_call(&app, &admin, &cfg, no_phone).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "user_id"
    );
    let user = student(&app, "9000055555").await;
    let res = req(&app, Method::POST, "/api/miss-ozone/calls", &admin,
        Some(json!({"config_id": cfg["id"], "user_id": user, "at": chrono::Utc::now() + chrono::Duration::days(40)}))).await;
    assert_eq!(field(&res.assert_problem(422, "validation_failed")), "at");
    let res = req(
        &app,
        Method::PATCH,
        &format!("/api/miss-ozone/configs/{}", cfg["id"].as_str().unwrap()),
        &admin,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(res.json()["active"], false);
    let res = queue_call(&app, &admin, &cfg, user).await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "config_id"
    );

    // another platform's admin sees none of it; a student cannot queue calls
    let hire_admin = app.token(Role::Admin, &[], "mr-hire");
    let res = app
        .req(Method::GET, "/api/miss-ozone/configs")
        .platform("mr-hire")
        .bearer(&hire_admin)
        .send()
        .await;
    assert_eq!(res.json()["items"], json!([]));
    let res = app
        .req(Method::POST, "/api/miss-ozone/calls")
        .platform("mr-hire")
        .bearer(&hire_admin)
        .json(&json!({"config_id": cfg["id"], "user_id": user}))
        .send()
        .await;
    res.assert_problem(404, "not_found");
    let student_token = app.token(Role::User, &[], STUDENTS);
    req(
        &app,
        Method::POST,
        "/api/miss-ozone/calls",
        &student_token,
        Some(json!({"config_id": cfg["id"], "user_id": user})),
    )
    .await
    .assert_problem(403, "forbidden");
    req(
        &app,
        Method::GET,
        "/api/miss-ozone/calls?status=ringing",
        &admin,
        None,
    )
    .await
    .assert_problem(422, "validation_failed");
    app.stop().await;
}

#[tokio::test]
async fn without_elevenlabs_queueing_a_call_is_503() {
    let app = spawn_app().await;
    let (admin, cfg) = config(&app, json!({})).await;
    let user = student(&app, "9000066666").await;
    queue_call(&app, &admin, &cfg, user)
        .await
        .assert_problem(503, "provider_not_configured");
    app.stop().await;
}

#[tokio::test]
async fn the_prune_blanks_old_transcripts_only() {
    let server = eleven("conv_ozone_old").await;
    let app = voice_app(&server).await;
    let (admin, cfg) = config(&app, json!({})).await;
    let user = student(&app, "9000077777").await;
    let id: Uuid = queue_call(&app, &admin, &cfg, user).await.json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let el = client(&app);
    ozone::dial(&app.db, &el, id).await.unwrap();
    ozone::reconcile(&app.db, &el, chrono::Duration::zero())
        .await
        .unwrap();
    assert_eq!(
        get_call(&app, &admin, &id.to_string()).await["status"],
        "completed"
    );

    assert_eq!(
        ozone::prune(&app.db, 30).await.unwrap(),
        0,
        "a fresh transcript stays"
    );
    sql(
        &app,
        "UPDATE ozone_calls SET completed_at = now() - interval '31 days' WHERE id = $1",
        vec![id.into()],
    )
    .await;
    assert_eq!(ozone::prune(&app.db, 30).await.unwrap(), 1);
    let call = get_call(&app, &admin, &id.to_string()).await;
    assert_eq!(
        (call["transcript"].clone(), call["evaluation"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(call["pruned_at"].is_string());
    assert_eq!(call["status"], "completed");
    app.stop().await;
}

#[test]
fn the_reconciler_runs_every_minute_and_the_prune_at_0330_ist() {
    let [reconcile, prune] = hire::workers::ozone_schedules();
    assert_eq!(
        (
            reconcile.queue.as_str(),
            reconcile.job_name.as_str(),
            reconcile.every_ms
        ),
        ("missOzoneQueue", "reconcile-ozone-calls", Some(60_000))
    );
    assert_eq!(
        (
            prune.queue.as_str(),
            prune.cron.as_deref(),
            prune.tz.as_deref()
        ),
        ("missOzoneQueue", Some("0 30 3 * * *"), Some("Asia/Kolkata"))
    );
}

#[tokio::test]
async fn students_see_their_own_calls_only() {
    let server = eleven("conv_ozone_mine").await;
    let app = voice_app(&server).await;
    let (_, cfg) = config(&app, json!({})).await;
    let cfg_id = Uuid::parse_str(cfg["id"].as_str().unwrap()).unwrap();
    let (asha, asha_token) = app.user(Role::User, &[], STUDENTS);
    let (ravi, ravi_token) = app.user(Role::User, &[], STUDENTS);
    let insert = "INSERT INTO ozone_calls (id, platform_id, config_id, user_id, status, attempts,
            next_attempt_at, conversation_id, evaluation, completed_at, completed_via, duration_secs, created_at)
        VALUES ($1, (SELECT id FROM platforms WHERE slug = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    let now = chrono::Utc::now();
    let done = Uuid::now_v7();
    let later = Uuid::now_v7();
    let ravis = Uuid::now_v7();
    let elsewhere = Uuid::now_v7();
    for (id, platform, user, status, conv, summary, secs, created) in [
        (
            done,
            STUDENTS,
            asha,
            "completed",
            Some("conv_mine_1"),
            Some("Talked about SQL practice."),
            Some(312),
            now - chrono::Duration::hours(2),
        ),
        (
            later,
            STUDENTS,
            asha,
            "queued",
            None,
            None,
            None,
            now - chrono::Duration::hours(1),
        ),
        (
            ravis,
            STUDENTS,
            ravi,
            "completed",
            Some("conv_mine_2"),
            Some("Ravi's private summary."),
            Some(90),
            now,
        ),
        (elsewhere, "mr-hire", asha, "queued", None, None, None, now),
    ] {
        let completed = status == "completed";
        sql(
            &app,
            insert,
            vec![
                id.into(),
                platform.into(),
                cfg_id.into(),
                user.into(),
                status.into(),
                i32::from(completed).into(),
                (now + chrono::Duration::days(1)).into(),
                conv.map(str::to_owned).into(),
                summary.map(|s| json!({"transcript_summary": s})).into(),
                completed.then_some(now).into(),
                completed.then_some("webhook".to_owned()).into(),
                secs.into(),
                created.into(),
            ],
        )
        .await;
    }
    let mine = req(
        &app,
        Method::GET,
        "/api/miss-ozone/my-calls",
        &asha_token,
        None,
    )
    .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let mine = mine.json();
    let items = mine["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [later.to_string(), done.to_string()], "{mine}");
    assert_eq!(items[1]["status"], "completed");
    assert_eq!(items[1]["duration_secs"], 312);
    assert_eq!(items[1]["summary"], "Talked about SQL practice.");
    assert!(items[1].get("transcript").is_none(), "{mine}");
    assert_eq!(items[0]["status"], "queued");
    assert_eq!(items[0]["summary"], Value::Null);
    assert!(!mine.to_string().contains("Ravi"), "{mine}");
    // a page of one, then the rest
    let page = req(
        &app,
        Method::GET,
        "/api/miss-ozone/my-calls?limit=1",
        &asha_token,
        None,
    )
    .await
    .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = req(
        &app,
        Method::GET,
        &format!("/api/miss-ozone/my-calls?limit=1&cursor={cursor}"),
        &asha_token,
        None,
    )
    .await
    .json();
    assert_eq!(rest["items"][0]["id"], done.to_string());

    let theirs = req(
        &app,
        Method::GET,
        "/api/miss-ozone/my-calls",
        &ravi_token,
        None,
    )
    .await
    .json();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1, "{theirs}");
    assert_eq!(theirs["items"][0]["id"], ravis.to_string());
    // another platform's user sees nothing of mr-mentor's calls; no token is 401
    let other = app.token(Role::User, &[], "mr-hire");
    let res = app
        .req(Method::GET, "/api/miss-ozone/my-calls")
        .platform("mr-hire")
        .bearer(&other)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["items"], json!([]));
    app.req(Method::GET, "/api/miss-ozone/my-calls")
        .platform(STUDENTS)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    app.stop().await;
}
