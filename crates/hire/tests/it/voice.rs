//! Voice interviews through a wiremock ElevenLabs: dispatch, the signed webhook (forged
//! refused, twice recorded once), and the reconciler for a lost webhook.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, eventually, spawn_app, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::common::{PLATFORM, applied, call, count, detail, erase, hr, open_post, stored_files};

pub const SECRET: &str = "whsec-test-aarya";

/// Mounts ElevenLabs' outbound call (answering `conversation`), its audio and its status.
pub async fn eleven(conversation: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/convai/twilio/outbound-call"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"success": true, "message": "ok", "conversation_id": conversation, "callSid": "CA123"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/convai/conversations/{conversation}/audio"
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "audio/mpeg")
                .set_body_bytes(b"ID3-fake-recording".to_vec()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/convai/conversations/{conversation}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(conversation_data(conversation)))
        .mount(&server)
        .await;
    server
}

/// ElevenLabs' conversation data (the webhook's `data`, the status API's answer).
pub fn conversation_data(conversation: &str) -> Value {
    json!({
        "agent_id": "aarya", "conversation_id": conversation, "status": "done",
        "transcript": [
            {"role": "agent", "message": "Tell me about a SQL project.", "time_in_call_secs": 3},
            {"role": "user", "message": "I built store dashboards.", "time_in_call_secs": 9}
        ],
        "analysis": {"call_successful": "success", "transcript_summary": "Clear answers on SQL.",
                     "evaluation_criteria_results": {"sql": {"result": "success"}}}
    })
}

/// An app with ElevenLabs at `server` (both reconcilers ask about calls at once).
pub async fn voice_app(server: &MockServer) -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("ELEVENLABS_API_BASE", server.uri())
            .env("ELEVENLABS_API_KEY", "xi-test-key")
            .env("ELEVENLABS_AGENT_ID", "aarya")
            .env("ELEVENLABS_PHONE_NUMBER_ID", "phn_1")
            .env("ELEVENLABS_WEBHOOK_SECRET", SECRET)
            .env("HIRE_AARYA_SYNC_MIN_AGE_SECS", "0")
            .env("MISS_OZONE_SYNC_MIN_AGE_SECS", "0"),
    )
    .await
}

/// Posts ElevenLabs' webhook signed with `secret`.
pub async fn webhook(app: &TestApp, body: &Value, secret: &str) -> testkit::TestResponse {
    let raw = body.to_string();
    let signature = hire::elevenlabs::sign(secret, raw.as_bytes(), chrono::Utc::now().timestamp());
    app.req(Method::POST, "/api/webhooks/elevenlabs")
        .header("ElevenLabs-Signature", &signature)
        .body(raw, "application/json")
        .send()
        .await
}

/// ElevenLabs answering `conversation`, an app using it, and HR's call dispatched to a new
/// applicant.
struct Dispatched {
    server: MockServer,
    app: TestApp,
    /// HR's token.
    hr: String,
    /// The application's id.
    id: String,
    /// The application's voice interviews.
    path: String,
    /// The dispatch's answer.
    answer: Value,
}

