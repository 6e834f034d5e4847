//! Candidates: name-similarity suggestions, merge and undo (audited), the data export, and the
//! retention jobs (voice recordings, talent-pool consents).

use reqwest::Method;
use serde_json::{Value, json};
use testkit::spawn_app;

use crate::common::{
    applied, apply_fields, call, count, detail, exec, field, hr, open_post, stored_files,
};

#[tokio::test]
async fn alike_names_are_suggested_merged_and_the_merge_undone() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let a = open_post(&app, &hr, json!({"title": "A"})).await;
    let b = open_post(&app, &hr, json!({"title": "B"})).await;
    // one person, two addresses and numbers; a different person
    let first = applied(
        &app,
        a["id"].as_str().unwrap(),
        "Asha Rao",
        "asha@work.example",
        "9000010001",
        &["SQL"],
    )
    .await;
    let second = applied(
        &app,
        b["id"].as_str().unwrap(),
        "Rao, Asha",
        "asha.rao@home.example",
        "9000010002",
        &["SQL"],
    )
    .await;
    applied(
        &app,
        b["id"].as_str().unwrap(),
        "Bina Shah",
        "bina@example.com",
        "9000010003",
        &["SQL"],
    )
    .await;
    let source = detail(&app, &hr, second["id"].as_str().unwrap()).await["candidate_id"].clone();
    let target = detail(&app, &hr, first["id"].as_str().unwrap()).await["candidate_id"].clone();
    assert_ne!(
        source, target,
        "different email and phone: two candidates at apply time"
    );

    let list = call(
        &app,
        Method::GET,
        "/api/admin/candidates/duplicates",
        Some(&hr),
        None,
    )
    .await
    .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["similarity"], 1.0);
    let pair = [items[0]["a"]["id"].clone(), items[0]["b"]["id"].clone()];
    assert!(pair.contains(&source) && pair.contains(&target));

    // into itself, then for real
    let merge_path = format!("/api/admin/candidates/{}/merge", source.as_str().unwrap());
    let res = call(
        &app,
        Method::POST,
        &merge_path,
        Some(&hr),
        Some(json!({"into": source})),
    )
    .await;
    assert_eq!(field(&res.assert_problem(422, "validation_failed")), "into");
    let res = call(
        &app,
        Method::POST,
        &merge_path,
        Some(&hr),
        Some(json!({"into": target})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let merge = res.json();
    assert_eq!(merge["application_ids"], json!([second["id"]]));
    assert_eq!(
        detail(&app, &hr, second["id"].as_str().unwrap()).await["candidate_id"],
        target
    );
    let suggestions = call(
        &app,
        Method::GET,
        "/api/admin/candidates/duplicates",
        Some(&hr),
        None,
    )
    .await
    .json();
    assert_eq!(
        suggestions["items"],
        json!([]),
        "merged candidates are not suggested again"
    );
    // a new application with the merged-away email goes to the kept candidate
    let c = open_post(&app, &hr, json!({"title": "C"})).await;
    let third = applied(
        &app,
        c["id"].as_str().unwrap(),
        "Asha R",
        "asha.rao@home.example",
        "9000010002",
        &["SQL"],
    )
    .await;
    assert_eq!(
        detail(&app, &hr, third["id"].as_str().unwrap()).await["candidate_id"],
        target
    );

    // undo: exactly the moved application goes back
    let undo = format!(
        "/api/admin/candidate-merges/{}/undo",
        merge["id"].as_str().unwrap()
    );
    let res = call(&app, Method::POST, &undo, Some(&hr), None).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.json()["undone_at"].is_string());
    assert_eq!(
        detail(&app, &hr, second["id"].as_str().unwrap()).await["candidate_id"],
        source
    );
    assert_eq!(
        detail(&app, &hr, third["id"].as_str().unwrap()).await["candidate_id"],
        target
    );
    let res = call(&app, Method::POST, &undo, Some(&hr), None).await;
    res.assert_problem(422, "validation_failed");
    for action in ["candidate.merged", "candidate.merge_undone"] {
        assert_eq!(
            count(
                &app,
                "SELECT count(*) FROM audit_log WHERE action = $1 AND target_id = $2",
                vec![action.into(), source.as_str().unwrap().into()]
            )
            .await,
            1,
            "{action}"
        );
    }

    // another platform's HR finds neither the candidate nor the merge
    let other = app.token(
        kernel::auth::Role::User,
        &[kernel::auth::Capability::Hr],
        "mr-mentor",
    );
    let res = app
        .req(Method::POST, &merge_path)
        .platform("mr-mentor")
        .bearer(&other)
        .json(&json!({"into": target}))
        .send()
        .await;
    res.assert_problem(404, "not_found");
    let res = app
        .req(Method::POST, &undo)
        .platform("mr-mentor")
        .bearer(&other)
        .send()
        .await;
    res.assert_problem(404, "not_found");
    app.stop().await;
}

