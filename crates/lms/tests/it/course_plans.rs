//! AI course plans through a wiremock OpenAI: a valid plan is stored with its provider, model
//! and prompt version and can be edited by the batch lead; an answer that does not satisfy
//! the schema is asked once more, then the plan fails with the reason.

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{
    TestApp, eventually,
    llm::{LlmAgent, chat_completion, spawn_llm_app},
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::common;

fn answer(content: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(chat_completion(&content.to_string(), 500, 200))
}

async fn plan_app(openai: &MockServer) -> TestApp {
    spawn_llm_app(
        &openai.uri(),
        LlmAgent {
            platform: "mr-mentor",
            agent: "course_plan",
            key: "sk-lms-test",
            provider: json!({
                "model": "gpt-plan-1", "prompt_template": "Plan this:\n{{input}}",
                "prompt_version": "cp-3", "temperature": 0.2, "max_output_tokens": 2000
            }),
        },
    )
    .await
}

/// A course with content, a batch led by a lead, a student in it; answers (lead token,
/// student id, course id).
async fn seeded(app: &TestApp) -> (String, String, String) {
    let admin = app.admin_token();
    let (lead, lead_token) = app.user(Role::User, &[Capability::BatchLead], "mr-mentor");
    let course = common::course(app, &admin, "planned", true).await;
    let cid = course["id"].as_str().unwrap().to_owned();
    common::content(app, &admin, &cid).await;
    let batch = common::batch(app, &admin, &cid, "B1", Some(&lead.to_string())).await;
    let (student, _) = app.user(Role::User, &[], "mr-mentor");
    common::seat(app, &admin, &student.to_string(), &cid, &batch).await;
    (lead_token, student.to_string(), cid)
}

async fn wait_status(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    eventually(30, || async {
        let res = app
            .call(
                Method::GET,
                &format!("/api/batchlead/course-plans/{id}"),
                token,
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        let body = res.json();
        (body["status"] == status).then_some(body)
    })
    .await
    .unwrap_or_else(|| panic!("plan never {status}"))
}

#[tokio::test]
async fn a_valid_plan_is_stored_with_its_versions_and_the_lead_edits_it() {
    let openai = MockServer::start().await;
    let weeks = json!({"weeks": [
        {"week": 1, "focus": "Basics", "items": ["Welcome", "Reading"], "hours": 4},
        {"week": 2, "focus": "Practice", "items": ["Exercises"], "hours": 5}
    ]});
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(answer(&weeks))
        .mount(&openai)
        .await;
    let app = plan_app(&openai).await;
    let worker = app.start_worker().await;
    let (lead, student, cid) = seeded(&app).await;
    let res = app
        .call(Method::POST, "/api/batchlead/course-plans", &lead,
            Some(json!({"user_id": student, "course_id": cid, "goals": "Get a data job", "hours_per_week": 5, "weeks": 2})))
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let plan = wait_status(&app, &lead, &id, "ready").await;
    assert_eq!(plan["plan"], weeks);
    assert_eq!(
        (
            plan["provider"].as_str(),
            plan["model"].as_str(),
            plan["prompt_version"].as_str()
        ),
        (Some("openai"), Some("gpt-plan-1"), Some("cp-3"))
    );
    // The model saw the outline and the goals, not the student's name or email.
    let sent =
        String::from_utf8(openai.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(
        sent.contains("Welcome") && sent.contains("Get a data job"),
        "{sent}"
    );
    assert!(!sent.contains("@"), "{sent}");
    // The lead edits it; an edit that breaks the schema is refused on `plan`.
    let edited = json!({"weeks": [{"week": 1, "focus": "Basics and practice", "items": ["Welcome"], "hours": 6}]});
    let res = app
        .call(
            Method::PUT,
            &format!("/api/batchlead/course-plans/{id}"),
            &lead,
            Some(json!({"plan": edited})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["plan"], edited);
    assert!(res.json()["edited_at"].is_string());
    let res = app
        .call(
            Method::PUT,
            &format!("/api/batchlead/course-plans/{id}"),
            &lead,
            Some(json!({"plan": {"weeks": [{"week": 0, "focus": ""}]}})),
        )
        .await;
    assert_eq!(
        (res.status, common::field(&res.json())),
        (422, "plan".to_owned())
    );
    // A lead of another batch sees nothing of it.
    let other = app.token(Role::User, &[Capability::BatchLead], "mr-mentor");
    app.call(
        Method::GET,
        &format!("/api/batchlead/course-plans/{id}"),
        &other,
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    worker.stop().await;
}

#[tokio::test]
async fn an_invalid_structured_answer_is_asked_again_then_the_plan_fails_clearly() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(answer(&json!({"plan": "week 1: read things"})))
        .mount(&openai)
        .await;
    let app = plan_app(&openai).await;
    let worker = app.start_worker().await;
    let (lead, student, cid) = seeded(&app).await;
    let res = app
        .call(
            Method::POST,
            "/api/batchlead/course-plans",
            &lead,
            Some(json!({"user_id": student, "course_id": cid, "hours_per_week": 3, "weeks": 4})),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let plan = wait_status(&app, &lead, &id, "failed").await;
    assert!(plan["plan"].is_null());
    let error = plan["error"].as_str().unwrap();
    assert!(
        error.contains("schema") && error.contains("weeks"),
        "{error}"
    );
    assert_eq!(
        openai.received_requests().await.unwrap().len(),
        2,
        "asked once more, then failed"
    );
    app.call(
        Method::PUT,
        &format!("/api/batchlead/course-plans/{id}"),
        &lead,
        Some(json!({"plan": {"weeks": [{"week": 1, "focus": "x", "items": [], "hours": 1}]}})),
    )
    .await
    .assert_problem(409, "course_plan_not_ready");
    worker.stop().await;
}
