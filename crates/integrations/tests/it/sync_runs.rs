//! Sync runs against wiremock Graphy and EzExam: every page is read and stored; a 500 in the
//! middle of a run fails the job, BullMQ's retry starts again and the final rows equal a
//! clean run's; a repeated run changes nothing (not even `updated_at`).

use jobs::JobSpec;
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use crate::sync_support::*;

const ENROLMENTS: &str = "SELECT external_id, learner_external_id, learner_name, learner_email, \
    learner_phone, course_external_id, course_title, status, enrolled_at FROM mrlearn_enrolments";
const PROGRESS: &str = "SELECT learner_external_id, course_external_id, percent, completed_lessons, \
    total_lessons, last_activity_at FROM mrlearn_progress";

async fn synced(t: &SyncApp, sql: &str, config: Uuid) -> Vec<Value> {
    t.rows(&format!("{sql} WHERE config_id = '{config}' ORDER BY 1, 2"))
        .await
}

#[tokio::test]
async fn a_500_mid_run_is_retried_and_ends_like_a_clean_run() {
    let t = sync_app().await;
    // the clean Graphy, and a flaky one with the same data whose page 2 fails once
    graphy_with(&t.graphy, 5).await;
    let flaky = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/enrolments"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"message": "upstream down"}})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&flaky)
        .await;
    graphy_with(&flaky, 5).await;
    let worker = t.app.start_worker().await;

    let config = |name: &str, base: Option<String>| {
        json!({"name": name, "api_key": "graphy-key-123", "interval_seconds": 3600,
               "enabled": false, "base_url": base})
    };
    let clean = t.config("graphy", config("clean", None)).await;
    let retried = t
        .config("graphy", config("retried", Some(flaky.uri())))
        .await;
    t.run_now("graphy", clean).await;
    t.run_now("graphy", retried).await;
    let clean_runs = t.wait_run("graphy", clean, "succeeded", WAIT).await;
    // 3 enrolment pages + 3 progress pages, 10 rows written
    assert_eq!(clean_runs[0]["pages"], 6, "{clean_runs:?}");
    assert_eq!(clean_runs[0]["upserted"], 10);
    assert_eq!(clean_runs[0]["unchanged"], 0);
    assert_eq!(clean_runs[0]["trigger"], "manual");

    let failed = t.wait_run("graphy", retried, "failed", WAIT).await;
    let first = &failed[0];
    assert_eq!(first["attempt"], 1);
    assert_eq!(first["upserted"], 2, "page 1 was stored before the failure");
    assert!(
        first["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{first}"
    );
    // the retry waits for BullMQ's backoff (30 s on this queue): bring it forward
    let queue = t.app.jobs.queue("mrlearnSyncQueue").await.unwrap();
    assert!(
        testkit::eventually(10, || async {
            (queue.get_delayed_count().await.unwrap() > 0).then_some(())
        })
        .await
        .is_some(),
        "the failed job is not waiting for its retry"
    );
    queue.promote_jobs(100).await.unwrap();
    let runs = t.wait_run("graphy", retried, "succeeded", WAIT).await;
    let second = runs.iter().find(|r| r["status"] == "succeeded").unwrap();
    assert_eq!(second["attempt"], 2, "{runs:?}");
    assert_eq!(second["upserted"], 8, "{second}");
    assert_eq!(second["unchanged"], 2, "page 1 was already there");

    assert_eq!(
        synced(&t, ENROLMENTS, retried).await,
        synced(&t, ENROLMENTS, clean).await
    );
    assert_eq!(
        synced(&t, PROGRESS, retried).await,
        synced(&t, PROGRESS, clean).await
    );
    assert_eq!(synced(&t, ENROLMENTS, clean).await.len(), 5);
    assert_eq!(synced(&t, PROGRESS, clean).await.len(), 5);

    // a repeated run writes nothing and bumps no updated_at
    let stamps = format!(
        "SELECT external_id, updated_at FROM mrlearn_enrolments WHERE config_id = '{clean}' ORDER BY 1"
    );
    let before = t.rows(&stamps).await;
    t.run_now("graphy", clean).await;
    let again = testkit::eventually(WAIT, || async {
        let runs = t.runs("graphy", clean).await;
        (runs.len() == 2 && runs[0]["status"] == "succeeded").then(|| runs[0].clone())
    })
    .await
    .expect("the second run did not finish");
    assert_eq!(
        (again["upserted"].clone(), again["unchanged"].clone()),
        (json!(0), json!(10))
    );
    assert_eq!(t.rows(&stamps).await, before);
    worker.stop().await;
}

#[tokio::test]
async fn ezexam_exams_and_each_exams_results_are_paged_with_the_api_key_header() {
    let t = sync_app().await;
    let exams: Vec<Value> = (1..=3)
        .map(|i| {
            json!({"id": format!("ex-{i}"), "title": format!("Exam {i}"), "status": "ended",
                        "max_score": 100.0, "duration_minutes": 60})
        })
        .collect();
    serve(&t.ezexam, "/v1/exams", &exams).await;
    for i in 1..=3 {
        let results: Vec<Value> = (1..=i)
            .map(|c| {
                json!({"candidate": {"id": format!("cand-{c}"), "name": format!("C {c}")},
                            "score": 40.5 + c as f64, "max_score": 100.0, "passed": c % 2 == 0,
                            "status": "submitted", "submitted_at": "2026-11-20T10:00:00Z"})
            })
            .collect();
        serve(&t.ezexam, &format!("/v1/exams/ex-{i}/results"), &results).await;
    }
    let id = t
        .config("ezexam", json!({"name": "main", "api_key": "ezexam-key-456", "interval_seconds": 3600, "enabled": false}))
        .await;
    let worker = t.app.start_worker().await;
    t.run_now("ezexam", id).await;
    let runs = t.wait_run("ezexam", id, "succeeded", WAIT).await;
    // exams: 2 pages; results: 1 + 1 + 2 pages
    assert_eq!(runs[0]["pages"], 6, "{runs:?}");
    assert_eq!(runs[0]["upserted"], 3 + 6);
    let results = t
        .rows(&format!("SELECT exam_external_id, candidate_external_id, score FROM mrtest_results WHERE config_id = '{id}' ORDER BY 1, 2"))
        .await;
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[0],
        json!({"exam_external_id": "ex-1", "candidate_external_id": "cand-1", "score": 41.5})
    );
    let sent = t.ezexam.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| {
        r.headers
            .get("x-api-key")
            .is_some_and(|v| v == "ezexam-key-456")
    }));
    assert!(
        sent.iter()
            .all(|r| !r.url.as_str().contains("ezexam-key-456")),
        "the key is never in a URL"
    );
    worker.stop().await;
}

