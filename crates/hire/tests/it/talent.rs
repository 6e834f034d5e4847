//! The talent pool (live consent only, searched by skill, experience, location and score) and
//! the salary benchmark (offers and placements plus configured data points).

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

use crate::common::{
    PLATFORM, apply_fields, call, exec, field, form, hr, move_stage, open_post, pdf,
};

/// Applies as `name` / `email` with the talent-pool fields of `extra`.
async fn apply_with(
    app: &TestApp,
    post_id: &str,
    name: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> Value {
    let mut fields = vec![("full_name", name), ("email", email)];
    fields.extend_from_slice(extra);
    apply_fields(app, post_id, &fields).await
}

async fn pool(app: &TestApp, hr: &str, query: &str) -> Vec<String> {
    let res = call(
        app,
        Method::GET,
        &format!("/api/talent-pool{query}"),
        Some(hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_pool_holds_live_consents_searchable_by_skill_experience_location_and_score() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(
        &app,
        &hr,
        json!({"location": "Pune", "skills": ["sql", "excel"]}),
    )
    .await;
    let post_id = post["id"].as_str().unwrap();
    let asha = apply_with(
        &app,
        post_id,
        "Asha",
        "asha@example.com",
        &[
            ("talent_pool_months", "6"),
            ("skills", "Python, Power BI"),
            ("experience_years", "4"),
            ("location", "Mumbai"),
        ],
    )
    .await;
    apply_with(
        &app,
        post_id,
        "Bina",
        "bina@example.com",
        &[
            ("talent_pool_months", "12"),
            ("skills", "Tableau"),
            ("experience_years", "1"),
        ],
    )
    .await;
    // no pool consent
    apply_with(
        &app,
        post_id,
        "Chitra",
        "chitra@example.com",
        &[("skills", "python")],
    )
    .await;
    let dev = apply_with(
        &app,
        post_id,
        "Dev",
        "dev@example.com",
        &[("talent_pool_months", "3"), ("skills", "python")],
    )
    .await;

    assert_eq!(pool(&app, &hr, "").await, ["Dev", "Bina", "Asha"]);
    assert_eq!(pool(&app, &hr, "?skill=PYTHON").await, ["Dev", "Asha"]);
    assert_eq!(
        pool(&app, &hr, "?skill=sql").await.len(),
        3,
        "the job's skills count"
    );
    assert_eq!(pool(&app, &hr, "?min_experience=2").await, ["Asha"]);
    assert_eq!(pool(&app, &hr, "?location=mumb").await, ["Asha"]);
    assert_eq!(
        pool(&app, &hr, "?location=pune").await.len(),
        3,
        "the job's location counts"
    );
    exec(
        &app,
        "UPDATE job_applications SET ai_score = 72 WHERE id = $1::uuid",
        vec![asha["id"].as_str().unwrap().into()],
    )
    .await;
    assert_eq!(pool(&app, &hr, "?min_score=70").await, ["Asha"]);
    let res = call(
        &app,
        Method::GET,
        "/api/talent-pool?min_score=101",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "min_score"
    );

    // an expired consent and an erased candidate leave the pool
    exec(&app, "UPDATE application_consents SET talent_pool_until = now() - interval '1 minute' WHERE application_id = $1::uuid",
        vec![dev["id"].as_str().unwrap().into()]).await;
    assert_eq!(pool(&app, &hr, "?skill=python").await, ["Asha"]);
    let candidate =
        crate::common::detail(&app, &hr, asha["id"].as_str().unwrap()).await["candidate_id"]
            .clone();
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/admin/candidates/{}", candidate.as_str().unwrap()),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(pool(&app, &hr, "").await, ["Bina"]);
    assert_eq!(
        crate::common::count(
            &app,
            "SELECT count(*) FROM talent_profiles WHERE application_id = $1::uuid",
            vec![asha["id"].as_str().unwrap().into()]
        )
        .await,
        0,
        "the declared profile is erased"
    );

    // the form checks the new fields
    let (body, content_type) = form(
        &[
            ("full_name", "E"),
            ("email", "e@example.com"),
            ("phone", "9000060009"),
            ("experience_years", "99"),
        ],
        Some(("resume", "resume.pdf", "application/pdf", &pdf(&["x"]))),
    );
    let res = app
        .req(Method::POST, &format!("/api/job-posts/{post_id}/apply"))
        .platform(PLATFORM)
        .body(body, &content_type)
        .send()
        .await;
    assert_eq!(
        field(&res.assert_problem(422, "validation_failed")),
        "experience_years"
    );
    // a plain user is refused
    let user = app.token(kernel::auth::Role::User, &[], PLATFORM);
    call(&app, Method::GET, "/api/talent-pool", Some(&user), None)
        .await
        .assert_problem(403, "forbidden");
    app.stop().await;
}

#[tokio::test]
async fn the_benchmark_combines_offers_and_configured_points() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    // 50-80 lakh a year: a midpoint of 65 lakh (in paise)
    let post = open_post(
        &app,
        &hr,
        json!({"title": "Data Analyst", "location": "Pune",
        "salary_min_paise": 500_000_000_i64, "salary_max_paise": 800_000_000_i64}),
    )
    .await;
    let post_id = post["id"].as_str().unwrap();
    for (name, email, stage) in [
        ("A", "a@example.com", "offer"),
        ("B", "b@example.com", "hired"),
        ("C", "c@example.com", "screening"),
    ] {
        let a = apply_with(&app, post_id, name, email, &[]).await;
        move_stage(&app, &hr, a["id"].as_str().unwrap(), stage, None).await;
    }
    let res = call(
        &app,
        Method::PUT,
        "/api/salary-benchmark/sources",
        Some(&hr),
        Some(json!({"items": [
            {"role": "data analyst", "amount_paise": 400_000_000_i64, "source": "Survey 2026"},
            {"role": "Data-Analyst", "amount_paise": 900_000_000_i64, "source": "Survey 2026"}
        ]})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 2);

    let res = call(
        &app,
        Method::POST,
        "/api/salary-benchmark/refresh",
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let all = call(
        &app,
        Method::GET,
        "/api/salary-benchmark?role=Data%20Analyst",
        Some(&hr),
        None,
    )
    .await
    .json();
    let overall = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["location"] == "")
        .unwrap()
        .clone();
    // 40, 65, 65, 90 lakh
    assert_eq!(
        (overall["samples"].clone(), overall["own_samples"].clone()),
        (json!(4), json!(2))
    );
    assert_eq!(
        (
            overall["p25_paise"].clone(),
            overall["median_paise"].clone(),
            overall["p75_paise"].clone()
        ),
        (
            json!(587_500_000_i64),
            json!(650_000_000_i64),
            json!(712_500_000_i64)
        )
    );
    let pune = call(
        &app,
        Method::GET,
        "/api/salary-benchmark?role=data%20analyst&location=PUNE",
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(pune["items"][0]["samples"], 2);
    assert_eq!(pune["items"][0]["median_paise"], 650_000_000_i64);
    assert_eq!(
        crate::common::count(&app, "SELECT count(*) FROM audit_log WHERE action IN ('salary_sources.replaced', 'salary_benchmark.refreshed')", vec![]).await,
        2
    );
    let res = call(
        &app,
        Method::PUT,
        "/api/salary-benchmark/sources",
        Some(&hr),
        Some(json!({"items": [{"role": "x", "amount_paise": 0, "source": "s"}]})),
    )
    .await;
    res.assert_problem(422, "validation_failed");
    // a source of spaces only is empty once trimmed: 422, not the 500 of the column's check
    // (Schemathesis sent a no-break space)
    for source in ["\u{a0}", "   "] {
        let res = call(
            &app,
            Method::PUT,
            "/api/salary-benchmark/sources",
            Some(&hr),
            Some(json!({"items": [{"role": "analyst", "amount_paise": 100, "source": source}]})),
        )
        .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], json!("items"), "{problem}");
    }
    let every = hire::workers::salary_schedule();
    assert_eq!(
        (every.queue.as_str(), every.every_ms),
        ("salaryBenchmarkQueue", Some(15 * 24 * 3600 * 1000))
    );
    app.stop().await;
}
