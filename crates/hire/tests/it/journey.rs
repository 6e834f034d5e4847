//! The recruiting path as one test: open a post -> apply with a PDF -> screened through a
//! wiremock LLM -> HR moves the candidate through stages -> candidate quiz -> voice interview
//! webhook (forged refused, twice recorded once) -> offer -> hired.

use reqwest::Method;
use serde_json::json;
use testkit::{
    TestOptions, eventually,
    llm::{LlmAgent, spawn_llm_app_with},
};
use wiremock::{
    Mock, MockServer,
    matchers::{method, path},
};

use crate::{
    common::{PLATFORM, applied, call, hr, move_stage, open_post},
    quizzes::{hire_quiz, take},
    screening::model_answer,
    voice::{SECRET, conversation_data, eleven, webhook},
};

#[tokio::test]
async fn open_apply_screen_stages_quiz_voice_interview_offer() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(model_answer(
            &[
                "skills_match",
                "experience",
                "problem_solving",
                "communication",
            ],
            3,
        ))
        .mount(&openai)
        .await;
    let elevenlabs = eleven("conv_journey").await;
    let app = spawn_llm_app_with(
        TestOptions::default()
            .env("ELEVENLABS_API_BASE", elevenlabs.uri())
            .env("ELEVENLABS_API_KEY", "xi-test-key")
            .env("ELEVENLABS_AGENT_ID", "aarya")
            .env("ELEVENLABS_PHONE_NUMBER_ID", "phn_1")
            .env("ELEVENLABS_WEBHOOK_SECRET", SECRET),
        &openai.uri(),
        LlmAgent {
            platform: PLATFORM,
            agent: "resume_screening",
            key: "sk-journey",
            provider: json!({
                "model": "gpt-screen-1", "prompt_template": "{{input}}",
                "prompt_version": "rs-1", "temperature": 0.0, "max_output_tokens": 800
            }),
        },
    )
    .await;
    let worker = app.start_worker().await;
    let (_, hr) = hr(&app);

    // 1. HR opens a post; it is public
    let post = open_post(&app, &hr, json!({"title": "Junior Data Analyst"})).await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    let public = call(&app, Method::GET, "/api/job-posts", None, None)
        .await
        .json();
    assert_eq!(public["items"][0]["id"], post_id.as_str());

    // 2. a candidate applies with a PDF, no account
    let id = applied(
        &app,
        &post_id,
        "Divya Iyer",
        "divya@example.com",
        "+91 90000 12121",
        &["Divya Iyer", "SQL dashboards"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // 3. screened through the LLM: 3 of 5 everywhere is 60
    let analysis = eventually(30, || async {
        let res = call(
            &app,
            Method::GET,
            &format!("/api/admin/resume-analysis/{id}"),
            Some(&hr),
            None,
        )
        .await;
        (res.status == 200).then(|| res.json())
    })
    .await
    .expect("screened");
    assert_eq!(analysis["score"], 60);
    let sent: serde_json::Value =
        serde_json::from_slice(&openai.received_requests().await.unwrap()[0].body).unwrap();
    assert!(
        !sent.to_string().contains("Divya"),
        "the model never sees the name"
    );

    // 4. HR moves the candidate: screening -> quiz
    move_stage(&app, &hr, &id, "screening", None).await;
    move_stage(&app, &hr, &id, "quiz", None).await;

    // 5. the candidate quiz
    let (quiz_id, mcq, numeric) = hire_quiz(&app).await;
    let res = call(
        &app,
        Method::POST,
        &format!("/api/admin/job-applications/{id}/quizzes"),
        Some(&hr),
        Some(json!({"quiz_id": quiz_id})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let graded = take(&app, res.json()["url"].as_str().unwrap(), &mcq, &numeric).await;
    assert_eq!(graded["passed"], true);
    let quizzes = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}/quizzes"),
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(quizzes["items"][0]["state"], "submitted");

    // 6. the voice interview: dispatched, forged webhook refused, the real one twice
    move_stage(&app, &hr, &id, "interview", None).await;
    let voice_path = format!("/api/admin/job-applications/{id}/voice-interviews");
    let res = call(&app, Method::POST, &voice_path, Some(&hr), None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let event =
        json!({"type": "post_call_transcription", "data": conversation_data("conv_journey")});
    webhook(&app, &event, "forged")
        .await
        .assert_problem(401, "invalid_webhook_signature");
    for _ in 0..2 {
        let res = webhook(&app, &event, SECRET).await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let interviews = call(&app, Method::GET, &voice_path, Some(&hr), None)
        .await
        .json();
    assert_eq!(interviews["items"].as_array().unwrap().len(), 1);
    assert_eq!(interviews["items"][0]["status"], "completed");

    // 7. offer, then hired; the log tells the whole story
    move_stage(&app, &hr, &id, "offer", None).await;
    move_stage(&app, &hr, &id, "hired", None).await;
    let detail = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{id}"),
        Some(&hr),
        None,
    )
    .await
    .json();
    let path: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        path,
        [
            "applied",
            "screening",
            "quiz",
            "interview",
            "offer",
            "hired"
        ]
    );
    assert_eq!(detail["ai_score"], 60);
    let hired = call(
        &app,
        Method::GET,
        "/api/admin/job-applications?stage=hired",
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(hired["items"][0]["id"], id.as_str());
    worker.stop().await;
    app.stop().await;
}
