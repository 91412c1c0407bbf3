//! Webhook deliveries to a real receiver on loopback: exact headers, an independently
//! verified signature, the payload, retries with one delivery id and fresh timestamps,
//! exhaustion after the 7th attempt, filters, disabled endpoints, test/live isolation, every
//! lifecycle event, and a receiver that stalls, redirects or never stops talking.

use std::time::{Duration, Instant};

use amigo_sandbox::SandboxConfig;
use axum::http::Method;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver, signature_ok};

const WAIT: Duration = Duration::from_secs(10);

fn fast(scale: f64) -> TestApp {
    app_with(SandboxConfig {
        webhook_time_scale: scale,
        webhook_timeout: Duration::from_millis(500),
        live_balance: 10_000_000,
        ..SandboxConfig::default()
    })
}

async fn deliveries(app: &TestApp, token: &str, endpoint: u64) -> Vec<Value> {
    let r = app
        .get(&format!("{WEBHOOKS}?id={endpoint}"), Some(token))
        .await;
    assert_eq!(r.status, 200);
    r.json()["data"]["deliveries"].as_array().unwrap().clone()
}

/// Polls the endpoint's newest delivery until its status is `want`.
async fn wait_status(app: &TestApp, token: &str, endpoint: u64, want: &str) -> Value {
    let start = Instant::now();
    loop {
        let d = deliveries(app, token, endpoint).await;
        if let Some(first) = d.first()
            && first["status"] == want
        {
            return first.clone();
        }
        assert!(
            start.elapsed() < WAIT,
            "delivery never became {want}: {d:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn order_for(app: &TestApp) -> Value {
    let p = paid_delivery_product(app, DEFAULT_DOMESTIC, 5);
    order_body(&[(p.id, 1)], Some(("KD", "Zaria")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_created_arrives_signed_with_the_documented_headers_and_body() {
    let app = fast(1.0);
    let rx = Receiver::start(Behaviour::FailFirst(0)).await;
    let (endpoint, secret) = subscribe(&app, TEST_TOKEN, &rx.url, "*").await;
    let order = place(&app, TEST_TOKEN, &order_for(&app)).await;

    let got = rx.wait_for(1, WAIT).await;
    let req = &got[0];
    assert_eq!(req.header("content-type"), "application/json");
    assert_eq!(req.header("user-agent"), "Amigo-Commerce-Webhook/1.0");
    assert_eq!(req.header("x-amigo-event"), "order.created");
    let delivery_id: u64 = req.header("x-amigo-delivery").parse().unwrap();
    let ts: i64 = req.header("x-amigo-timestamp").parse().unwrap();
    assert!(
        (ts - app.sandbox.clock().unix()).abs() <= 5,
        "a current unix timestamp"
    );
    assert!(signature_ok(&secret, req), "independent HMAC check");
    assert!(!signature_ok(&"0".repeat(64), req), "the verifier can fail");

    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["event"], "order.created");
    assert_eq!(body["livemode"], false);
    assert!(body["created_at"].as_str().unwrap().ends_with("+01:00"));
    assert_eq!(body["data"], order, "the full order");
    assert_eq!(body.as_object().unwrap().len(), 4);

    let d = wait_status(&app, TEST_TOKEN, endpoint, "succeeded").await;
    assert_eq!(d["delivery_id"], delivery_id);
    assert_eq!(
        (d["attempts"].as_u64(), d["response_code"].as_u64()),
        (Some(1), Some(200))
    );
    assert_eq!(d["event"], "order.created");
    assert_eq!(d["next_attempt_at"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_gets_retries_with_one_delivery_id_and_fresh_timestamps() {
    let app = fast(1e-4);
    // Each attempt moves sandbox time on by a minute before it is answered, as the real
    // schedule would between attempts, so every retry must read a later clock.
    let clock = app.sandbox.clock();
    let rx = Receiver::start_with(
        Behaviour::FailFirst(3),
        Some(Box::new(move || clock.advance(60))),
    )
    .await;
    let (endpoint, secret) = subscribe(&app, TEST_TOKEN, &rx.url, "order.created").await;
    place(&app, TEST_TOKEN, &order_for(&app)).await;
    rx.wait_for(4, WAIT).await;
    let got = rx.received();
    let ids: Vec<&str> = got.iter().map(|r| r.header("x-amigo-delivery")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stamps: Vec<i64> = got
        .iter()
        .map(|r| r.header("x-amigo-timestamp").parse().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[1] > w[0]),
        "fresh timestamp per attempt: {stamps:?}"
    );
    assert!(
        got.iter().all(|r| signature_ok(&secret, r)),
        "each attempt signed for its own timestamp"
    );
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "same body every time"
    );
    let d = wait_status(&app, TEST_TOKEN, endpoint, "succeeded").await;
    assert_eq!(d["attempts"], 4);
    assert_eq!(rx.received().len(), 4, "no attempt after the success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_exhausted_after_the_seventh_attempt() {
    let app = fast(1e-5);
    let rx = Receiver::start(Behaviour::FailFirst(usize::MAX)).await;
    let (endpoint, _) = subscribe(&app, TEST_TOKEN, &rx.url, "*").await;
    place(&app, TEST_TOKEN, &order_for(&app)).await;
    let d = wait_status(&app, TEST_TOKEN, endpoint, "exhausted").await;
    assert_eq!(d["attempts"], 7);
    assert_eq!(d["response_code"], 500);
    assert_eq!(d["next_attempt_at"], Value::Null);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = rx.received();
    assert_eq!(got.len(), 7, "no eighth attempt");
    assert!(
        got.iter()
            .all(|r| r.header("x-amigo-delivery") == got[0].header("x-amigo-delivery"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_schedule_is_visible_while_waiting() {
    let app = fast(1.0);
    let rx = Receiver::start(Behaviour::FailFirst(usize::MAX)).await;
    let (endpoint, _) = subscribe(&app, TEST_TOKEN, &rx.url, "*").await;
    place(&app, TEST_TOKEN, &order_for(&app)).await;
    let d = wait_status(&app, TEST_TOKEN, endpoint, "retrying").await;
    assert_eq!(
        (d["attempts"].as_u64(), d["response_code"].as_u64()),
        (Some(1), Some(500))
    );
    assert!(d["next_attempt_at"].as_str().unwrap().ends_with("+01:00"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        rx.received().len(),
        1,
        "the next attempt waits 60 s at scale 1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_disabled_endpoints_and_modes_decide_who_hears_what() {
    let app = fast(1.0);
    let shipped_only = Receiver::start(Behaviour::FailFirst(0)).await;
    let disabled = Receiver::start(Behaviour::FailFirst(0)).await;
    let test_all = Receiver::start(Behaviour::FailFirst(0)).await;
    let live_all = Receiver::start(Behaviour::FailFirst(0)).await;
    subscribe(&app, TEST_TOKEN, &shipped_only.url, "order.shipped").await;
    let (off, _) = subscribe(&app, TEST_TOKEN, &disabled.url, "*").await;
    let r = app
        .request(
            Method::PATCH,
            &format!("{WEBHOOKS}?id={off}"),
            Some(TEST_TOKEN),
            &[],
            Some(br#"{"status":"disabled"}"#.to_vec()),
        )
        .await;
    assert_eq!(r.status, 200);
    subscribe(&app, TEST_TOKEN, &test_all.url, "*").await;
    subscribe(&app, LIVE_TOKEN.as_str(), &live_all.url, "order.*").await;

    let test_order = place(&app, TEST_TOKEN, &order_for(&app)).await;
    let live_order = place(&app, LIVE_TOKEN.as_str(), &order_for(&app)).await;
    let t = test_all.wait_for(1, WAIT).await;
    let l = live_all.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        test_all.received().len(),
        1,
        "test endpoints hear only test orders"
    );
    assert_eq!(
        live_all.received().len(),
        1,
        "live endpoints hear only live orders"
    );
    let tb: Value = serde_json::from_slice(&t[0].body).unwrap();
    let lb: Value = serde_json::from_slice(&l[0].body).unwrap();
    assert_eq!(
        (tb["livemode"].as_bool(), tb["data"]["reference"].clone()),
        (Some(false), test_order["reference"].clone())
    );
    assert_eq!(
        (lb["livemode"].as_bool(), lb["data"]["reference"].clone()),
        (Some(true), live_order["reference"].clone())
    );
    assert!(shipped_only.received().is_empty(), "filtered out");
    assert!(
        disabled.received().is_empty(),
        "disabled endpoints get nothing new"
    );

    let reference = test_order["reference"].as_str().unwrap();
    advance(&app, TEST_TOKEN, reference, "accepted", None).await;
    advance(&app, TEST_TOKEN, reference, "shipped", None).await;
    let s = shipped_only.wait_for(1, WAIT).await;
    assert_eq!(s[0].header("x-amigo-event"), "order.shipped");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(shipped_only.received().len(), 1);
    assert!(disabled.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transition_emits_its_event_with_the_updated_order() {
    let app = fast(1.0);
    let rx = Receiver::start(Behaviour::FailFirst(0)).await;
    let (_, secret) = subscribe(&app, TEST_TOKEN, &rx.url, "*").await;
    let body = order_for(&app);
    let a = place(&app, TEST_TOKEN, &body).await;
    let b = place(&app, TEST_TOKEN, &body).await;
    let (ra, rb) = (
        a["reference"].as_str().unwrap(),
        b["reference"].as_str().unwrap(),
    );
    for s in ["accepted", "shipped", "delivered"] {
        assert_eq!(advance(&app, TEST_TOKEN, ra, s, None).await.status, 200);
    }
    assert_eq!(
        advance(&app, TEST_TOKEN, rb, "cancelled", Some("Out of town"))
            .await
            .status,
        200
    );
    let got = rx.wait_for(6, WAIT).await;
    assert!(got.iter().all(|r| signature_ok(&secret, r)));
    let mut events: Vec<(String, String, String)> = got
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(r.header("x-amigo-event"), v["event"].as_str().unwrap());
            (
                v["data"]["reference"].as_str().unwrap().to_owned(),
                v["event"].as_str().unwrap().to_owned(),
                v["data"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    events.sort();
    let mut want = vec![
        (ra.to_owned(), "order.created".to_owned(), "paid".to_owned()),
        (
            ra.to_owned(),
            "order.accepted".to_owned(),
            "accepted".to_owned(),
        ),
        (
            ra.to_owned(),
            "order.shipped".to_owned(),
            "shipped".to_owned(),
        ),
        (
            ra.to_owned(),
            "order.delivered".to_owned(),
            "delivered".to_owned(),
        ),
        (rb.to_owned(), "order.created".to_owned(), "paid".to_owned()),
        (
            rb.to_owned(),
            "order.cancelled".to_owned(),
            "cancelled".to_owned(),
        ),
    ];
    want.sort();
    assert_eq!(events, want);
    let cancelled = got
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .find(|v| v["event"] == "order.cancelled")
        .unwrap();
    assert_eq!(cancelled["data"]["cancelled_reason"], "Out of town");
    assert_eq!(cancelled["data"]["payment_state"], "refunded");
    let ids: std::collections::HashSet<&str> =
        got.iter().map(|r| r.header("x-amigo-delivery")).collect();
    assert_eq!(ids.len(), 6, "one delivery id per delivery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalling_receiver_times_out_without_slowing_the_api() {
    let app = fast(1.0);
    let rx = Receiver::start(Behaviour::Stall(Duration::from_secs(5))).await;
    let (endpoint, _) = subscribe(&app, TEST_TOKEN, &rx.url, "*").await;
    let started = Instant::now();
    for _ in 0..5 {
        place(&app, TEST_TOKEN, &order_for(&app)).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "orders never wait for webhooks: {:?}",
        started.elapsed()
    );
    let d = wait_status(&app, TEST_TOKEN, endpoint, "retrying").await;
    assert_eq!(
        d["response_code"],
        Value::Null,
        "timed out at 500 ms, no answer recorded"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the attempt was cut off by the 500 ms timeout, not the receiver's 5 s stall"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed_and_endless_bodies_are_not_read() {
    let app = fast(1.0);
    let redirect = Receiver::start(Behaviour::Redirect).await;
    let endless = Receiver::start(Behaviour::Endless).await;
    let (r_id, _) = subscribe(&app, TEST_TOKEN, &redirect.url, "*").await;
    let (e_id, _) = subscribe(&app, TEST_TOKEN, &endless.url, "*").await;
    place(&app, TEST_TOKEN, &order_for(&app)).await;

    let d = wait_status(&app, TEST_TOKEN, r_id, "retrying").await;
    assert_eq!(d["response_code"], 302, "a redirect is a failed attempt");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        redirect.elsewhere_hits(),
        0,
        "the Location was never visited"
    );

    let d = wait_status(&app, TEST_TOKEN, e_id, "succeeded").await;
    assert_eq!(d["response_code"], 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let streamed = endless.streamed_bytes();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        endless.streamed_bytes() < 64 * 1024 * 1024 && endless.streamed_bytes() == streamed,
        "the sender hung up instead of reading on: {} then {}",
        streamed,
        endless.streamed_bytes()
    );
    let r = app.get(ORDERS, Some(TEST_TOKEN)).await;
    assert_eq!(r.status, 200, "the sandbox is unharmed");
    assert_eq!(r.json()["pagination"]["total"], json!(1));
}