#[tokio::test]
async fn the_new_student_sync_reads_only_enrolments_after_the_newest_stored_one() {
    let t = sync_app().await;
    graphy_with(&t.graphy, 3).await;
    let id = t
        .config("graphy", json!({"name": "main", "api_key": "graphy-key-123", "interval_seconds": 3600, "enabled": true}))
        .await;
    let worker = t.app.start_worker().await;
    t.run_now("graphy", id).await;
    t.wait_run("graphy", id, "succeeded", WAIT).await;
    // a new learner enrolled after the newest stored enrolment (2026-11-03)
    let newcomer = json!({"id": "enr-new", "status": "active", "enrolled_at": "2026-11-25T09:00:00Z",
        "learner": {"id": "lrn-new", "name": "New", "phone": "+919999999999"},
        "course": {"id": "crs-1", "title": "Data Analytics"}});
    Mock::given(method("GET"))
        .and(path("/v1/enrolments"))
        .and(query_param("enrolled_after", "2026-11-03T10:00:00+00:00"))
        .and(header("authorization", "Bearer graphy-key-123"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [newcomer], "has_more": false})),
        )
        .with_priority(1)
        .mount(&t.graphy)
        .await;
    let job = integrations::sync::payloads::MrlearnNewStudentSync {};
    t.app.jobs.enqueue("mr-mentor", &job, None).await.unwrap();
    let runs = testkit::eventually(WAIT, || async {
        let runs = t.runs("graphy", id).await;
        runs.iter()
            .find(|r| r["trigger"] == "new_students" && r["status"] == "succeeded")
            .cloned()
    })
    .await
    .expect("no new-student run");
    assert_eq!(
        (runs["pages"].clone(), runs["upserted"].clone()),
        (json!(1), json!(1)),
        "{runs}"
    );
    let ids = t
        .rows(&format!(
            "SELECT external_id FROM mrlearn_enrolments WHERE config_id = '{id}' ORDER BY 1"
        ))
        .await;
    assert_eq!(ids.len(), 4);
    assert_eq!(
        <integrations::sync::payloads::MrlearnNewStudentSync as JobSpec>::QUEUE,
        "mrlearnNewStudentSyncQueue"
    );
    worker.stop().await;
}

#[tokio::test]
async fn a_run_left_open_by_a_stopped_worker_is_closed_when_its_job_starts_again() {
    use integrations::{entities::sync_runs::RunTrigger, service::sync::runs, sync::SyncKind};
    let t = sync_app().await;
    let config = t
        .config(
            "graphy",
            json!({"name": "c", "api_key": "graphy-key-123", "interval_seconds": 3600, "enabled": false}),
        )
        .await;
    let platform: Uuid = t
        .rows(&format!(
            "SELECT platform_id FROM mrlearn_sync_configs WHERE id = '{config}'"
        ))
        .await[0]["platform_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let db = &t.app.db;
    let start = |job: &'static str, attempt| {
        runs::start(
            db,
            platform,
            SyncKind::Mrlearn,
            config,
            RunTrigger::Schedule,
            Some((job, attempt)),
        )
    };
    // attempt 1 of job-1 starts, and its worker dies without finishing the run
    let dead = start("job-1", 1).await.unwrap();
    let other = start("job-2", 1).await.unwrap();
    // BullMQ hands job-1 to another worker (a retry or a stalled-job takeover)
    let retry = start("job-1", 2).await.unwrap();

    let dead = &run_status(&t, dead.id).await;
    assert_eq!(dead["status"], "failed", "{dead}");
    assert_eq!(dead["finished"], true);
    assert!(
        dead["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("abandoned"),
        "{dead}"
    );
    // another job's run and the new attempt stay open
    assert_eq!(run_status(&t, other.id).await["status"], "running");
    assert_eq!(run_status(&t, retry.id).await["status"], "running");
}

async fn run_status(t: &SyncApp, id: Uuid) -> Value {
    let sql = format!(
        "SELECT status, finished_at IS NOT NULL AS finished, errors FROM sync_runs WHERE id = '{id}'"
    );
    t.rows(&sql).await.remove(0)
}
