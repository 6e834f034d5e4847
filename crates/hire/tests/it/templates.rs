//! Job templates and stage templates edited per platform through the API (ADR 0082): audited,
//! validated, seeded rows read-only, and no edit rewrites an existing post.

use kernel::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};
use testkit::spawn_app;

use crate::common::{PLATFORM, applied, call, count, field, hr, open_post};

#[tokio::test]
async fn job_templates_are_created_changed_and_archived_without_touching_posts() {
    let app = spawn_app().await;
    let (hr_id, hr) = hr(&app);
    let path = "/api/admin/job-templates";
    let body = json!({"family": "engineering", "title": "Data Engineer",
        "description": "Pipelines and warehouses", "skills": [" sql ", "airflow"]});
    let res = call(&app, Method::POST, path, Some(&hr), Some(body.clone())).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let tpl = res.json();
    assert_eq!(tpl["seeded"], false);
    assert_eq!(tpl["version"], 1);
    assert_eq!(tpl["skills"], json!(["sql", "airflow"]));
    assert_eq!(tpl["stages"][2], "quiz");
    let id = tpl["id"].as_str().unwrap().to_owned();

    // the same title, an unknown family, a blank title, a plain user
    let res = call(&app, Method::POST, path, Some(&hr), Some(body.clone())).await;
    assert_eq!(
        field(&res.assert_problem(409, "job_template_title_taken")),
        "title"
    );
    let res = call(
        &app,
        Method::POST,
        path,
        Some(&hr),
        Some(json!({"family": "astronomy", "title": "Stargazer"})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "family"
    );
    let res = call(
        &app,
        Method::POST,
        path,
        Some(&hr),
        Some(json!({"family": "general", "title": "   "})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "title"
    );
    let user = app.token(Role::User, &[], PLATFORM);
    call(&app, Method::POST, path, Some(&user), Some(body.clone()))
        .await
        .assert_problem(403, "forbidden");

    // a seeded template is read-only
    let list = call(&app, Method::GET, path, Some(&hr), None).await.json();
    let seeded = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Software Engineer")
        .unwrap()
        .clone();
    assert_eq!(seeded["seeded"], true);
    let seeded_id = seeded["id"].as_str().unwrap();
    call(
        &app,
        Method::PATCH,
        &format!("{path}/{seeded_id}"),
        Some(&hr),
        Some(json!({"title": "Mine now"})),
    )
    .await
    .assert_problem(409, "seeded_template_read_only");
    call(
        &app,
        Method::POST,
        &format!("{path}/{seeded_id}/archive"),
        Some(&hr),
        None,
    )
    .await
    .assert_problem(409, "seeded_template_read_only");

    // a post made from version 1 keeps its copy when the template changes
    let post = open_post(
        &app,
        &hr,
        json!({"template_id": id, "title": "Data Engineer",
        "description": "Pipelines and warehouses", "skills": ["sql", "airflow"]}),
    )
    .await;
    assert_eq!(post["template_version"], 1);
    let res = call(
        &app,
        Method::PATCH,
        &format!("{path}/{id}"),
        Some(&hr),
        Some(
            json!({"title": "Senior Data Engineer", "skills": ["spark"], "description": "Bigger"}),
        ),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["version"], 2);
    assert_eq!(res.json()["skills"], json!(["spark"]));
    let again = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-posts/{}", post["id"].as_str().unwrap()),
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(again["title"], "Data Engineer");
    assert_eq!(again["skills"], json!(["sql", "airflow"]));
    assert_eq!(again["description"], "Pipelines and warehouses");
    assert_eq!(again["template_version"], 1);

    // archived: not offered, not usable for new posts, its title free again
    let res = call(
        &app,
        Method::POST,
        &format!("{path}/{id}/archive"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.json()["archived_at"].is_string());
    let live = call(&app, Method::GET, path, Some(&hr), None).await.json();
    assert!(
        !live["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str())
    );
    let all = call(
        &app,
        Method::GET,
        &format!("{path}?archived=true"),
        Some(&hr),
        None,
    )
    .await
    .json();
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str())
    );
    let res = call(
        &app,
        Method::POST,
        "/api/admin/job-posts",
        Some(&hr),
        Some(
            json!({"template_id": id, "title": "X", "description": "", "location": "Pune",
            "remote": false, "skills": []}),
        ),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "template_id"
    );
    let res = call(
        &app,
        Method::POST,
        path,
        Some(&hr),
        Some(json!({"family": "engineering", "title": "Senior Data Engineer"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // another platform sees none of it
    let other = app.token(Role::Admin, &[], "mr-mentor");
    let res = app
        .req(Method::PATCH, &format!("{path}/{id}"))
        .platform("mr-mentor")
        .bearer(&other)
        .json(&json!({"title": "Taken over"}))
        .send()
        .await;
    res.assert_problem(404, "not_found");

    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND action IN
            ('job_template.create', 'job_template.update', 'job_template.archive')",
            vec![hr_id.into()]
        )
        .await,
        4
    );
    app.stop().await;
}

#[tokio::test]
async fn stage_templates_are_versioned_and_posts_keep_theirs() {
    let app = spawn_app().await;
    let (hr_id, hr) = hr(&app);
    let before = open_post(&app, &hr, json!({"title": "Before"})).await;
    let applicant = applied(
        &app,
        before["id"].as_str().unwrap(),
        "Kiran Das",
        "kiran@example.com",
        "9000012345",
        &["SQL"],
    )
    .await;

    let path = "/api/admin/stage-templates/engineering";
    let v1 = json!({
        "stages": ["applied", "screening", "tech_interview", "offer", "hired"],
        "stage_emails": {"tech_interview": "interview_invitation", "rejected": "application_rejected"},
        "scorecards": {"tech_interview": [{"key": "coding", "description": "Writes working code"}]}
    });
    let res = call(&app, Method::PUT, path, Some(&hr), Some(v1.clone())).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["version"], 1);
    assert_eq!(res.json()["seeded"], false);
    let mut v2 = v1.clone();
    v2["stages"] = json!(["applied", "tech_interview", "offer", "hired"]);
    let res = call(&app, Method::PUT, path, Some(&hr), Some(v2)).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["version"], 2);

    // invalid content names its field
    for (body, name) in [
        (json!({"stages": ["applied", "rejected"]}), "stages"),
        (json!({"stages": ["applied", "applied"]}), "stages"),
        (json!({"stages": ["Applied"]}), "stages"),
        (json!({"stages": []}), "stages"),
        (
            json!({"stages": ["applied"], "stage_emails": {"applied": "free_text"}}),
            "stage_emails",
        ),
        (
            json!({"stages": ["applied"], "stage_emails": {"offer": "offer_extended"}}),
            "stage_emails",
        ),
        (
            json!({"stages": ["applied"], "scorecards": {"offer": [{"key": "a", "description": "b"}]}}),
            "scorecards",
        ),
        (
            json!({"stages": ["applied"], "scorecards": {"applied": [{"key": "a", "description": "b"}, {"key": "a", "description": "c"}]}}),
            "scorecards",
        ),
    ] {
        let res = call(&app, Method::PUT, path, Some(&hr), Some(body.clone())).await;
        assert_eq!(
            field(&res.assert_problem(422, "validation_failed")),
            name,
            "{body}"
        );
    }
    let res = call(
        &app,
        Method::PUT,
        "/api/admin/stage-templates/Bad-Family",
        Some(&hr),
        Some(json!({"stages": ["applied"]})),
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "family"
    );

    // the list: the platform's own engineering (version 2), the seeded others
    let list = call(
        &app,
        Method::GET,
        "/api/admin/stage-templates",
        Some(&hr),
        None,
    )
    .await
    .json();
    let items = list["items"].as_array().unwrap();
    let eng: Vec<&Value> = items
        .iter()
        .filter(|t| t["family"] == "engineering")
        .collect();
    assert_eq!(eng.len(), 1, "{list}");
    assert_eq!(eng[0]["version"], 2);
    assert!(
        items
            .iter()
            .any(|t| t["family"] == "sales" && t["seeded"] == true)
    );

    // a new post follows version 2; the earlier post keeps the seeded stages and scorecards
    let after = open_post(&app, &hr, json!({"title": "After"})).await;
    assert_eq!(
        after["stages"],
        json!(["applied", "tech_interview", "offer", "hired"])
    );
    let old = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-posts/{}", before["id"].as_str().unwrap()),
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(old["stages"][2], "quiz");
    let id = applicant["id"].as_str().unwrap();
    let res = call(
        &app,
        Method::PUT,
        &format!("/api/admin/job-applications/{id}/scorecards/interview"),
        Some(&hr),
        Some(
            json!({"scores": {"communication": 4, "problem_solving": 5, "role_knowledge": 3},
            "recommendation": "yes"}),
        ),
    )
    .await;
    assert_eq!(
        res.status, 200,
        "the post keeps its template's criteria: {}",
        res.text
    );

    // another platform still has the seeded engineering template
    let other = app.token(Role::Admin, &[], "mr-mentor");
    let theirs = app
        .req(Method::GET, "/api/admin/stage-templates")
        .platform("mr-mentor")
        .bearer(&other)
        .send()
        .await
        .json();
    let eng = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["family"] == "engineering")
        .unwrap()
        .clone();
    assert_eq!(eng["seeded"], true);
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND action = 'stage_template.update'",
            vec![hr_id.into()]).await,
        2
    );
    app.stop().await;
}
