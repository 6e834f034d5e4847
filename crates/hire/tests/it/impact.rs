//! The adverse-impact report: selection rates by self-identified group from the stage log,
//! four-fifths ratios, small samples flagged, counts kept through erasure; the group never
//! reaches screening.

use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{apply_fields, call, count, erase, field, hr, move_stage, open_post};

#[tokio::test]
async fn selection_rates_by_group_survive_erasure() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    // group a: 4 applicants, 2 reach the interview; group b: 2 applicants, none; 1 undisclosed
    let mut ids = Vec::new();
    for (i, group) in ["a", "a", "a", "a", "b", "b", ""].iter().enumerate() {
        let email = format!("p{i}@example.com");
        let phone = format!("90000300{i:02}");
        let mut fields = vec![
            ("full_name", "Person"),
            ("email", email.as_str()),
            ("phone", phone.as_str()),
        ];
        if !group.is_empty() {
            fields.push(("self_identified_group", group));
        }
        let answer = apply_fields(&app, &post_id, &fields).await;
        ids.push(answer["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..2] {
        for stage in ["screening", "interview"] {
            move_stage(&app, &hr, id, stage, None).await;
        }
    }
    // reaching the interview and being rejected later still counts as selected at that stage
    move_stage(
        &app,
        &hr,
        &ids[1],
        "rejected",
        Some("Declined the offer terms"),
    )
    .await;

    let url = format!("/api/admin/job-posts/{post_id}/adverse-impact?stage=interview");
    let report = call(&app, Method::GET, &url, Some(&hr), None).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let report = report.json();
    let groups = report["groups"].as_array().unwrap().clone();
    let by = |name: &str| groups.iter().find(|g| g["group"] == name).unwrap().clone();
    assert_eq!(
        (
            by("a")["applicants"].clone(),
            by("a")["selected"].clone(),
            by("a")["selection_rate"].clone()
        ),
        (json!(4), json!(2), json!(0.5))
    );
    assert_eq!(
        (
            by("a")["impact_ratio"].clone(),
            by("a")["below_four_fifths"].clone()
        ),
        (json!(1.0), json!(false))
    );
    assert_eq!(
        (
            by("b")["impact_ratio"].clone(),
            by("b")["below_four_fifths"].clone()
        ),
        (json!(0.0), json!(true))
    );
    assert_eq!(by("undisclosed")["applicants"], 1);
    assert!(groups.iter().all(|g| g["small_sample"] == true));

    let bad = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-posts/{post_id}/adverse-impact?stage=moon"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(
        field(&bad.assert_problem(422, "validation_failed")),
        "stage"
    );

    // erasing a selected candidate keeps the counts
    let candidate = call(
        &app,
        Method::GET,
        &format!("/api/admin/job-applications/{}", ids[0]),
        Some(&hr),
        None,
    )
    .await
    .json()["candidate_id"]
        .as_str()
        .unwrap()
        .to_owned();
    erase(&app, &hr, &candidate).await;
    let again = call(&app, Method::GET, &url, Some(&hr), None).await.json();
    assert_eq!(again["groups"], report["groups"]);

    // the group is nowhere in what screening reads (the application's own row and answers)
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM job_applications WHERE answers::text LIKE '%self_identified%'",
            vec![]
        )
        .await,
        0
    );
    app.stop().await;
}
