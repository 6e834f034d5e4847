//! Who may read invoices: FINANCE/ADMIN of the platform; a plain USER only their own; another
//! platform's FINANCE nothing.

use finance::service::invoices;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use testkit::spawn_app;

use crate::common::{captured, tenant};

#[tokio::test]
async fn a_user_or_another_platforms_finance_cannot_read_invoices() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, buyer_token) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(&mr, buyer, 118_000, true);
    let inv = invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice;
    let detail = format!("/api/finance/invoices/{}", inv.id);

    // a plain USER: 403 on the finance list and detail
    let user = app.user_token();
    for path in ["/api/finance/invoices", detail.as_str()] {
        app.call(Method::GET, path, &user, None)
            .await
            .assert_problem(403, "forbidden");
    }
    // the buyer cannot use the finance list either, but sees their own
    app.call(Method::GET, "/api/finance/invoices", &buyer_token, None)
        .await
        .assert_problem(403, "forbidden");
    let mine = app
        .call(Method::GET, "/api/finance/my-invoices", &buyer_token, None)
        .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(mine.json()["items"][0]["id"], inv.id.to_string());
    let own = app
        .call(
            Method::GET,
            &format!("/api/finance/my-invoices/{}", inv.id),
            &buyer_token,
            None,
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
    // another user's invoice is not theirs to see: 404, and their list is empty
    let other = app.user_token();
    app.call(
        Method::GET,
        &format!("/api/finance/my-invoices/{}", inv.id),
        &other,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    let empty = app
        .call(Method::GET, "/api/finance/my-invoices", &other, None)
        .await;
    assert_eq!(empty.json()["items"].as_array().unwrap().len(), 0);

    // FINANCE of my-analytics-school: on its own platform it sees nothing of mr-mentor's
    let mas = app.token(Role::User, &[Capability::Finance], "my-analytics-school");
    let list = app
        .req(Method::GET, "/api/finance/invoices")
        .platform("my-analytics-school")
        .bearer(&mas)
        .send()
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
    app.req(Method::GET, &detail)
        .platform("my-analytics-school")
        .bearer(&mas)
        .send()
        .await
        .assert_problem(404, "not_found");
    // and its token does not work on mr-mentor
    let res = app
        .req(Method::GET, &detail)
        .platform("mr-mentor")
        .bearer(&mas)
        .send()
        .await;
    assert_eq!(res.status, 403, "{}", res.text);

    // FINANCE of mr-mentor reads it
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let ok = app.call(Method::GET, &detail, &fin, None).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}
