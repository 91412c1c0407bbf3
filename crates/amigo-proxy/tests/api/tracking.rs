//! The shopper's view: phone matching without an oracle, the timeline, and Server-Sent Events
//! driven by the sandbox's real webhooks.

use std::time::Duration;

use amigo_proxy::config::RateQuotas;
use axum::http::StatusCode;

use crate::helpers::{Options, eventually, from_ip, request, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_shopper_sees_their_order_with_any_form_of_their_phone() {
    let app = spawn_app().await;
    let order = app.place_order("0803 123 4567").await;
    let reference = order["reference"].as_str().unwrap();
    let r = app.tracking(reference, "+234 803 123 4567").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v = &r.json()["data"];
    assert_eq!(v["reference"], reference);
    assert_eq!(v["status"], "paid");
    assert_eq!(v["items"], order["items"]);
    assert_eq!(v["total"], order["total"]);
    assert_eq!(v["delivery"]["city"], "Zaria");
    assert_eq!(v["delivery"]["state"], "Kaduna");
    assert_eq!(v["delivery"]["tier"], "standard");
    assert_eq!(
        v["delivery"]["eta_max_days"],
        order["delivery"]["eta_max_days"]
    );
    assert_eq!(v["timeline"][0]["status"], "paid");
    // typed as the widget reads it
    let typed: amigo_types::tracking::OrderTracking = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(typed.timeline.len(), 1);
    // no personal data beyond city and state
    let text = r.everything();
    for secret in ["Aisha", "8031234567", "Sabon Gari", "aisha@example.com"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn wrong_missing_or_unknown_all_get_the_same_404() {
    let app = spawn_app().await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap();
    let wrong = app.tracking(reference, "08031234568").await;
    let missing = app.get(&format!("/api/orders/{reference}")).await;
    let empty = app.tracking(reference, "").await;
    let unknown = app
        .tracking("AMG-COM-TEST-20260101-ZZZZZZ", "08031234567")
        .await;
    for r in [&wrong, &missing, &empty, &unknown] {
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.body, unknown.body);
    }
    assert_eq!(unknown.json()["error"], "not_found");
    let events = app
        .get(&format!("/api/orders/{reference}/events?phone=08031234568"))
        .await;
    assert_eq!(events.status, StatusCode::NOT_FOUND);
    assert_eq!(events.body, unknown.body);
}

#[tokio::test]
async fn status_changes_arrive_as_server_sent_events_from_real_webhooks() {
    let app = spawn_app().await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/orders/{reference}/events?phone=08031234567",
            app.proxy_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut resp = resp;
    let mut buf = String::new();
    let mut statuses: Vec<String> = Vec::new();
    let mut next_status = async |buf: &mut String| -> serde_json::Value {
        loop {
            if let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                if frame.contains("event: status") {
                    let data = frame
                        .lines()
                        .find_map(|l| l.strip_prefix("data: "))
                        .unwrap();
                    return serde_json::from_str(data).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    let first = next_status(&mut buf).await;
    statuses.push(first["status"].as_str().unwrap().to_owned());
    // order.created may arrive as a webhook too (same status: no new event); move it along
    app.advance(&reference, "accepted").await;
    let accepted = next_status(&mut buf).await;
    statuses.push(accepted["status"].as_str().unwrap().to_owned());
    app.advance(&reference, "shipped").await;
    let shipped = next_status(&mut buf).await;
    statuses.push(shipped["status"].as_str().unwrap().to_owned());
    assert_eq!(statuses, ["paid", "accepted", "shipped"]);
    let timeline: Vec<&str> = shipped["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(timeline, ["paid", "accepted", "shipped"]);
    // the JSON view agrees
    let view = app.tracking(&reference, "08031234567").await.json();
    assert_eq!(view["data"], shipped);
}

#[tokio::test]
async fn a_cancel_shows_its_reason() {
    let app = spawn_app().await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    app.advance(&reference, "cancelled").await;
    eventually(10, || async {
        app.tracking(&reference, "08031234567").await.json()["data"]["status"] == "cancelled"
    })
    .await;
    let v = app.tracking(&reference, "08031234567").await.json();
    assert_eq!(v["data"]["cancelled_reason"], "Customer asked");
    assert_eq!(v["data"]["payment_state"], "refunded");
}

#[tokio::test]
async fn lookups_are_rate_limited_per_ip() {
    let app = spawn_app_with(Options {
        rates: RateQuotas {
            orders_per_ip: 100,
            orders_per_phone: 100,
            lookups_per_ip: 3,
            catalog_per_ip: 10_000,
        },
        ..Options::default()
    })
    .await;
    for _ in 0..3 {
        let r = app
            .call(from_ip(
                request(axum::http::Method::GET, "/api/orders/AMG-X?phone=0803")
                    .body(axum::body::Body::empty())
                    .unwrap(),
                "10.9.9.9",
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = app
        .call(from_ip(
            request(axum::http::Method::GET, "/api/orders/AMG-X?phone=0803")
                .body(axum::body::Body::empty())
                .unwrap(),
            "10.9.9.9",
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
}

/// A stored view is read in one snapshot: while webhooks move an order along, every read
/// shows a status whose timeline ends at that same status (never the old status with the new
/// step, which an event stream would send as a change).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_read_during_a_status_change_is_never_torn() {
    let app = spawn_app().await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let store = app.state.store().clone();
    let reader = {
        let reference = reference.clone();
        tokio::spawn(async move {
            let mut reads = 0u32;
            loop {
                let (_, view) = store.tracking(&reference).await.unwrap().unwrap();
                reads += 1;
                let last = view.timeline.last().map(|e| e.status);
                assert_eq!(
                    last,
                    Some(view.status),
                    "read {reads}: status {:?} with timeline {:?}",
                    view.status,
                    view.timeline
                );
                if view.status == amigo_types::orders::OrderStatus::Delivered {
                    return reads;
                }
                tokio::task::yield_now().await;
            }
        })
    };
    for status in ["accepted", "shipped", "delivered"] {
        app.advance(&reference, status).await;
    }
    let reads = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .expect("the reader sees `delivered`")
        .unwrap();
    assert!(reads > 3, "{reads} reads");
}
