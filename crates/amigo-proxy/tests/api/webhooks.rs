//! `POST /webhooks/amigo`: signatures on raw bytes, the ±300 s window, rotation, durable
//! dedupe, and monotonic status whatever order events arrive in.

use axum::http::StatusCode;
use serde_json::Value;

use crate::helpers::{Options, TestApp, now, payload, spawn_app, spawn_app_with, webhook_request};

async fn status_of(app: &TestApp, reference: &str) -> (String, Vec<String>) {
    let v = app.tracking(reference, "08031234567").await.json();
    let timeline = v["data"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    (v["data"]["status"].as_str().unwrap().to_owned(), timeline)
}

async fn placed(app: &TestApp) -> (Value, String) {
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    (order, reference)
}

#[tokio::test]
async fn a_signed_event_is_applied() {
    let app = spawn_app().await;
    let (order, reference) = placed(&app).await;
    let body = payload(&order, "shipped", "2026-11-23T12:00:00+01:00");
    let r = app
        .call(webhook_request(
            &body,
            Some(&app.webhook_secret),
            now(),
            "t-1",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.json()["data"]["duplicate"], false);
    assert_eq!(status_of(&app, &reference).await.0, "shipped");
}

#[tokio::test]
async fn unsigned_forged_tampered_stale_and_future_events_get_401_and_change_nothing() {
    let app = spawn_app().await;
    let (order, reference) = placed(&app).await;
    let body = payload(&order, "delivered", "2026-11-23T12:00:00+01:00");
    let secret = app.webhook_secret.as_str();
    let tampered = {
        let signed = webhook_request(&body, Some(secret), now(), "t-tamper");
        let (parts, _) = signed.into_parts();
        let evil = payload(&order, "cancelled", "2026-11-23T12:00:00+01:00");
        axum::http::Request::from_parts(parts, axum::body::Body::from(evil))
    };
    let missing_ts = {
        let mut r = webhook_request(&body, Some(secret), now(), "t-nots");
        r.headers_mut().remove("x-amigo-timestamp");
        r
    };
    let bare_hex = {
        let mut r = webhook_request(&body, Some(secret), now(), "t-bare");
        let sig = r.headers()["x-amigo-signature"]
            .to_str()
            .unwrap()
            .to_owned();
        r.headers_mut().insert(
            "x-amigo-signature",
            sig.trim_start_matches("sha256=").parse().unwrap(),
        );
        r
    };
    let cases = [
        ("unsigned", webhook_request(&body, None, now(), "t-a")),
        (
            "forged",
            webhook_request(&body, Some("not-the-secret-at-all-0000"), now(), "t-b"),
        ),
        ("tampered", tampered),
        (
            "stale",
            webhook_request(&body, Some(secret), now() - 301, "t-c"),
        ),
        // the requests are built before the loop sends them, so a future timestamp gets nearer
        // the window while earlier cases run: a minute beyond it stays outside on a busy machine
        // (the exact 300 s edge is the verifier's unit test in amigo-types)
        (
            "future",
            webhook_request(&body, Some(secret), now() + 360, "t-d"),
        ),
        ("missing timestamp", missing_ts),
        ("no sha256= prefix", bare_hex),
    ];
    for (what, req) in cases {
        let r = app.call(req).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(r.json()["error"], "invalid_signature", "{what}");
    }
    assert_eq!(
        status_of(&app, &reference).await,
        ("paid".to_owned(), vec!["paid".to_owned()])
    );
    // inside the window either way is fine (a minute inside, for the same reason)
    let r = app
        .call(webhook_request(&body, Some(secret), now() - 240, "t-e"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_replayed_delivery_is_acknowledged_not_reapplied() {
    let app = spawn_app().await;
    let (order, reference) = placed(&app).await;
    let accepted = payload(&order, "accepted", "2026-11-23T12:00:00+01:00");
    let first = app
        .call(webhook_request(
            &accepted,
            Some(&app.webhook_secret),
            now(),
            "d-77",
        ))
        .await;
    assert_eq!(first.json()["data"]["duplicate"], false);
    // the same delivery again (its id with the same signed body) is a duplicate
    let again = app
        .call(webhook_request(
            &accepted,
            Some(&app.webhook_secret),
            now(),
            "d-77",
        ))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["data"]["duplicate"], true);
    assert_eq!(again.json()["data"]["applied"], false);
    assert_eq!(
        status_of(&app, &reference).await,
        (
            "accepted".to_owned(),
            vec!["paid".to_owned(), "accepted".to_owned()]
        )
    );
    // the id is not signed: the same id with another signed body is another delivery (issue 23
    // item 9), applied
    let shipped = payload(&order, "shipped", "2026-11-23T13:00:00+01:00");
    let other = app
        .call(webhook_request(
            &shipped,
            Some(&app.webhook_secret),
            now(),
            "d-77",
        ))
        .await;
    assert_eq!(
        other.json()["data"]["duplicate"],
        false,
        "{}",
        other.everything()
    );
    assert_eq!(status_of(&app, &reference).await.0, "shipped");
}

#[tokio::test]
async fn an_older_status_never_overwrites_a_newer_one_and_cancelled_is_final() {
    let app = spawn_app().await;
    let (order, reference) = placed(&app).await;
    let s = app.webhook_secret.clone();
    for (status, at, id) in [
        ("shipped", "2026-11-23T14:00:00+01:00", "o-1"),
        ("accepted", "2026-11-23T12:00:00+01:00", "o-2"),
        ("paid", "2026-11-23T11:00:00+01:00", "o-3"),
    ] {
        let r = app
            .call(webhook_request(
                &payload(&order, status, at),
                Some(&s),
                now(),
                id,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let (status, timeline) = status_of(&app, &reference).await;
    assert_eq!(status, "shipped");
    assert_eq!(timeline, ["paid", "accepted", "shipped"]);

    let (order2, reference2) = placed(&app).await;
    for (status, id) in [
        ("cancelled", "c-1"),
        ("accepted", "c-2"),
        ("delivered", "c-3"),
    ] {
        app.call(webhook_request(
            &payload(&order2, status, "2026-11-23T12:00:00+01:00"),
            Some(&s),
            now(),
            id,
        ))
        .await;
    }
    let v = app.tracking(&reference2, "08031234567").await.json();
    assert_eq!(v["data"]["status"], "cancelled");
    assert_eq!(
        v["data"]["cancelled_reason"],
        "Out of stock at the warehouse"
    );
}

#[tokio::test]
async fn any_configured_secret_is_accepted_while_rotating() {
    let old = "old-secret-0123456789abcdef0123456789";
    let new = "new-secret-0123456789abcdef0123456789";
    let app = spawn_app_with(Options {
        secrets: Some(vec![old.to_owned(), new.to_owned()]),
        ..Options::default()
    })
    .await;
    let (order, reference) = placed(&app).await;
    let a = app
        .call(webhook_request(
            &payload(&order, "accepted", "2026-11-23T12:00:00+01:00"),
            Some(old),
            now(),
            "r-1",
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let b = app
        .call(webhook_request(
            &payload(&order, "shipped", "2026-11-23T13:00:00+01:00"),
            Some(new),
            now(),
            "r-2",
        ))
        .await;
    assert_eq!(b.status, StatusCode::OK);
    let c = app
        .call(webhook_request(
            &payload(&order, "delivered", "2026-11-23T14:00:00+01:00"),
            Some(&app.webhook_secret),
            now(),
            "r-3",
        ))
        .await;
    assert_eq!(
        c.status,
        StatusCode::UNAUTHORIZED,
        "a secret no longer configured"
    );
    assert_eq!(status_of(&app, &reference).await.0, "shipped");
}

#[tokio::test]
async fn an_order_first_seen_by_webhook_becomes_trackable() {
    let app = spawn_app().await;
    // placed directly with Amigo (another channel) while the sandbox's own deliveries are
    // disabled: the proxy learns of it only from the event below
    let endpoints = app.upstream_get("/commerce/webhooks/").await;
    let endpoint = endpoints["data"][0]["id"].as_u64().unwrap();
    let patched = reqwest::Client::new()
        .patch(format!(
            "{}/commerce/webhooks/?id={endpoint}",
            app.upstream.api_base
        ))
        .header("X-API-Key", &app.token)
        .json(&serde_json::json!({"status": "disabled"}))
        .send()
        .await
        .unwrap();
    assert!(patched.status().is_success());
    let (id, _) = app.product(false).await;
    let created = app
        .upstream_post(
            "/commerce/orders/",
            &crate::helpers::order_body("08031234567", id, 1),
        )
        .await;
    let order = &created["data"];
    let reference = order["reference"].as_str().unwrap();
    let unknown = app.tracking(reference, "08031234567").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let r = app
        .call(webhook_request(
            &payload(order, "paid", "2026-11-23T12:00:00+01:00"),
            Some(&app.webhook_secret),
            now(),
            "w-1",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(status_of(&app, reference).await.0, "paid");
}

/// Signs and sends `body` as delivery `delivery`; returns the status and `data.applied`.
async fn send(app: &TestApp, body: &Value, delivery: &str) -> (StatusCode, Value) {
    let r = app
        .call(webhook_request(
            &serde_json::to_vec(body).unwrap(),
            Some(&app.webhook_secret),
            now(),
            delivery,
        ))
        .await;
    (r.status, r.json()["data"]["applied"].clone())
}

#[tokio::test]
async fn a_signed_but_unreadable_payload_is_kept_and_acknowledged() {
    let app = spawn_app().await;
    let r = app
        .call(webhook_request(
            b"{\"event\":\"order.shipped\"}",
            Some(&app.webhook_secret),
            now(),
            "bad-1",
        ))
        .await;
    // a retry could never make it readable: acknowledged, kept whole, not applied
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.json()["data"]["applied"], false);
    assert_eq!(
        app.state
            .store()
            .delivery_payload("bad-1")
            .await
            .unwrap()
            .as_deref(),
        Some("{\"event\":\"order.shipped\"}")
    );
}

/// The docs elide parts of the order object: an event with only the reference and the status
/// moves a known order along.
#[tokio::test]
async fn a_partial_event_moves_a_known_order() {
    let app = spawn_app().await;
    let (_, reference) = placed(&app).await;
    let minimal = serde_json::json!({
        "event": "order.shipped",
        "created_at": "2026-11-23T15:00:00+01:00",
        "data": {"reference": reference, "status": "shipped", "market": {"elided": "…"}, "new_field": [1, 2]},
        "api_version": "2027-01"
    });
    assert_eq!(
        send(&app, &minimal, "p-1").await,
        (StatusCode::OK, Value::Bool(true))
    );
    let (status, timeline) = status_of(&app, &reference).await;
    assert_eq!(status, "shipped");
    assert!(timeline.contains(&"shipped".to_owned()), "{timeline:?}");
}

/// An unknown order, an unknown status and a missing status are stored and acknowledged, never
/// refused into a retry storm, and change nothing.
#[tokio::test]
async fn unknown_orders_and_statuses_are_kept_and_acknowledged() {
    let app = spawn_app().await;
    let (_, reference) = placed(&app).await;
    let unknown_order = serde_json::json!({"event": "order.shipped", "data": {"reference": "AMG-COM-TEST-20990101-NOSUCH", "status": "shipped"}});
    let unknown_status = serde_json::json!({"event": "order.held", "data": {"reference": reference, "status": "on_hold"}});
    let no_status = serde_json::json!({"event": "order.note", "data": {"reference": reference}});
    for (i, body) in [unknown_order, unknown_status, no_status]
        .iter()
        .enumerate()
    {
        let delivery = format!("u-{i}");
        assert_eq!(
            send(&app, body, &delivery).await,
            (StatusCode::OK, Value::Bool(false)),
            "{body}"
        );
        assert!(
            app.state
                .store()
                .delivery_payload(&delivery)
                .await
                .unwrap()
                .is_some()
        );
    }
    assert_eq!(status_of(&app, &reference).await.0, "paid");
    let r = app
        .tracking("AMG-COM-TEST-20990101-NOSUCH", "08031234567")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]
    /// Dropping any order field but the reference, and adding fields anywhere, never makes a
    /// signed event fail: it is always acknowledged, and applied exactly when it carries a
    /// documented status that moves the order forward.
    #[test]
    fn dropped_and_added_fields_never_fail_a_signed_event(
        drop in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..8),
        keep_status in proptest::prelude::any::<bool>(),
        extra in "[a-z_]{1,10}",
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let app = spawn_app().await;
            let (order, reference) = placed(&app).await;
            let mut body: Value = serde_json::from_slice(&payload(&order, "accepted", "2026-11-23T13:00:00+01:00")).unwrap();
            let keys: Vec<String> = body["data"].as_object().unwrap().keys()
                .filter(|k| *k != "reference" && *k != "status").cloned().collect();
            for i in &drop {
                body["data"].as_object_mut().unwrap().remove(&keys[i.index(keys.len())]);
            }
            if !keep_status {
                body["data"].as_object_mut().unwrap().remove("status");
            }
            body[&extra] = serde_json::json!({"x": 1});
            body["data"][format!("x_{extra}")] = serde_json::json!(null);
            let (status, applied) = send(&app, &body, "prop-1").await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(applied, Value::Bool(keep_status), "{body}");
            assert_eq!(status_of(&app, &reference).await.0, if keep_status { "accepted" } else { "paid" });
        });
    }
}
