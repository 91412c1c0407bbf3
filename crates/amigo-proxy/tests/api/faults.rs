//! Upstream faults: bounded retries (reads; orders only under their own key), the circuit
//! breaker, stale catalog copies while the upstream is down, and 200 checkouts through a
//! sandbox that faults 20 % of the order calls.

use std::collections::HashSet;
use std::time::Duration;

use amigo_proxy::upstream::Resilience;
use amigo_sandbox::FaultConfig;
use amigo_sandbox::fault::{FaultKind, RouteFamily};
use amigo_types::token::ApiToken;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{
    Options, TestApp, new_key, order_body, order_request, spawn_app, spawn_app_with,
};

const ORDERS: &str = "/api/commerce/orders";
const CATEGORIES: &str = "/api/commerce/categories";
const CURATION: &str = "/api/commerce/curation";

fn breaker(threshold: u32, cooldown: Duration) -> Options {
    Options {
        resilience: Resilience {
            retries: 0,
            retry_base: Duration::from_millis(5),
            breaker_threshold: threshold,
            breaker_cooldown: cooldown,
        },
        ..Options::default()
    }
}

#[tokio::test]
async fn reads_are_retried_with_backoff_and_give_up_after_the_bound() {
    let app = spawn_app().await;
    let calls = |app: &TestApp| app.upstream.controls.count(&Method::GET, CATEGORIES);
    app.upstream
        .controls
        .fail_next(CATEGORIES, StatusCode::SERVICE_UNAVAILABLE, 2);
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.header("x-cache"), Some("MISS"));
    assert_eq!(calls(&app), 3, "two failures, then the answer");

    let before = calls(&app);
    app.upstream
        .controls
        .fail_next(CURATION, StatusCode::BAD_GATEWAY, 3);
    let r = app.get("/api/catalog/curation?type=deals").await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.json()["error"], "upstream_error");
    assert_eq!(r.json()["retryable"], true);
    assert_eq!(
        app.upstream.controls.count(&Method::GET, CURATION),
        3,
        "one attempt and two retries, no more"
    );
    assert_eq!(calls(&app), before);
    assert!(app.state.amigo().retries_made() >= 4);
}

#[tokio::test]
async fn a_4xx_is_not_retried() {
    let app = spawn_app().await;
    let r = app.get("/api/catalog/products?id=999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products"),
        1
    );
    assert_eq!(app.state.amigo().retries_made(), 0);
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_never_retried() {
    let app = spawn_app().await;
    // The proxy itself refuses an order without a key, before any upstream call…
    let (id, _) = app.product(false).await;
    let r = app
        .call(order_request(&order_body("08031234567", id, 1), None))
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);

    // …and a keyless POST through the client is made exactly once, whatever the failure.
    app.upstream.controls.fail(Some((
        "/api/commerce/webhooks",
        StatusCode::INTERNAL_SERVER_ERROR,
    )));
    let body =
        serde_json::to_vec(&json!({"url": "https://example.com/hook", "events": "*"})).unwrap();
    let resp = app
        .state
        .amigo()
        .post_json("/commerce/webhooks/", body, &[])
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        app.upstream
            .controls
            .post_keys("/api/commerce/webhooks")
            .len(),
        // the harness registered the proxy's webhook once, then this one attempt
        2
    );
    assert_eq!(app.state.amigo().retries_made(), 0);
}