async fn dispatched(conversation: &str, name: &str, email: &str, phone: &str) -> Dispatched {
    let server = eleven(conversation).await;
    let app = voice_app(&server).await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        name,
        email,
        phone,
        &["SQL"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/admin/job-applications/{id}/voice-interviews");
    let res = call(&app, Method::POST, &path, Some(&hr), None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let answer = res.json();
    Dispatched {
        server,
        app,
        hr,
        id,
        path,
        answer,
    }
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

#[tokio::test]
async fn a_signed_webhook_completes_the_interview_once() {
    let Dispatched {
        server,
        app,
        hr,
        path,
        answer,
        ..
    } = dispatched(
        "conv_web_1",
        "Leela Menon",
        "leela@example.com",
        "90000 55555",
    )
    .await;
    assert_eq!(
        (
            answer["status"].as_str(),
            answer["conversation_id"].as_str()
        ),
        (Some("dispatched"), Some("conv_web_1"))
    );
    let sent = &server.received_requests().await.unwrap()[0];
    let sent_body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        (
            sent_body["to_number"].as_str(),
            sent_body["agent_id"].as_str()
        ),
        (Some("+919000055555"), Some("aarya"))
    );
    assert_eq!(
        sent.headers.get("xi-api-key").unwrap().to_str().unwrap(),
        "xi-test-key"
    );
    assert!(
        !sent_body.to_string().contains("Leela"),
        "the candidate's name is not sent"
    );

    let event = json!({"type": "post_call_transcription", "event_timestamp": 1, "data": conversation_data("conv_web_1")});
    let forged = webhook(&app, &event, "not-the-secret").await;
    forged.assert_problem(401, "invalid_webhook_signature");
    // the right signature padded with thousands of empty ones (each would have been one
    // more HMAC of the whole body): refused, and nothing recorded
    let raw = event.to_string();
    let good = hire::elevenlabs::sign(SECRET, raw.as_bytes(), chrono::Utc::now().timestamp());
    let flood = app
        .req(Method::POST, "/api/webhooks/elevenlabs")
        .header(
            "ElevenLabs-Signature",
            &format!("{good}{}", ",v0=".repeat(8_000)),
        )
        .body(raw, "application/json")
        .send()
        .await;
    flood.assert_problem(401, "invalid_webhook_signature");
    let listed = call(&app, Method::GET, &path, Some(&hr), None).await.json();
    assert_eq!(listed["items"][0]["status"], "dispatched");

    let res = webhook(&app, &event, SECRET).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let first = call(&app, Method::GET, &path, Some(&hr), None).await.json()["items"][0].clone();
    assert_eq!(
        (first["status"].as_str(), first["completed_via"].as_str()),
        (Some("completed"), Some("webhook"))
    );
    assert_eq!(
        first["transcript"][1]["message"],
        "I built store dashboards."
    );
    assert_eq!(
        first["evaluation"]["transcript_summary"],
        "Clear answers on SQL."
    );
    assert_eq!(first["has_recording"], true);
    let recordings = stored_files(&app, "/voice-interviews/");
    assert_eq!(recordings.len(), 1);
    assert_eq!(
        std::fs::read(&recordings[0]).unwrap(),
        b"ID3-fake-recording"
    );

    // delivered again: acknowledged, recorded once
    let res = webhook(&app, &event, SECRET).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let second = call(&app, Method::GET, &path, Some(&hr), None).await.json()["items"][0].clone();
    assert_eq!(second["completed_at"], first["completed_at"]);
    assert_eq!(stored_files(&app, "/voice-interviews/").len(), 1);
    assert_eq!(hits(&server, "/audio").await, 1);

    // a long interview's transcript is larger than an anonymous body may be; signed, it passes
    let mut long = conversation_data("conv_unknown_long");
    long["transcript"] = json!((0..2000).map(|i| json!({"role": "user", "message": format!("answer number {i} about SQL joins and indexes"), "time_in_call_secs": i})).collect::<Vec<_>>());
    let big = json!({"type": "post_call_transcription", "data": long});
    assert!(big.to_string().len() > 64 * 1024);
    let res = webhook(&app, &big, SECRET).await;
    assert_eq!(res.status, 200, "{}", res.text);

    // a conversation nobody dispatched changes nothing
    let stray =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_unknown")});
    assert_eq!(webhook(&app, &stray, SECRET).await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn the_reconciler_recovers_a_call_whose_webhook_was_lost() {
    let Dispatched {
        server,
        app,
        hr,
        path,
        ..
    } = dispatched("conv_lost_1", "Ravi", "ravi@example.com", "+91 90000 66666").await;

    // two replicas; one run of the 15-minute job
    let a = app.start_worker().await;
    let b = app.start_worker().await;
    app.jobs
        .enqueue(PLATFORM, &hire::workers::SyncAaryaCalls {}, None)
        .await
        .unwrap();
    let done = eventually(30, || async {
        let row = call(&app, Method::GET, &path, Some(&hr), None).await.json()["items"][0].clone();
        (row["status"] == "completed").then_some(row)
    })
    .await
    .expect("reconciled");
    assert_eq!(done["completed_via"], "sync");
    assert_eq!(done["transcript"][0]["role"], "agent");
    assert_eq!(
        hits(&server, "/conv_lost_1").await,
        1,
        "the status was asked once"
    );
    assert_eq!(stored_files(&app, "/voice-interviews/").len(), 1);

    // the late webhook changes nothing
    let event =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_lost_1")});
    assert_eq!(webhook(&app, &event, SECRET).await.status, 200);
    let row = call(&app, Method::GET, &path, Some(&hr), None).await.json()["items"][0].clone();
    assert_eq!(row["completed_via"], "sync");
    a.stop().await;
    b.stop().await;
    app.stop().await;
}

/// A call still running when HR erases the candidate: its webhook ends the call and keeps
/// nothing of it (no transcript, no evaluation, no recording fetched or stored).
#[tokio::test]
async fn a_call_ending_after_the_candidates_erasure_keeps_nothing() {
    let Dispatched {
        server,
        app,
        hr,
        id,
        ..
    } = dispatched(
        "conv_erased_1",
        "Meera",
        "meera@example.com",
        "+91 90000 77777",
    )
    .await;
    let candidate = detail(&app, &hr, &id).await["candidate_id"]
        .as_str()
        .unwrap()
        .to_owned();
    erase(&app, &hr, &candidate).await;

    let event =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_erased_1")});
    assert_eq!(webhook(&app, &event, SECRET).await.status, 200);
    let kept = count(
        &app,
        "SELECT count(*) FROM voice_interviews WHERE conversation_id = 'conv_erased_1' \
           AND status = 'completed' AND transcript IS NULL AND evaluation IS NULL \
           AND recording_key IS NULL",
        vec![],
    )
    .await;
    assert_eq!(kept, 1, "the call ended with nothing kept");
    assert_eq!(hits(&server, "/audio").await, 0, "no recording fetched");
    assert!(stored_files(&app, "/voice-interviews/").is_empty());
}

#[tokio::test]
async fn without_elevenlabs_a_dispatch_is_503() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "X",
        "x@example.com",
        "9000088888",
        &["x"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/voice-interviews"),
        Some(&hr),
        None,
    )
    .await;
    res.assert_problem(503, "provider_not_configured");
    app.stop().await;
}
