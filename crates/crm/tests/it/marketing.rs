//! Marketing forms, events and leagues, banners (ADR 0077); campaigns, the CM console and
//! inbound WhatsApp on the timeline (ADR 0078).

use chrono::{Duration, Utc};
use futures::future::join_all;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, eventually, spawn_app_with};

use crate::common::{self, count};

fn visitor(n: u32) -> Value {
    json!({
        "full_name": format!("Visitor {n}"),
        "phone": common::phone(n),
        "email": format!("visitor{n}@example.com"),
        "utm": {"utm_source": "instagram", "utm_campaign": "Diwali-2026"},
    })
}

fn with(mut body: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn post(app: &TestApp, path: &str, body: &Value) -> testkit::TestResponse {
    app.req(Method::POST, path).json(body).send().await
}

async fn app_with_limit(limit: &str) -> TestApp {
    spawn_app_with(TestOptions::default().env("LEAD_CAPTURE_RATE_LIMIT", limit)).await
}

#[tokio::test]
async fn public_forms_dedupe_into_one_lead_keep_utm_fire_the_form_trigger_and_drop_honeypots() {
    let app = app_with_limit("50/60").await;
    let admin = app.admin_token();

    let res = post(
        &app,
        "/api/course-interest",
        &with(
            visitor(1),
            json!({"course": "Data Science", "message": "weekend batch?"}),
        ),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json(), json!({"received": true}));
    // the same person again through the other form: answered alike, merged into the timeline
    let res = post(
        &app,
        "/api/ai-for-everyone",
        &with(
            visitor(1),
            json!({"profession": "teacher", "utm": {"utm_source": "youtube"}}),
        ),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json(), json!({"received": true}));
    // a bot fills the hidden field: answered alike, stored nowhere
    let res = post(
        &app,
        "/api/ai-for-everyone",
        &with(visitor(2), json!({"website": "http://spam.example"})),
    )
    .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json(), json!({"received": true}));

    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 1);
    let lead = app
        .call(Method::GET, "/api/sales/leads", &admin, None)
        .await
        .json()["items"][0]
        .clone();
    assert_eq!(lead["form"], json!("course-interest"));
    assert_eq!(lead["source"], json!("form:course-interest"));
    assert_eq!(lead["course"], json!("Data Science"));
    assert_eq!(lead["campaign"], json!("Diwali-2026"));
    assert_eq!(lead["utm"]["utm_source"], json!("instagram"));
    assert_eq!(lead["extra"]["message"], json!("weekend batch?"));
    let detail = common::detail(&app, &admin, lead["id"].as_str().unwrap())
        .await
        .json();
    let again = detail["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == json!("re_inquiry"))
        .cloned()
        .expect("a re-inquiry on the timeline");
    assert_eq!(again["source"], json!("form:ai-for-everyone"));
    assert_eq!(again["data"]["utm"]["utm_source"], json!("youtube"));
    // both submissions fire the workflow trigger
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'lead.form_submitted'"
        )
        .await,
        2
    );

    // validation names the field; a blank course is refused too
    let problem = post(
        &app,
        "/api/course-interest",
        &with(visitor(3), json!({"course": "  "})),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("course"));
    let problem = post(
        &app,
        "/api/course-interest",
        &with(visitor(3), json!({"course": "AI", "phone": "12"})),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("phone"));
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 1);
}

#[tokio::test]
async fn marketing_forms_are_rate_limited_per_ip() {
    let app = app_with_limit("2/60").await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let res = post(&app, "/api/ai-for-everyone", &visitor(200 + n)).await;
        statuses.push(res.status);
    }
    assert_eq!(statuses, [202, 202, 429, 429]);
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 2);
}

