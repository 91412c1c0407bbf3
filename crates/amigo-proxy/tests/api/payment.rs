//! Orders nobody has paid for (`AMIGO_PAYMENT=none`, issue 21's floor): a live token takes no
//! order without the merchant's opt-in and a daily budget, and the budget holds across definite
//! refusals, unknown outcomes, retries, concurrent orders and instances. Checked against the
//! sandbox's own books (orders and wallet), not only the proxy's answers.

use amigo_proxy::config::{OrderPayment, PaymentMode};
use amigo_proxy::store::{Budget, lagos_day};
use axum::http::{Method, StatusCode};

use crate::helpers::{
    Options, TestApp, TestResponse, captured_logs, new_key, order_body, order_request,
    spawn_app_with, spawn_pair_with,
};

const ORDERS: &str = "/api/commerce/orders";

fn unpaid(allow_unpaid: bool, daily_limit: Option<i64>) -> OrderPayment {
    OrderPayment {
        mode: PaymentMode::None,
        allow_unpaid,
        daily_limit,
    }
}

async fn live_app(payment: OrderPayment) -> TestApp {
    spawn_app_with(Options {
        token: Some(amigo_sandbox::random_live_token()),
        payment,
        ..Options::default()
    })
    .await
}

/// One order of `quantity` × product `id` under `key`.
async fn order(app: &TestApp, id: u64, key: &str) -> TestResponse {
    app.call(order_request(&order_body("08031234567", id, 1), Some(key)))
        .await
}

async fn doctor_line(app: &TestApp) -> amigo_proxy::golive::doctor::Check {
    amigo_proxy::golive::doctor::run(app.state.config(), Ok(app.state.store()))
        .await
        .check("payment")
        .cloned()
        .expect("doctor reports the payment settings")
}

#[tokio::test]
async fn a_live_token_without_payment_settings_takes_no_order_and_leaves_the_wallet_alone() {
    for payment in [
        unpaid(false, None),
        unpaid(true, None),
        unpaid(false, Some(1_000_000)),
    ] {
        let app = live_app(payment).await;
        let before = app.balance();
        let (id, _) = app.product(false).await;
        for _ in 0..12 {
            let r = order(&app, id, &new_key()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.everything());
            let j = r.json();
            assert_eq!(j["success"], false);
            assert_eq!(j["error"], "orders_disabled", "{j}");
            assert!(
                j["message"].as_str().unwrap().contains("AMIGO_PAYMENT"),
                "{j}"
            );
        }
        // nothing reached the platform: no order call, no order, not a Naira spent
        assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);
        assert_eq!(app.upstream_order_count().await, 0);
        assert_eq!(app.balance(), before);
        assert_eq!(app.state.store().order_count().await.unwrap(), 0);
        // browsing still works
        let catalog = app.get("/api/catalog/categories").await;
        assert_eq!(catalog.status, StatusCode::OK, "{}", catalog.everything());
        // doctor says orders are off and how to turn them on
        let line = doctor_line(&app).await;
        assert!(!line.ok, "{line:?}");
        assert!(line.detail.contains("orders are off"), "{line:?}");
        assert!(
            line.fix
                .as_deref()
                .is_some_and(|f| f.contains("AMIGO_ALLOW_UNPAID_ORDERS=true")
                    && f.contains("AMIGO_ORDER_DAILY_LIMIT")),
            "{line:?}"
        );
    }
    assert!(
        captured_logs().contains("orders are off: AMIGO_PAYMENT=none with a live token"),
        "the start-up warning is missing"
    );
}

