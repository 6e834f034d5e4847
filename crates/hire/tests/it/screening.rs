//! AI resume screening through a wiremock OpenAI: what the model sees is redacted, the
//! screening is reproducible from its stored versions, an override wins and survives a
//! re-screen after the rubric changes.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use testkit::{
    TestApp, TestOptions, eventually,
    llm::{LlmAgent, spawn_llm_app},
    spawn_app_with,
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::common::{PLATFORM, applied, apply, call, count, hr, open_post, pdf};

/// The model's answer: every rubric criterion at `score`, with quoted evidence.
pub fn model_answer(keys: &[&str], score: i64) -> ResponseTemplate {
    let criteria: Vec<Value> = keys
        .iter()
        .map(|k| json!({"key": k, "score": score, "evidence": "SQL dashboards for 40 stores"}))
        .collect();
    let content = json!({
        "criteria": criteria, "strengths": ["SQL"], "gaps": ["No cloud"],
        "summary": "Solid analyst profile."
    })
    .to_string();
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020}
    }))
}

/// An app whose OpenAI is `openai`, with mr-hire's key and `resume_screening` agent set to it.
pub async fn screening_app(openai: &MockServer) -> TestApp {
    spawn_llm_app(
        &openai.uri(),
        LlmAgent {
            platform: PLATFORM,
            agent: "resume_screening",
            key: "sk-hire-test",
            provider: json!({
                "model": "gpt-screen-1", "prompt_template": "Screen this:\n{{input}}",
                "prompt_version": "rs-7", "temperature": 0.0, "max_output_tokens": 800
            }),
        },
    )
    .await
}

const KEYS: [&str; 4] = [
    "skills_match",
    "experience",
    "problem_solving",
    "communication",
];