#[tokio::test]
async fn an_order_is_retried_only_with_its_own_key_and_made_once() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    app.upstream
        .controls
        .fail_next(ORDERS, StatusCode::INTERNAL_SERVER_ERROR, 2);
    let key = new_key();
    let r = app
        .call(order_request(&order_body("08031234567", id, 1), Some(&key)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    assert_eq!(
        app.upstream.controls.post_keys(ORDERS),
        vec![Some(key); 3],
        "every attempt carried the browser's key"
    );
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn the_breaker_opens_and_answers_fast_without_calling_upstream() {
    let app = spawn_app_with(breaker(3, Duration::from_secs(60))).await;
    let upstream_calls = |app: &TestApp| {
        app.upstream.controls.count(&Method::GET, "/api/commerce/")
            + app.upstream.controls.count(&Method::POST, "/api/commerce/")
    };
    let at_start = upstream_calls(&app); // the harness's webhook registration
    app.upstream
        .controls
        .fail(Some(("/api/commerce/", StatusCode::INTERNAL_SERVER_ERROR)));
    for _ in 0..3 {
        let r = app.get("/api/catalog/curation?type=deals").await;
        assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    }
    let made = upstream_calls(&app);
    assert_eq!(made, at_start + 3);

    let r = app.get("/api/catalog/curation?type=deals").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    let j = r.json();
    assert_eq!(j["success"], false);
    assert_eq!(j["error"], "upstream_unavailable");
    assert_eq!(j["retryable"], true);
    let secs: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs), "Retry-After {secs}");
    assert_eq!(j["retry_after"], secs);

    // an order is refused the same way, and nothing reaches Amigo
    let r = app
        .call(order_request(
            &order_body("08031234567", 1, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["error"], "upstream_unavailable");
    assert_eq!(upstream_calls(&app), made, "an open breaker calls nobody");
}

#[tokio::test]
async fn after_the_cool_down_one_probe_decides() {
    let cooldown = Duration::from_millis(200);
    let app = spawn_app_with(breaker(2, cooldown)).await;
    let calls = |app: &TestApp| app.upstream.controls.count(&Method::GET, CATEGORIES);
    app.upstream
        .controls
        .fail(Some((CATEGORIES, StatusCode::INTERNAL_SERVER_ERROR)));
    for _ in 0..2 {
        assert_eq!(
            app.get("/api/catalog/categories").await.status,
            StatusCode::BAD_GATEWAY
        );
    }
    assert_eq!(
        app.get("/api/catalog/categories").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(calls(&app), 2);

    // cool-down over, upstream still failing: the probe fails and the breaker opens again
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    assert_eq!(
        app.get("/api/catalog/categories").await.status,
        StatusCode::BAD_GATEWAY
    );
    assert_eq!(calls(&app), 3);
    assert_eq!(
        app.get("/api/catalog/categories").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(calls(&app), 3);

    // upstream healed: the next probe succeeds and closes the breaker
    app.upstream.controls.fail(None);
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.get("/api/catalog/curation?type=deals").await;
    assert_eq!(r.status, StatusCode::OK, "closed again");
}

#[tokio::test]
async fn the_catalog_serves_stale_copies_while_the_breaker_is_open() {
    let app = spawn_app_with(breaker(2, Duration::from_secs(60))).await;
    app.upstream.controls.cache_control(Some("max-age=1"));
    let fresh = app.get("/api/catalog/categories").await;
    assert_eq!(fresh.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/", StatusCode::SERVICE_UNAVAILABLE)));
    for _ in 0..2 {
        let r = app.get("/api/catalog/curation?type=deals").await;
        assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    }
    let before = app.upstream.controls.count(&Method::GET, CATEGORIES);
    let stale = app.get("/api/catalog/categories").await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.header("x-cache"), Some("STALE"));
    assert_eq!(stale.header("cache-control"), Some("no-store"));
    assert_eq!(stale.body, fresh.body);
    assert_eq!(
        app.upstream.controls.count(&Method::GET, CATEGORIES),
        before,
        "served without calling the upstream"
    );
}

/// The acceptance test: a sandbox faulting 20 % of the order calls (5xx, slow past the proxy's
/// timeout, dropped connections, half of them applied before the answer is lost), 200
/// checkouts through the proxy, each retried by the client on its key until a 201.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_checkouts_at_a_20_percent_fault_rate_make_200_orders_and_no_duplicates() {
    const CHECKOUTS: usize = 200;
    const CLIENT_ATTEMPTS: usize = 15;
    let slow_delay = Duration::from_millis(800);
    let started = std::time::Instant::now();
    let app = spawn_app_with(Options {
        timeout: Duration::from_millis(250),
        resilience: Resilience {
            retries: 2,
            retry_base: Duration::from_millis(5),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_millis(100),
        },
        faults: FaultConfig {
            rate: 0.2,
            routes: vec![RouteFamily::Orders],
            kinds: FaultKind::ALL.to_vec(),
            seed: 2026,
            slow_delay,
        },
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    let token = ApiToken::parse(&app.token).unwrap();
    let merchant = app.upstream.sandbox.state().merchants.get(&token);
    let opening_balance = 100_000_000;
    merchant.wallet.reset(opening_balance);

    let mut references = HashSet::new();
    let mut totals: i64 = 0;
    let mut client_retries = 0;
    let mut answers: std::collections::BTreeMap<u16, usize> = Default::default();
    for i in 0..CHECKOUTS {
        let key = format!("fault-run-{i}");
        let body = order_body(&format!("0803{:07}", 1_000_000 + i), id, 1);
        let mut placed = None;
        for attempt in 0..CLIENT_ATTEMPTS {
            let r = app.call(order_request(&body, Some(&key))).await;
            *answers.entry(r.status.as_u16()).or_default() += 1;
            if r.status == StatusCode::CREATED {
                placed = Some(r.json()["data"].clone());
                break;
            }
            assert_eq!(
                r.json()["retryable"],
                true,
                "only retryable failures may happen: {}",
                r.everything()
            );
            client_retries += 1;
            // the widget's own backoff; an open breaker says how long to wait
            let wait = if r.status == StatusCode::SERVICE_UNAVAILABLE {
                Duration::from_millis(120)
            } else {
                Duration::from_millis(10 * (attempt as u64 + 1))
            };
            tokio::time::sleep(wait).await;
        }
        let order = placed.unwrap_or_else(|| panic!("checkout {i} never got its 201"));
        let reference = order["reference"].as_str().unwrap().to_owned();
        assert!(
            references.insert(reference.clone()),
            "key {key} answered with another checkout's order {reference}"
        );
        totals += order["total"]["amount"].as_i64().unwrap();
    }
    // let any answer still held by a `slow` fault land, so a late duplicate would be counted
    tokio::time::sleep(slow_delay + Duration::from_millis(200)).await;

    let book = &merchant.orders;
    assert_eq!(book.len(), CHECKOUTS, "exactly one order per checkout");
    assert_eq!(references.len(), CHECKOUTS);
    for reference in &references {
        assert!(
            book.by_reference(reference).is_some(),
            "{reference} missing"
        );
    }
    assert_eq!(
        opening_balance - merchant.wallet.balance(),
        totals,
        "the wallet was debited exactly the 200 totals"
    );

    let faults = app.upstream.sandbox.state().faults.stats();
    let injected = faults.server_errors + faults.slow + faults.drops;
    let order_posts = app.upstream.controls.count(&Method::POST, ORDERS);
    assert!(injected >= 20, "the run was really faulted: {faults:?}");
    assert!(faults.applied_then_faulted > 0, "{faults:?}");
    eprintln!(
        "fault run: {CHECKOUTS} checkouts, {} orders, 0 duplicates, wallet debited {totals}; \
         upstream order POSTs {order_posts}, faults {faults:?}; proxy retries {}, client retries \
         {client_retries}, proxy answers {answers:?}; {:.1} s",
        book.len(),
        app.state.amigo().retries_made(),
        started.elapsed().as_secs_f64()
    );
}
