//! Fault injection (a sandbox-only extension): 5xx answers in the envelope, applied-then-faulted
//! writes, slow answers and connections closed without a response, only on the chosen families.

use std::time::Duration;

use amigo_sandbox::fault::{FaultKind, RouteFamily};
use amigo_sandbox::{FaultConfig, Sandbox, SandboxConfig};
use amigo_types::token::ApiToken;
use axum::http::StatusCode;

use crate::fixtures::{
    DEFAULT_DOMESTIC, ORDERS, order_body, paid_delivery_product, place_with_key,
};
use crate::helpers::{TEST_TOKEN, app_with};

fn faults(rate: f64, routes: &[RouteFamily], kinds: &[FaultKind]) -> FaultConfig {
    FaultConfig {
        rate,
        routes: routes.to_vec(),
        kinds: kinds.to_vec(),
        seed: 11,
        slow_delay: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn a_5xx_fault_is_the_server_error_envelope_and_some_writes_were_applied() {
    let app = app_with(SandboxConfig {
        faults: faults(1.0, &[RouteFamily::Orders], &[FaultKind::ServerError]),
        ..SandboxConfig::default()
    });
    let product = paid_delivery_product(&app, DEFAULT_DOMESTIC, 5);
    let body = serde_json::to_vec(&order_body(&[(product.id, 1)], Some(("KD", "Zaria")))).unwrap();
    for i in 0..20 {
        let r = place_with_key(&app, TEST_TOKEN, &format!("fault-{i}"), &body).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let j = r.json();
        assert_eq!(j["success"], false);
        assert_eq!(j["error"], "server_error");
        assert!(j["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let stats = app.sandbox.state().faults.stats();
    assert_eq!(stats.server_errors, 20);
    let token = ApiToken::parse(TEST_TOKEN).unwrap();
    let placed = app.sandbox.state().merchants.get(&token).orders.len() as u64;
    // the order was created although its answer was lost, in about half of the cases
    assert_eq!(placed, stats.applied_then_faulted);
    assert!((1..20).contains(&placed), "{placed} of 20 applied");

    // another family is untouched
    let r = app
        .get("/api/commerce/products/?limit=1", Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn off_by_default() {
    let app = app_with(SandboxConfig::default());
    assert!(!app.sandbox.state().faults.config().enabled());
    for _ in 0..50 {
        let r = app.get(ORDERS, Some(TEST_TOKEN)).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    assert_eq!(app.sandbox.state().faults.stats(), Default::default());
}

async fn serve(config: SandboxConfig) -> (Sandbox, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = Sandbox::new(config);
    let router = sandbox.router();
    tokio::spawn(amigo_sandbox::serve(
        listener,
        router,
        std::future::pending(),
    ));
    (sandbox, url)
}

#[tokio::test]
async fn a_dropped_connection_gets_no_response_at_all() {
    let (sandbox, url) = serve(SandboxConfig {
        faults: faults(1.0, &[RouteFamily::Orders], &[FaultKind::Drop]),
        ..SandboxConfig::default()
    })
    .await;
    let client = reqwest::Client::new();
    let err = client
        .get(format!("{url}{ORDERS}"))
        .header("x-api-key", TEST_TOKEN)
        .send()
        .await
        .expect_err("the connection closes before any response");
    assert!(err.status().is_none());
    assert!(!err.is_timeout());
    assert_eq!(sandbox.state().faults.stats().drops, 1);

    // the same server keeps answering the families that are not faulted
    let ok = client
        .get(format!("{url}/api/commerce/categories/"))
        .header("x-api-key", TEST_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_slow_answer_outlasts_the_client_timeout() {
    let (sandbox, url) = serve(SandboxConfig {
        faults: faults(1.0, &[RouteFamily::Catalog], &[FaultKind::Slow]),
        ..SandboxConfig::default()
    })
    .await;
    let err = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .get(format!("{url}/api/commerce/categories/"))
        .header("x-api-key", TEST_TOKEN)
        .send()
        .await
        .expect_err("the answer comes after the timeout");
    assert!(err.is_timeout());
    assert_eq!(sandbox.state().faults.stats().slow, 1);
}