#[tokio::test]
async fn the_model_sees_no_identity_and_the_screening_reproduces() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(model_answer(&KEYS, 4))
        .mount(&openai)
        .await;
    let app = screening_app(&openai).await;
    let worker = app.start_worker().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let resume = pdf(&[
        "Zara Khan",
        "zara.khan@example.net  +91 98123 45678",
        "Age: 23, B.Com 2021",
        "Built SQL dashboards for 40 stores",
    ]);
    let res = apply(
        &app,
        post["id"].as_str().unwrap(),
        "Zara Khan",
        "zara.khan@example.net",
        "+91 98123 45678",
        &resume,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();

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
    assert_eq!(analysis["score"], 80, "every criterion 4 of 5");
    assert_eq!(
        (
            analysis["model"].as_str(),
            analysis["prompt_version"].as_str()
        ),
        (Some("gpt-screen-1"), Some("rs-7"))
    );
    assert_eq!(analysis["rubric_version"], 1);
    assert_eq!(analysis["rubric"].as_array().unwrap().len(), 4);
    assert_eq!(analysis["summary"], "Solid analyst profile.");
    assert!(analysis["created_at"].is_string() && analysis["override"].is_null());

    // what the provider received
    let received = openai.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    let prompt = body["messages"][0]["content"].as_str().unwrap().to_owned();
    assert!(prompt.contains("SQL dashboards for 40 stores"), "{prompt}");
    for secret in [
        "Zara",
        "Khan",
        "zara.khan",
        "98123",
        "45678",
        "2021",
        "Age: 23",
    ] {
        assert!(
            !prompt.contains(secret),
            "{secret} reached the model: {prompt}"
        );
    }

    // reproducible: the stored rubric rebuilds the same input, byte for byte
    let rubric: Vec<hire::dto::screening::Criterion> =
        serde_json::from_value(analysis["rubric"].clone()).unwrap();
    let store =
        storage::Storage::from_config(&app.config.storage, &app.config.kernel.public_base_url)
            .unwrap();
    let platform_id: uuid::Uuid = {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT id FROM platforms WHERE slug = 'mr-hire'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    let input = hire::service::screening::build_input(
        &app.db,
        &store,
        platform_id,
        id.parse().unwrap(),
        &rubric,
    )
    .await
    .unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(input.to_string().as_bytes())),
        analysis["input_sha256"].as_str().unwrap()
    );
    // the agent's template with the input, then the gateway's schema instructions
    assert!(
        prompt.starts_with(&format!("Screen this:\n{input}\n")),
        "{prompt}"
    );

    // the pipeline shows the score; no personal data went into the job payload
    let list = call(
        &app,
        Method::GET,
        "/api/admin/job-applications",
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(list["items"][0]["ai_score"], 80);
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE payload::text LIKE '%zara%' OR payload::text LIKE '%98123%'", vec![]).await,
        0
    );
    worker.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn an_override_wins_and_survives_a_rescreen_after_the_rubric_changes() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(model_answer(&["skills_match", "sql_depth"], 2))
        .mount(&openai)
        .await;
    let app = screening_app(&openai).await;
    let worker = app.start_worker().await;
    let (hr_id, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Omar",
        "omar@example.com",
        "9000012345",
        &["SQL"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("/api/admin/resume-analysis/{id}");
    eventually(30, || async {
        (call(&app, Method::GET, &url, Some(&hr), None).await.status == 200).then_some(())
    })
    .await
    .expect("screened");

    let res = call(
        &app,
        Method::PUT,
        &format!("{url}/override"),
        Some(&hr),
        Some(json!({"score": 91})),
    )
    .await;
    assert_eq!(res.json()["errors"][0]["field"], "reason", "{}", res.text);
    let res = call(
        &app,
        Method::PUT,
        &format!("{url}/override"),
        Some(&hr),
        Some(json!({"score": 91, "reason": "Strong portfolio seen in interview"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE action = 'resume_analysis.override' AND actor_id = $1", vec![hr_id.into()]).await,
        1
    );

    // a new rubric: version 2, everything in the pipeline re-screened
    let res = call(
        &app,
        Method::PUT,
        "/api/admin/screening-config",
        Some(&hr),
        Some(json!({"rubric": [
            {"key": "skills_match", "description": "Skills of the job", "weight": 1},
            {"key": "sql_depth", "description": "Depth of SQL work", "weight": 1},
        ]})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["rubric_version"], 2);
    let again = eventually(30, || async {
        let a = call(&app, Method::GET, &url, Some(&hr), None).await.json();
        (a["rubric_version"] == 2).then_some(a)
    })
    .await
    .expect("re-screened");
    assert_eq!(again["score"], 40);
    assert_eq!(again["effective_score"], 91);
    assert_eq!(
        again["override"]["reason"],
        "Strong portfolio seen in interview"
    );
    let list = call(
        &app,
        Method::GET,
        "/api/admin/job-applications",
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(
        list["items"][0]["ai_score"], 91,
        "the human's score stays on the pipeline"
    );
    assert_eq!(openai.received_requests().await.unwrap().len(), 2);

    // the same rubric again is no new version and no new screening
    let res = call(
        &app,
        Method::GET,
        "/api/admin/screening-config",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.json()["rubric_version"], 2);
    worker.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_candidate_who_opts_out_of_ai_is_never_screened() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(model_answer(&KEYS, 5))
        .mount(&openai)
        .await;
    let app = screening_app(&openai).await;
    let worker = app.start_worker().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let apply_url = format!("/api/job-posts/{}/apply", post["id"].as_str().unwrap());
    let send = |fields: Vec<(&'static str, &'static str)>| {
        let (body, ct) = crate::common::form(
            &fields,
            Some((
                "resume",
                "cv.pdf",
                "application/pdf",
                b"%PDF-1.4\n% not much\n",
            )),
        );
        app.req(Method::POST, &apply_url)
            .platform(PLATFORM)
            .body(body, &ct)
            .send()
    };
    let res = send(vec![
        ("full_name", "Opt Out"),
        ("email", "optout@example.com"),
        ("phone", "9000099991"),
        ("talent_pool_months", "99"),
    ])
    .await;
    assert_eq!(
        crate::common::field(&res.assert_problem(422, "validation_failed")),
        "talent_pool_months"
    );
    let res = send(vec![
        ("full_name", "Opt Out"),
        ("email", "optout@example.com"),
        ("phone", "9000099991"),
        ("consent_ai_screening", "false"),
        ("talent_pool_months", "6"),
    ])
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let out = res.json();
    assert_eq!(out["ai_screening"], false);
    assert!(out["ai_notice"].as_str().unwrap().contains("human review"));
    assert!(out["talent_pool_until"].is_string());
    let opted_out = out["id"].as_str().unwrap().to_owned();

    let res = apply(
        &app,
        post["id"].as_str().unwrap(),
        "Opt In",
        "optin@example.com",
        "9000099992",
        &pdf(&["SQL"]),
    )
    .await;
    assert_eq!(res.json()["ai_screening"], true);
    let opted_in = res.json()["id"].as_str().unwrap().to_owned();
    eventually(30, || async {
        (call(
            &app,
            Method::GET,
            &format!("/api/admin/resume-analysis/{opted_in}"),
            Some(&hr),
            None,
        )
        .await
        .status
            == 200)
            .then_some(())
    })
    .await
    .expect("the consenting candidate is screened");

    // no job was queued for the other one, the model was asked once, and there is no analysis
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE queue = 'resumeAnalysisQueue' AND payload::text LIKE '%' || $1 || '%'", vec![opted_out.clone().into()]).await,
        0
    );
    assert_eq!(openai.received_requests().await.unwrap().len(), 1);
    call(
        &app,
        Method::GET,
        &format!("/api/admin/resume-analysis/{opted_out}"),
        Some(&hr),
        None,
    )
    .await
    .assert_problem(404, "not_found");

    // a rubric change re-queues the pipeline; the refusal still holds
    let res = call(
        &app,
        Method::PUT,
        "/api/admin/screening-config",
        Some(&hr),
        Some(json!({"rubric": [{"key": "skills_match", "description": "Skills", "weight": 1}]})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.wait_completed("resumeAnalysisQueue", "analyse-resume", 3)
        .await;
    assert_eq!(
        openai.received_requests().await.unwrap().len(),
        2,
        "only the consenting candidate is re-screened"
    );
    worker.stop().await;
    app.stop().await;
}

/// The screening service's answer: every criterion of the default rubric at `score`.
fn backend_answer(score: i64) -> ResponseTemplate {
    let criteria: Vec<Value> = KEYS
        .iter()
        .map(|k| json!({"key": k, "score": score, "evidence": "SQL dashboards for 40 stores"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "criteria": criteria, "strengths": ["SQL"], "gaps": [], "summary": "Good fit.",
        "model": "mrhire-screen-2", "prompt_version": "svc-3"
    }))
}

#[tokio::test]
async fn the_screening_service_screens_when_mr_hire_backend_url_is_set() {
    let service = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/screen"))
        .respond_with(backend_answer(5))
        .mount(&service)
        .await;
    let app =
        spawn_app_with(TestOptions::default().env("MR_HIRE_BACKEND_URL", service.uri())).await;
    let worker = app.start_worker().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let res = apply(
        &app,
        post["id"].as_str().unwrap(),
        "Irfan Qureshi",
        "irfan@example.com",
        "9000040001",
        &pdf(&[
            "Irfan Qureshi",
            "irfan@example.com",
            "Built SQL dashboards for 40 stores",
        ]),
    )
    .await;
    let id = res.json()["id"].as_str().unwrap().to_owned();
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
    .expect("screened by the service");
    assert_eq!(
        (
            analysis["provider"].as_str(),
            analysis["model"].as_str(),
            analysis["prompt_version"].as_str()
        ),
        (
            Some("mr-hire-backend"),
            Some("mrhire-screen-2"),
            Some("svc-3")
        )
    );
    assert_eq!(analysis["score"], 100);
    let sent = &service.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&sent.body).to_string();
    assert!(body.contains("SQL dashboards"), "{body}");
    assert!(
        !body.contains("Irfan") && !body.contains("irfan@"),
        "redacted: {body}"
    );
    worker.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn the_backfill_requeues_applications_never_screened() {
    let service = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/screen"))
        .respond_with(backend_answer(3))
        .mount(&service)
        .await;
    let app =
        spawn_app_with(TestOptions::default().env("MR_HIRE_BACKEND_URL", service.uri())).await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let id = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Lost Job",
        "lost@example.com",
        "9000040002",
        &["SQL"],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // the apply job is lost (Redis emptied) and the application is old enough
    eventually(10, || async {
        (count(
            &app,
            "SELECT count(*) FROM outbox WHERE relayed_at IS NULL",
            vec![],
        )
        .await
            == 0)
            .then_some(())
    })
    .await
    .expect("relayed");
    app.flush_queues().await;
    crate::common::exec(
        &app,
        "UPDATE job_applications SET created_at = now() - interval '2 hours'",
        vec![],
    )
    .await;

    assert_eq!(
        hire::service::screening::backfill(&app.db, &app.jobs)
            .await
            .unwrap(),
        1
    );
    let worker = app.start_worker().await;
    eventually(30, || async {
        let res = call(
            &app,
            Method::GET,
            &format!("/api/admin/resume-analysis/{id}"),
            Some(&hr),
            None,
        )
        .await;
        (res.status == 200).then_some(())
    })
    .await
    .expect("screened after the backfill");
    assert_eq!(
        hire::service::screening::backfill(&app.db, &app.jobs)
            .await
            .unwrap(),
        0,
        "screened ones are left alone"
    );
    assert_eq!(
        hire::workers::backfill_schedule().cron.as_deref(),
        Some("0 0 2 * * *")
    );
    worker.stop().await;
    app.stop().await;
}