async fn event(app: &TestApp, admin: &str, body: Value) -> Value {
    let res = app
        .call(Method::POST, "/api/admin/event-config", admin, Some(body))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

#[tokio::test]
async fn registrations_hold_the_capacity_and_refuse_repeats_under_concurrency() {
    let app = app_with_limit("1000/60").await;
    let admin = app.admin_token();
    let starts = Utc::now() + Duration::days(3);
    let meetup = event(
        &app,
        &admin,
        json!({"kind": "event", "slug": "ai-meetup", "title": "AI meetup", "starts_at": starts, "capacity": 5}),
    )
    .await;
    assert_eq!(meetup["registered"], json!(0));
    let res = app
        .call(
            Method::POST,
            "/api/admin/event-config",
            &admin,
            Some(
                json!({"kind": "league", "slug": "ai-meetup", "title": "Dup", "starts_at": starts}),
            ),
        )
        .await;
    let problem = res.assert_problem(409, "event_slug_taken");
    assert_eq!(problem["errors"][0]["field"], json!("slug"));

    // twelve people at once for five places: exactly five get in
    let results = join_all((0..12).map(|n| {
        let app = &app;
        async move {
            post(
                app,
                "/api/event-config/ai-meetup/registrations",
                &visitor(300 + n),
            )
            .await
        }
    }))
    .await;
    let mut statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 201, 201, 201, 201, 409, 409, 409, 409, 409, 409, 409]
    );
    for r in results.iter().filter(|r| r.status == 409) {
        r.assert_problem(409, "event_full");
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM marketing_registrations").await,
        5
    );
    assert_eq!(
        count(
            &app,
            "SELECT registered::bigint FROM marketing_events WHERE slug = 'ai-meetup'"
        )
        .await,
        5
    );
    // a refused registration stores no lead either
    assert_eq!(count(&app, "SELECT count(*) FROM leads").await, 5);

    // the same person four times at once: one registration, and four answers alike (a 409
    // for a repeat told anyone with a phone number whether its owner had registered)
    let big = event(
        &app,
        &admin,
        json!({"kind": "event", "slug": "big-webinar", "title": "Webinar", "starts_at": starts}),
    )
    .await;
    let same = join_all((0..4).map(|_| {
        let app = &app;
        async move {
            post(
                app,
                "/api/event-config/big-webinar/registrations",
                &visitor(400),
            )
            .await
        }
    }))
    .await;
    for r in &same {
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.json()["event_id"], big["id"]);
        assert_eq!(r.json()["status"], "registered");
    }
    let ids: std::collections::HashSet<String> = same
        .iter()
        .map(|r| r.json()["registration_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4, "no answer hands back the stored registration");
    let stored = "SELECT count(*) FROM marketing_registrations r JOIN marketing_events e ON e.id = r.event_id WHERE e.slug = 'big-webinar'";
    assert_eq!(count(&app, stored).await, 1);
    // the email alone also finds the person: answered alike, nothing stored, nothing on the
    // lead's timeline
    let timeline = "SELECT count(*) FROM lead_activities";
    let before = count(&app, timeline).await;
    let mut by_email = visitor(400);
    by_email["phone"] = json!(common::phone(401));
    let again = post(
        &app,
        "/api/event-config/big-webinar/registrations",
        &by_email,
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(count(&app, stored).await, 1);
    assert_eq!(count(&app, timeline).await, before);
    assert_eq!(
        count(
            &app,
            "SELECT registered::bigint FROM marketing_events WHERE slug = 'big-webinar'"
        )
        .await,
        1
    );
    // the registrations list shows the lead
    let regs = app
        .call(
            Method::GET,
            &format!(
                "/api/admin/event-config/{}/registrations",
                big["id"].as_str().unwrap()
            ),
            &admin,
            None,
        )
        .await;
    assert_eq!(regs.status, 200, "{}", regs.text);
    assert_eq!(regs.json()["items"].as_array().unwrap().len(), 1);

    // closed, unknown, honeypot
    event(
        &app,
        &admin,
        json!({"kind": "event", "slug": "closed-one", "title": "Closed", "starts_at": starts,
               "registration_closes_at": Utc::now() - Duration::hours(1)}),
    )
    .await;
    post(
        &app,
        "/api/event-config/closed-one/registrations",
        &visitor(500),
    )
    .await
    .assert_problem(409, "registration_closed");
    post(&app, "/api/event-config/nope/registrations", &visitor(500))
        .await
        .assert_problem(404, "not_found");
    let before = count(&app, "SELECT count(*) FROM marketing_registrations").await;
    let res = post(
        &app,
        "/api/event-config/big-webinar/registrations",
        &with(visitor(501), json!({"website": "x"})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["status"], json!("registered"));
    assert_eq!(
        count(&app, "SELECT count(*) FROM marketing_registrations").await,
        before
    );

    // the public list shows open events only; capacity cannot drop below the places taken
    let open = app.get("/api/event-config").await;
    assert_eq!(open.status, 200, "{}", open.text);
    let slugs: Vec<String> = open
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs, ["ai-meetup", "big-webinar"]);
    let problem = app
        .call(
            Method::PUT,
            &format!("/api/admin/event-config/{}", meetup["id"].as_str().unwrap()),
            &admin,
            Some(json!({"kind": "event", "slug": "ai-meetup", "title": "AI meetup", "starts_at": starts, "capacity": 4})),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], json!("capacity"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'marketing_event.%'"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn a_league_registration_keeps_the_team_and_makes_a_lead_with_its_form() {
    let app = app_with_limit("50/60").await;
    let admin = app.admin_token();
    event(
        &app,
        &admin,
        json!({"kind": "league", "slug": "code-league", "title": "Code league",
               "starts_at": Utc::now() + Duration::days(10), "capacity": 100}),
    )
    .await;
    let leagues = app.get("/api/event-config?kind=league").await.json();
    assert_eq!(leagues.as_array().unwrap().len(), 1);
    let res = post(
        &app,
        "/api/league-registration",
        &with(
            visitor(600),
            json!({"league": "code-league", "team_name": "Byte Me", "institution": "IIT Madras"}),
        ),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // an event's slug is not a league
    post(
        &app,
        "/api/league-registration",
        &with(visitor(601), json!({"league": "no-such-league"})),
    )
    .await
    .assert_problem(404, "not_found");
    let lead = app
        .call(Method::GET, "/api/sales/leads", &admin, None)
        .await
        .json()["items"][0]
        .clone();
    assert_eq!(lead["form"], json!("league-code-league"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM marketing_registrations WHERE team_name = 'Byte Me' AND utm->>'utm_source' = 'instagram'"
        )
        .await,
        1
    );
}

async fn put_image(app: &TestApp, key: &str, content_type: &str) {
    let store =
        storage::Storage::from_config(&app.config.storage, &app.config.kernel.public_base_url)
            .unwrap();
    store
        .put(
            &storage::ObjectKey::parse(key).unwrap(),
            actix_web::web::Bytes::from_static(b"\x89PNG\r\n\x1a\nfake"),
            content_type,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn banners_show_by_schedule_device_audience_and_priority_with_their_image() {
    let app = app_with_limit("50/60").await;
    let admin = app.admin_token();
    put_image(&app, "mr-mentor/banners/2026/12/b1-offer.png", "image/png").await;
    put_image(
        &app,
        "mr-mentor/banners/2026/12/b2-doc.pdf",
        "application/pdf",
    )
    .await;
    put_image(
        &app,
        "my-analytics-school/banners/2026/12/b3-x.png",
        "image/png",
    )
    .await;
    let now = Utc::now();
    let banner = |title: &str, extra: Value| {
        with(
            json!({"kind": "sticky", "title": title, "audience": "all", "device": "all",
                   "starts_at": now - Duration::hours(1)}),
            extra,
        )
    };
    let create = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.call(Method::POST, "/api/admin/banners", &admin, Some(body))
                .await
        }
    };
    let res = create(banner(
        "Diwali offer",
        json!({"priority": 10, "image_key": "mr-mentor/banners/2026/12/b1-offer.png", "link_url": "/courses"}),
    ))
    .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let offer = res.json();
    for (title, extra) in [
        (
            "Students only",
            json!({"audience": "students", "priority": 5}),
        ),
        (
            "Visitors only",
            json!({"audience": "logged_out", "priority": 1}),
        ),
        ("Android only", json!({"device": "android", "priority": 20})),
        ("Later", json!({"starts_at": now + Duration::hours(2)})),
        (
            "Over",
            json!({"starts_at": now - Duration::days(2), "ends_at": now - Duration::days(1)}),
        ),
        ("Switched off", json!({"active": false})),
        ("A popup", json!({"kind": "popup"})),
    ] {
        let res = create(banner(title, extra)).await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    // images must be this platform's uploaded images; links https or a path
    for (extra, field) in [
        (
            json!({"image_key": "mr-mentor/banners/2026/12/b2-doc.pdf"}),
            "image_key",
        ),
        (
            json!({"image_key": "my-analytics-school/banners/2026/12/b3-x.png"}),
            "image_key",
        ),
        (
            json!({"image_key": "mr-mentor/banners/2026/12/missing.png"}),
            "image_key",
        ),
        (json!({"link_url": "javascript:alert(1)"}), "link_url"),
        (json!({"title": " "}), "title"),
        (json!({"ends_at": now - Duration::days(1)}), "ends_at"),
    ] {
        let problem = create(banner("Bad", extra))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], json!(field), "{problem}");
    }

    let titles = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let anonymous = app.get("/api/sticky-banners").await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.text);
    let body = anonymous.json();
    assert_eq!(titles(body.clone()), ["Diwali offer", "Visitors only"]);
    let url = body["items"][0]["image_url"].as_str().unwrap();
    assert!(
        url.contains("/api/storage/mr-mentor/banners/2026/12/b1-offer.png?expires="),
        "{url}"
    );
    let (_, student) = app.user(Role::User, &[], "mr-mentor");
    let seen = app
        .call(
            Method::GET,
            "/api/sticky-banners?device=android",
            &student,
            None,
        )
        .await;
    assert_eq!(
        titles(seen.json()),
        ["Android only", "Diwali offer", "Students only"]
    );
    let (_, seller) = app.user(Role::Sales, &[], "mr-mentor");
    let seen = app
        .call(Method::GET, "/api/sticky-banners?device=ios", &seller, None)
        .await;
    assert_eq!(titles(seen.json()), ["Diwali offer"]);
    assert_eq!(
        titles(app.get("/api/popup-banners").await.json()),
        ["A popup"]
    );
    // another platform sees none of them
    let other = app
        .req(Method::GET, "/api/sticky-banners")
        .platform("my-analytics-school")
        .send()
        .await;
    assert_eq!(other.status, 200, "{}", other.text);
    assert!(titles(other.json()).is_empty());

    // replace and delete, audited
    let id = offer["id"].as_str().unwrap();
    let res = app
        .call(
            Method::PUT,
            &format!("/api/admin/banners/{id}"),
            &admin,
            Some(banner(
                "Diwali offer",
                json!({"priority": 0, "audience": "students"}),
            )),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        titles(app.get("/api/sticky-banners").await.json()),
        ["Visitors only"]
    );
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/admin/banners/{id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    app.call(
        Method::DELETE,
        &format!("/api/admin/banners/{id}"),
        &admin,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'banner.%'"
        )
        .await,
        10
    );
    let list = app
        .call(Method::GET, "/api/admin/banners?kind=popup", &admin, None)
        .await;
    assert_eq!(titles(json!({"items": list.json()})), ["A popup"]);
}

#[tokio::test]
async fn campaigns_attribute_leads_by_utm_and_count_conversion() {
    let app = app_with_limit("50/60").await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "Ads Co").await;
    // a lead that came before the campaign existed is attributed when it is created
    let early = common::push(
        &app,
        &key,
        &with(common::person(700), json!({"campaign": "diwali-2026"})),
    )
    .await;
    assert_eq!(early.status, 201, "{}", early.text);
    let res = app
        .call(
            Method::POST,
            "/api/admin/campaigns",
            &admin,
            Some(json!({"name": "Diwali", "source": "instagram", "utm_campaign": "Diwali-2026",
                        "budget_paise": 1_000_000, "starts_on": "2026-10-01", "ends_on": "2026-11-15"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let campaign = res.json();
    assert_eq!(campaign["leads"], json!(1));
    let cid = campaign["id"].as_str().unwrap().to_owned();
    for (body, code, field) in [
        (
            json!({"name": "Diwali", "source": "x", "utm_campaign": "other", "budget_paise": 0, "starts_on": "2026-10-01"}),
            "campaign_name_taken",
            "name",
        ),
        (
            json!({"name": "Other", "source": "x", "utm_campaign": "DIWALI-2026", "budget_paise": 0, "starts_on": "2026-10-01"}),
            "campaign_utm_taken",
            "utm_campaign",
        ),
    ] {
        let problem = app
            .call(Method::POST, "/api/admin/campaigns", &admin, Some(body))
            .await
            .assert_problem(409, code);
        assert_eq!(problem["errors"][0]["field"], json!(field));
    }
    app.call(
        Method::POST,
        "/api/admin/campaigns",
        &admin,
        Some(json!({"name": "Neg", "source": "x", "utm_campaign": "neg", "budget_paise": -1, "starts_on": "2026-10-01"})),
    )
    .await
    .assert_problem(422, "validation_failed");

    // a form with the UTM campaign (any case) and a vendor lead with it are attributed
    assert_eq!(
        post(&app, "/api/ai-for-everyone", &visitor(701))
            .await
            .status,
        202
    );
    let pushed = common::push(
        &app,
        &key,
        &with(common::person(702), json!({"campaign": "DIWALI-2026"})),
    )
    .await;
    let won_id = pushed.json()["id"].as_str().unwrap().to_owned();
    // one without, attributed by hand
    let other = common::push(
        &app,
        &key,
        &with(common::person(703), json!({"campaign": "none"})),
    )
    .await;
    let other_id = other.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/admin/campaigns/{cid}/leads"),
            &admin,
            Some(json!({"lead_id": other_id})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .call(
            Method::POST,
            &format!("/api/sales/leads/{won_id}/stage"),
            &admin,
            Some(json!({"stage": "won"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let list = app
        .call(Method::GET, "/api/admin/campaigns", &admin, None)
        .await
        .json();
    let c = &list[0];
    assert_eq!(c["leads"], json!(4));
    assert_eq!(c["won"], json!(1));
    assert_eq!(c["conversion_percent"], json!(25.0));
    assert_eq!(c["cost_per_lead_paise"], json!(250_000));
    let leads = app
        .call(
            Method::GET,
            &format!("/api/admin/campaigns/{cid}/leads?limit=3"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(leads["items"].as_array().unwrap().len(), 3);
    assert!(
        leads["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["campaign_id"] == json!(cid))
    );
    let cursor = leads["next_cursor"].as_str().unwrap();
    let rest = app
        .call(
            Method::GET,
            &format!("/api/admin/campaigns/{cid}/leads?limit=3&cursor={cursor}"),
            &admin,
            None,
        )
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE action IN ('campaign.created', 'lead.campaign_attributed')").await,
        2
    );
}

#[tokio::test]
async fn the_cm_console_lists_the_platform_leads_with_filters_and_a_cursor() {
    let app = app_with_limit("50/60").await;
    let admin = app.admin_token();
    let (agent_id, _) = common::agent(&app, &admin, &[], 100, 1, true).await;
    let key = common::vendor_key(&app, &admin, "Ads Co").await;
    for n in 0..5 {
        let res = common::push(&app, &key, &common::person(800 + n)).await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    assert_eq!(
        post(
            &app,
            "/api/course-interest",
            &with(visitor(810), json!({"course": "AI"}))
        )
        .await
        .status,
        202
    );
    let other_admin = app.token(Role::Admin, &[], "my-analytics-school");
    let other_key =
        common::vendor_key_on(&app, &other_admin, "Elsewhere", "my-analytics-school").await;
    let res = app
        .req(Method::POST, "/api/v1/vendor/leads")
        .header("X-API-Key", &other_key)
        .platform("my-analytics-school")
        .json(&common::person(820))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let cm = app.token(Role::User, &[Capability::Cm], "mr-mentor");
    let page = app
        .call(Method::GET, "/api/cm/leads?limit=4", &cm, None)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let page = page.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .call(
            Method::GET,
            &format!("/api/cm/leads?limit=4&cursor={cursor}"),
            &cm,
            None,
        )
        .await
        .json();
    assert_eq!(
        rest["items"].as_array().unwrap().len(),
        2,
        "the other platform's lead is not seen"
    );
    let forms = app
        .call(Method::GET, "/api/cm/leads?form=course-interest", &cm, None)
        .await
        .json();
    assert_eq!(forms["items"].as_array().unwrap().len(), 1);
    let owned = app
        .call(
            Method::GET,
            &format!("/api/cm/leads?owner_id={agent_id}&stage=new"),
            &cm,
            None,
        )
        .await
        .json();
    assert_eq!(owned["items"].as_array().unwrap().len(), 6);
    let none = app
        .call(Method::GET, "/api/cm/leads?unassigned=true", &cm, None)
        .await
        .json();
    assert!(none["items"].as_array().unwrap().is_empty());
    app.call(Method::GET, "/api/cm/leads?form=%00", &cm, None)
        .await
        .assert_problem(422, "validation_failed");
    // a plain sales user is not a CM
    let (_, seller) = app.user(Role::Sales, &[], "mr-mentor");
    app.call(Method::GET, "/api/cm/leads", &seller, None)
        .await
        .assert_problem(403, "forbidden");
}

const SECRET: &str = "wa-secret-42";

async fn inbound_webhook(
    app: &TestApp,
    wamid: &str,
    from: &str,
    text: &str,
) -> testkit::TestResponse {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messages": [{"id": wamid, "from": from, "timestamp": "1764000000", "type": "text", "text": {"body": text}}]
    }}]}]});
    let raw = body.to_string();
    app.req(Method::POST, "/api/webhooks/whatsapp")
        .header(
            "X-Hub-Signature-256",
            &comms::secure::hub_signature(SECRET.as_bytes(), raw.as_bytes()),
        )
        .body(raw, "application/json")
        .send()
        .await
}

#[tokio::test]
async fn an_inbound_whatsapp_message_lands_once_on_the_lead_timeline() {
    let app = spawn_app_with(TestOptions::default().env("WHATSAPP_APP_SECRET", SECRET)).await;
    let admin = app.admin_token();
    let key = common::vendor_key(&app, &admin, "Ads Co").await;
    let res = common::push(&app, &key, &common::person(900)).await;
    let lead_id = res.json()["id"].as_str().unwrap().to_owned();
    let worker = app.start_worker().await;
    let free_text = || async {
        use sea_orm::EntityTrait;
        let id: uuid::Uuid = lead_id.parse().unwrap();
        let lead = crm::entities::leads::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        crm::service::send_checks::whatsapp(
            &app.db,
            lead.platform_id,
            &lead,
            crm::service::send_checks::WhatsappContent::Text,
            Utc::now(),
        )
        .await
        .unwrap()
    };
    // no conversation yet: free text is outside WhatsApp's 24-hour window
    assert_eq!(
        free_text().await,
        crm::service::send_checks::Verdict::Block("outside_24h_window".into())
    );

    let from = format!("91{}", common::phone(900));
    let res = inbound_webhook(&app, "wamid.IN1", &from, "Is the weekend batch full?").await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["messages"], json!(1));
    // the lead wrote: the window is open
    assert_eq!(free_text().await, crm::service::send_checks::Verdict::Allow);
    // delivered again by Meta, and a message from a stranger
    assert_eq!(
        inbound_webhook(&app, "wamid.IN1", &from, "Is the weekend batch full?")
            .await
            .json()["messages"],
        json!(0)
    );
    assert_eq!(
        inbound_webhook(&app, "wamid.IN2", "919000000001", "hello")
            .await
            .status,
        200
    );

    let entry = eventually(30, || {
        let app = &app;
        let admin = admin.clone();
        let lead_id = lead_id.clone();
        async move {
            let detail = common::detail(app, &admin, &lead_id).await.json();
            detail["activities"]
                .as_array()?
                .iter()
                .find(|a| a["kind"] == json!("whatsapp"))
                .cloned()
        }
    })
    .await
    .expect("the inbound message on the timeline");
    assert_eq!(entry["body"], json!("Is the weekend batch full?"));
    assert_eq!(entry["data"]["direction"], json!("inbound"));
    // the stranger's message is consumed too and lands nowhere
    eventually(30, || {
        let app = &app;
        async move {
            (count(
                app,
                "SELECT count(*) FROM outbox WHERE job_name = 'whatsapp.inbound_received'",
            )
            .await
                == 2)
                .then_some(())
        }
    })
    .await
    .expect("two inbound events");
    // the subscriber running again changes nothing
    let message_id: uuid::Uuid = {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        app.db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT id FROM whatsapp_messages WHERE wa_message_id = 'wamid.IN1'".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap()
    };
    let again = crm::service::inbound::on_inbound(&app.db, message_id)
        .await
        .unwrap();
    assert_eq!(again.map(|l| l.to_string()), Some(lead_id.clone()));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM lead_activities WHERE kind = 'whatsapp'"
        )
        .await,
        1
    );
    worker.stop().await;
}