#[tokio::test]
async fn the_export_holds_what_is_kept_and_is_audited() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let answer = apply_fields(
        &app,
        post["id"].as_str().unwrap(),
        &[
            ("full_name", "Farah Ali"),
            ("email", "farah@example.com"),
            ("talent_pool_months", "6"),
        ],
    )
    .await;
    let id = answer["id"].as_str().unwrap().to_owned();
    let candidate = detail(&app, &hr, &id).await["candidate_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        &app,
        Method::GET,
        &format!("/api/admin/candidates/{candidate}/export"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let export: Value = res.json();
    assert_eq!(export["candidate"]["email"], "farah@example.com");
    let app0 = &export["applications"][0];
    assert_eq!(app0["id"], id.as_str());
    assert_eq!(app0["post_title"], "Data Analyst");
    assert_eq!(app0["consent"]["ai_screening"], true);
    assert!(app0["consent"]["talent_pool_until"].is_string());
    assert_eq!(app0["stage_log"][0]["to_stage"], "applied");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'candidate.exported' AND target_id = $1",
            vec![candidate.as_str().into()]
        )
        .await,
        1
    );

    // the pool consent runs out: the expiry job marks it
    exec(&app, "UPDATE application_consents SET talent_pool_until = now() - interval '1 day' WHERE application_id = $1::uuid", vec![id.as_str().into()]).await;
    let expired = hire::service::candidates::expire_talent_pool(&app.db)
        .await
        .unwrap();
    assert_eq!(expired.values().sum::<i64>(), 1);
    assert_eq!(
        hire::service::candidates::expire_talent_pool(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );
    let res = call(
        &app,
        Method::GET,
        &format!("/api/admin/candidates/{candidate}/export"),
        Some(&hr),
        None,
    )
    .await;
    assert!(res.json()["applications"][0]["consent"]["talent_pool_expired_at"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn voice_recordings_are_deleted_after_their_retention() {
    let server = crate::voice::eleven("conv_keep_short").await;
    let app = crate::voice::voice_app(&server).await;
    let (_, hr) = hr(&app);
    let post = open_post(&app, &hr, json!({})).await;
    let a = applied(
        &app,
        post["id"].as_str().unwrap(),
        "Gita",
        "gita@example.com",
        "9000030001",
        &["SQL"],
    )
    .await;
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/admin/job-applications/{id}/voice-interviews");
    assert_eq!(
        call(&app, Method::POST, &path, Some(&hr), None)
            .await
            .status,
        201
    );
    let event = json!({"type": "post_call_transcription", "data": crate::voice::conversation_data("conv_keep_short")});
    assert_eq!(
        crate::voice::webhook(&app, &event, crate::voice::SECRET)
            .await
            .status,
        200
    );
    assert_eq!(stored_files(&app, "/voice-interviews/").len(), 1);

    let storage = storage::Storage::from_config(&app.config.storage, "http://localhost").unwrap();
    let pruned = hire::service::candidates::prune_recordings(&app.db, &storage, 30)
        .await
        .unwrap();
    assert_eq!(pruned, 0, "a fresh recording stays");
    exec(
        &app,
        "UPDATE voice_interviews SET completed_at = now() - interval '31 days'",
        vec![],
    )
    .await;
    let pruned = hire::service::candidates::prune_recordings(&app.db, &storage, 30)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    assert!(stored_files(&app, "/voice-interviews/").is_empty());
    let row = call(&app, Method::GET, &path, Some(&hr), None).await.json()["items"][0].clone();
    assert_eq!(row["has_recording"], false);
    assert_eq!(
        row["transcript"][0]["role"], "agent",
        "the transcript stays"
    );
    app.stop().await;
}

#[test]
fn the_retention_jobs_run_daily_in_ist() {
    let [recordings, pool] = hire::workers::retention_schedules();
    assert_eq!(
        (
            recordings.queue.as_str(),
            recordings.cron.as_deref(),
            pool.cron.as_deref()
        ),
        ("cleanupQueue", Some("0 0 3 * * *"), Some("0 30 2 * * *"))
    );
}

#[tokio::test]
async fn duplicates_are_found_among_every_live_candidate_a_page_at_a_time() {
    let app = spawn_app().await;
    let (_, hr) = hr(&app);
    // two old pairs, then 1,000 newer candidates with unrelated names
    let insert = "INSERT INTO candidates (id, platform_id, email_canonical, full_name, created_at, updated_at)
        VALUES ($1, (SELECT id FROM platforms WHERE slug = 'mr-hire'), $2, $3,
                now() - interval '2 years', now() - interval '2 years')";
    let mut ids: Vec<uuid::Uuid> = (0..5).map(|_| uuid::Uuid::new_v4()).collect();
    ids.sort();
    let mut old = Vec::new();
    for ((email, name), id) in [
        ("meera@a.example", "Meera Krishnan"),
        ("meera@b.example", "Krishnan, Meera"),
        ("arjun@a.example", "Arjun Menon"),
        ("arjun@b.example", "Arjun Menonn"),
        ("zoya@a.example", "Zoya Qureshi"),
    ]
    .into_iter()
    .zip(ids)
    {
        exec(&app, insert, vec![id.into(), email.into(), name.into()]).await;
        old.push(Value::from(id.to_string()));
    }
    exec(
        &app,
        "INSERT INTO candidates (id, platform_id, email_canonical, full_name)
         SELECT gen_random_uuid(), (SELECT id FROM platforms WHERE slug = 'mr-hire'),
                'filler' || i || '@example.com', md5(i::text)
           FROM generate_series(1, 1000) AS i",
        vec![],
    )
    .await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM candidates WHERE created_at > now() - interval '1 day'",
            vec![]
        )
        .await,
        1000
    );

    let path = "/api/admin/candidates/duplicates";
    // every page followed to the end, at the largest and the smallest page size
    let app_ref = &app;
    let hr_token = hr.clone();
    let walk = move |limit: u64| {
        let app = app_ref;
        let hr = hr_token.clone();
        async move {
            let mut items: Vec<Value> = Vec::new();
            let mut cursor = String::new();
            let mut requests = 0;
            loop {
                let res = call(
                    app,
                    Method::GET,
                    &format!("{path}?limit={limit}&cursor={cursor}"),
                    Some(&hr),
                    None,
                )
                .await;
                assert_eq!(res.status, 200, "{}", res.text);
                let page = res.json();
                let got = page["items"].as_array().unwrap();
                assert!(got.len() as u64 <= limit, "{page}");
                items.extend(got.iter().cloned());
                requests += 1;
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = next.to_owned(),
                    None => break,
                }
            }
            (items, requests)
        }
    };
    let (items, requests) = walk(100).await;
    assert_eq!(items.len(), 2, "{items:?}");
    // 1,005 live candidates, at most 500 probed per request
    assert!(requests >= 3, "{requests} requests");
    assert_eq!(
        [&items[0]["a"]["id"], &items[0]["b"]["id"]],
        [&old[0], &old[1]]
    );
    assert_eq!(items[0]["similarity"], 1.0);
    assert_eq!(
        [&items[1]["a"]["id"], &items[1]["b"]["id"]],
        [&old[2], &old[3]]
    );
    assert_eq!(items[1]["similarity"], 0.917);
    let (one_by_one, _) = walk(1).await;
    assert_eq!(one_by_one, items);
    let bad = call(
        &app,
        Method::GET,
        &format!("{path}?cursor=zz"),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(
        field(&bad.assert_problem(422, "validation_failed")),
        "cursor"
    );

    // an erased candidate is no longer suggested
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/admin/candidates/{}", old[3].as_str().unwrap()),
        Some(&hr),
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let (left, _) = walk(100).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["a"]["id"], old[0]);
    app.stop().await;
}