#[tokio::test]
async fn a_live_token_with_consent_and_a_budget_orders_until_the_budget_is_spent() {
    let probe = live_app(unpaid(true, Some(1))).await;
    let (id, price) = probe.product(false).await;
    drop(probe);
    let app = live_app(unpaid(true, Some(3 * price))).await;
    let before = app.balance();
    let line = doctor_line(&app).await;
    assert!(line.ok, "{line:?}");
    assert!(line.detail.contains("orders on"), "{line:?}");
    assert!(line.detail.contains("daily budget"), "{line:?}");

    // A is placed
    let a = order(&app, id, &new_key()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.everything());
    // B is refused by the platform: its reservation is released
    app.upstream
        .controls
        .fail_next(ORDERS, StatusCode::UNPROCESSABLE_ENTITY, 1);
    let b_key = new_key();
    let b = order(&app, id, &b_key).await;
    assert_eq!(
        b.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        b.everything()
    );
    assert_ne!(b.json()["error"], "order_daily_limit_reached");
    assert_eq!(spent(&app).await, price);
    // C gets no answer (5xx on every attempt): it may exist, so it keeps its share
    app.upstream
        .controls
        .fail(Some((ORDERS, StatusCode::INTERNAL_SERVER_ERROR)));
    let c_key = new_key();
    let c = order(&app, id, &c_key).await;
    assert_eq!(c.status, StatusCode::BAD_GATEWAY, "{}", c.everything());
    app.upstream.controls.fail(None);
    assert_eq!(spent(&app).await, 2 * price);
    // D takes the last room
    let d = order(&app, id, &new_key()).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.everything());
    // E is refused here, before any upstream call
    let calls = app.upstream.controls.count(&Method::POST, ORDERS);
    let e = order(&app, id, &new_key()).await;
    assert_eq!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        e.everything()
    );
    let j = e.json();
    assert_eq!(j["error"], "order_daily_limit_reached", "{j}");
    assert_eq!(j["required"], price);
    assert_eq!(j["balance"], 0);
    // so is B's retry: its share was given back and the day is full now
    let b_again = order(&app, id, &b_key).await;
    assert_eq!(b_again.json()["error"], "order_daily_limit_reached");
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), calls);
    // C's retry under its key uses the share it kept, and is placed
    let c_again = order(&app, id, &c_key).await;
    assert_eq!(
        c_again.status,
        StatusCode::CREATED,
        "{}",
        c_again.everything()
    );
    assert_eq!(spent(&app).await, 3 * price);

    // the platform's books: three orders, the wallet debited exactly their totals
    assert_eq!(app.upstream_order_count().await, 3);
    let totals: i64 = [a, d, c_again]
        .iter()
        .map(|r| r.json()["data"]["total"]["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(before - app.balance(), totals);
}

async fn spent(app: &TestApp) -> i64 {
    app.state
        .store()
        .budget_spent(Budget::UnpaidOrders, &lagos_day())
        .await
        .unwrap()
}

#[tokio::test]
async fn concurrent_orders_on_two_instances_never_exceed_the_budget() {
    // A test token with a budget: the budget applies too (so it can be rehearsed on the sandbox).
    let probe = spawn_app_with(Options::default()).await;
    let (id, price) = probe.product(false).await;
    drop(probe);
    let (one, two) = spawn_pair_with(|| Options {
        payment: unpaid(false, Some(5 * price)),
        ..Options::default()
    })
    .await;
    let before = one.balance();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let router = if i % 2 == 0 {
            one.router.clone()
        } else {
            two.router.clone()
        };
        let req = order_request(
            &order_body(&format!("0803123{i:04}"), id, 1),
            Some(&new_key()),
        );
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap()
                .to_bytes();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        }));
    }
    let mut placed = 0;
    let mut totals = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => {
                placed += 1;
                totals += body["data"]["total"]["amount"].as_i64().unwrap();
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(body["error"], "order_daily_limit_reached", "{body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(placed, 5);
    assert_eq!(one.upstream_order_count().await, 5);
    assert_eq!(one.upstream.controls.count(&Method::POST, ORDERS), 5);
    assert_eq!(before - one.balance(), totals);
    assert_eq!(spent(&one).await, 5 * price);
}

/// Issue 22 §8 / issue 23 §1 for orders: an unpaid order that got no answer keeps its budget
/// share under its key; a retry under that key within the day is a retry, but past Amigo's
/// documented 24 h key TTL it is refused before any upstream call (Amigo would place a new,
/// unbudgeted order while the proxy counted it as the old day's retry).
#[tokio::test]
async fn an_order_key_older_than_a_day_is_never_resent() {
    let app = live_app(unpaid(true, Some(1_000_000))).await;
    let (id, _) = app.product(false).await;
    app.upstream
        .controls
        .fail(Some((ORDERS, StatusCode::INTERNAL_SERVER_ERROR)));
    let key = new_key();
    let first = order(&app, id, &key).await;
    assert_eq!(
        first.status,
        StatusCode::BAD_GATEWAY,
        "{}",
        first.everything()
    );
    app.upstream.controls.fail(None);
    let calls = app.upstream.controls.count(&Method::POST, ORDERS);
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let day_ago = (time::OffsetDateTime::now_utc() - time::Duration::hours(25))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    sqlx::query("UPDATE budget_reservations SET created_at = $1 WHERE reservation_key = $2")
        .bind(&day_ago)
        .bind(&key)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let late = order(&app, id, &key).await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.everything()
    );
    assert_eq!(late.json()["error"], "idempotency_key_expired");
    assert_eq!(
        app.upstream.controls.count(&Method::POST, ORDERS),
        calls,
        "not re-sent"
    );
    assert_eq!(app.upstream_order_count().await, 0);
    // a new key is a new order, budgeted today
    let fresh = order(&app, id, &new_key()).await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.everything());
}
