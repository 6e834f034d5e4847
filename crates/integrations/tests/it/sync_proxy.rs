//! The admin screens' read-only proxies: a fixed allow-list of listings, called with the
//! config's key and base URL, with checked parameters.

use reqwest::Method;
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use crate::sync_support::*;

#[tokio::test]
async fn the_proxies_call_only_their_listings_with_checked_parameters() {
    let t = sync_app().await;
    Mock::given(method("GET"))
        .and(path("/v1/learners"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "5"))
        .and(query_param("search", "asha"))
        .and(header("authorization", "Bearer graphy-key-123"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": [{"id": "lrn-1", "name": "Asha"}], "has_more": true}),
            ),
        )
        .mount(&t.graphy)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/exams/ex-9/results"))
        .and(header("x-api-key", "ezexam-key-456"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "has_more": false})),
        )
        .mount(&t.ezexam)
        .await;
    let g = t.config("graphy", json!({"name": "g", "api_key": "graphy-key-123", "interval_seconds": 3600, "enabled": false})).await;
    let e = t.config("ezexam", json!({"name": "e", "api_key": "ezexam-key-456", "interval_seconds": 3600, "enabled": false})).await;
    let res = t
        .send(
            Method::GET,
            &format!("/api/graphy/learners?config_id={g}&page=2&per_page=5&search=asha"),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.json(),
        json!({"data": [{"id": "lrn-1", "name": "Asha"}], "page": 2, "per_page": 5, "has_more": true})
    );
    let res = t
        .send(
            Method::GET,
            &format!("/api/ezexam/exams/ex-9/results?config_id={e}"),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    t.send(
        Method::GET,
        &format!("/api/ezexam/exams/ex.9/results?config_id={e}"),
        None,
    )
    .await
    .assert_problem(422, "validation_failed");
    t.send(
        Method::GET,
        &format!("/api/graphy/learners?config_id={g}&per_page=1000"),
        None,
    )
    .await
    .assert_problem(422, "validation_failed");
    t.send(Method::GET, "/api/graphy/learners", None)
        .await
        .assert_problem(422, "validation_failed");
    // a Graphy config is no EzExam config
    t.send(
        Method::GET,
        &format!("/api/ezexam/exams?config_id={g}"),
        None,
    )
    .await
    .assert_problem(404, "sync_config_not_found");
}
