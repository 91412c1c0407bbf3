//! `POST /api/orders`: the key, validation before spending, the spend guard, rate limits, the
//! same-key race, and upstream failures.

use std::time::Duration;

use amigo_proxy::config::RateQuotas;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{
    Options, from_ip, new_key, order_body, order_request, request, spawn_app, spawn_app_with,
};

const ORDERS: &str = "/api/commerce/orders";

#[tokio::test]
async fn places_the_order_and_returns_amigos_201_body() {
    let app = spawn_app().await;
    let (id, price) = app.product(false).await;
    let r = app
        .call(order_request(
            &order_body("08031234567", id, 2),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    let j = r.json();
    assert_eq!(j["success"], true);
    let data = &j["data"];
    assert!(
        data["reference"]
            .as_str()
            .unwrap()
            .starts_with("AMG-COM-TEST-")
    );
    assert_eq!(data["status"], "paid");
    assert_eq!(data["subtotal"]["amount"], price * 2);
    let upstream = app
        .upstream_get(&format!(
            "/commerce/orders/?ref={}",
            data["reference"].as_str().unwrap()
        ))
        .await;
    assert_eq!(upstream["data"], *data);
    assert_eq!(app.state.store().order_count().await.unwrap(), 1);
}

#[tokio::test]
async fn the_idempotency_key_is_required_and_checked() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    let body = order_body("08031234567", id, 1);
    let missing = app.call(order_request(&body, None)).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.json()["error"], "idempotency_key_required");
    let long = app.call(order_request(&body, Some(&"k".repeat(81)))).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json()["error"], "invalid_idempotency_key");
    assert_eq!(long.json()["field"], "Idempotency-Key");
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);
}

#[tokio::test]
async fn garbage_never_costs_an_upstream_call() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    let mut no_name = order_body("08031234567", id, 1);
    no_name["customer"]["name"] = json!("  ");
    let mut bad_phone = order_body("08031234567", id, 1);
    bad_phone["customer"]["phone"] = json!("call me");
    let mut bad_tier = order_body("08031234567", id, 1);
    bad_tier["delivery"]["tier"] = json!("drone");
    let mut zero_qty = order_body("08031234567", id, 1);
    zero_qty["items"][0]["quantity"] = json!(0);
    let mut no_items = order_body("08031234567", id, 1);
    no_items["items"] = json!([]);
    let mut bad_email = order_body("08031234567", id, 1);
    bad_email["customer"]["email"] = json!("not-an-email");
    for (body, code, field) in [
        (no_name, "invalid_customer_name", "customer.name"),
        (bad_phone, "invalid_customer_phone", "customer.phone"),
        (bad_tier, "invalid_delivery_tier", "delivery.tier"),
        (bad_email, "invalid_customer_email", "customer.email"),
        (zero_qty, "invalid_items", "items[0].quantity"),
        (no_items, "invalid_items", "items"),
    ] {
        let r = app.call(order_request(&body, Some(&new_key()))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert_eq!(r.json()["error"], code);
        assert_eq!(r.json()["field"], field, "{code}");
    }
    let not_json = app
        .call(
            request(Method::POST, "/api/orders")
                .header("idempotency-key", new_key())
                .header("content-type", "application/json")
                .body(Body::from("{nope"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.json()["error"], "invalid_json");
    let unknown = app
        .call(order_request(
            &order_body("08031234567", 999_999, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"], "not_found");
    assert_eq!(unknown.json()["field"], "items[0].product_id");
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);
}

#[tokio::test]
async fn the_spend_guard_refuses_totals_above_the_limit() {
    let app = spawn_app_with(Options {
        max_order_total: 50_000,
        ..Options::default()
    })
    .await;
    let (id, price) = app.product(true).await;
    let qty = u32::try_from(50_000 / price + 1).unwrap();
    let r = app
        .call(order_request(
            &order_body("08031234567", id, qty),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = r.json();
    assert_eq!(j["error"], "order_total_exceeds_limit");
    assert_eq!(j["required"], price * i64::from(qty));
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);
    assert_eq!(app.upstream_order_count().await, 0);
}

#[tokio::test]
async fn a_12_way_same_key_race_makes_one_order() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    let body = order_body("08031234567", id, 1);
    let key = new_key();
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let router = app.router.clone();
        let req = order_request(&body, Some(&key));
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, bytes)
        }));
    }
    let mut refs = Vec::new();
    for t in tasks {
        let (status, bytes) = t.await.unwrap();
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        refs.push(v["data"]["reference"].as_str().unwrap().to_owned());
    }
    refs.dedup();
    assert_eq!(refs.len(), 1, "{refs:?}");
    assert_eq!(app.upstream_order_count().await, 1);
    assert_eq!(app.state.store().order_count().await.unwrap(), 1);
    // and a later retry with the key is the same order again
    let again = app.call(order_request(&body, Some(&key))).await;
    assert_eq!(again.json()["data"]["reference"], refs[0].as_str());
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn amigos_refusals_come_back_in_its_envelope() {
    let app = spawn_app_with(Options {
        max_order_total: 100_000_000,
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    let r = app
        .call(order_request(
            &order_body("08031234567", id, 1000),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.everything()
    );
    assert_eq!(r.json()["error"], "out_of_stock");
    assert_eq!(r.json()["product_ids"], json!([id]));

    let mut bad_state = order_body("08031234567", id, 1);
    bad_state["delivery"]["state_code"] = json!("XX");
    let r = app.call(order_request(&bad_state, Some(&new_key()))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"], "invalid_delivery_location");
    assert_eq!(r.json()["field"], "state_code");
}

#[tokio::test]
async fn upstream_5xx_is_retried_with_the_same_key_then_a_retryable_502() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    app.upstream
        .controls
        .fail(Some((ORDERS, StatusCode::INTERNAL_SERVER_ERROR)));
    let key = new_key();
    let body = order_body("08031234567", id, 1);
    let r = app.call(order_request(&body, Some(&key))).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.json()["error"], "upstream_error");
    assert_eq!(r.json()["retryable"], true);
    // the first attempt and two retries (the test proxy's `retries: 2`), all with the key
    assert_eq!(
        app.upstream.controls.post_keys(ORDERS),
        vec![Some(key.clone()); 3]
    );
    // the browser retries with the same key once Amigo is back: one order
    app.upstream.controls.fail(None);
    let ok = app.call(order_request(&body, Some(&key))).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn upstream_timeout_is_a_retryable_504_and_the_retry_is_safe() {
    let app = spawn_app_with(Options {
        timeout: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    // warm the product cache so only the order call is slow
    app.get(&format!("/api/catalog/products?id={id}")).await;
    app.upstream
        .controls
        .delay(Some((ORDERS, Duration::from_millis(1200))));
    let key = new_key();
    let body = order_body("08031234567", id, 1);
    let r = app.call(order_request(&body, Some(&key))).await;
    assert_eq!(r.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(r.json()["retryable"], true);
    app.upstream.controls.delay(None);
    // whether or not the abandoned call reached Amigo, the retry with the key is one order
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let ok = app.call(order_request(&body, Some(&key))).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn upstream_429_passes_retry_after_on() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    app.upstream
        .controls
        .fail(Some((ORDERS, StatusCode::TOO_MANY_REQUESTS)));
    let r = app
        .call(order_request(
            &order_body("08031234567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.json()["error"], "rate_limited");
    assert_eq!(r.json()["retry_after"], 7);
}

#[tokio::test]
async fn per_ip_and_per_phone_rate_limits() {
    let app = spawn_app_with(Options {
        rates: RateQuotas {
            orders_per_ip: 2,
            orders_per_phone: 1,
            lookups_per_ip: 100,
            catalog_per_ip: 10_000,
        },
        ..Options::default()
    })
    .await;
    let garbage = json!({"customer": {}, "delivery": {}, "items": []});
    for _ in 0..2 {
        let r = app
            .call(from_ip(
                order_request(&garbage, Some(&new_key())),
                "10.1.1.1",
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = app
        .call(from_ip(
            order_request(&garbage, Some(&new_key())),
            "10.1.1.1",
        ))
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs));
    assert_eq!(limited.json()["error"], "rate_limited");
    assert_eq!(limited.json()["retry_after"], secs);
    // another IP is not affected
    let other = app
        .call(from_ip(
            order_request(&garbage, Some(&new_key())),
            "10.1.1.2",
        ))
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);

    // one phone, written two ways, from two IPs: the second order is limited
    let (id, _) = app.product(false).await;
    let first_key = new_key();
    let first_body = order_body("0803 123 4567", id, 1);
    let first = app
        .call(from_ip(
            order_request(&first_body, Some(&first_key)),
            "10.2.0.1",
        ))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = app
        .call(from_ip(
            order_request(&order_body("+2348031234567", id, 1), Some(&new_key())),
            "10.2.0.2",
        ))
        .await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(second.header("retry-after").is_some());
    // A retry of the first order (its answer lost, the page reloaded) is not a new order: the
    // phone's limit does not refuse it, and it gets the first order's answer.
    let retry = app
        .call(from_ip(
            order_request(&first_body, Some(&first_key)),
            "10.2.0.3",
        ))
        .await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.everything());
    assert_eq!(
        retry.json()["data"]["reference"],
        first.json()["data"]["reference"]
    );
    // the same key for another order is still refused for what it is, not let through
    let reused = app
        .call(from_ip(
            order_request(&order_body("0803 123 4567", id, 2), Some(&first_key)),
            "10.2.0.4",
        ))
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.json()["error"], "idempotency_key_reused");
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn foreign_origins_are_refused_and_allowed_ones_get_cors() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    let body = serde_json::to_vec(&order_body("08031234567", id, 1)).unwrap();
    let evil = app
        .call(
            request(Method::POST, "/api/orders")
                .header("origin", "https://evil.example")
                .header("idempotency-key", new_key())
                .header("content-type", "application/json")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(evil.status, StatusCode::FORBIDDEN);
    assert_eq!(evil.json()["error"], "origin_not_allowed");
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);

    let preflight = app
        .call(
            request(Method::OPTIONS, "/api/orders")
                .header("origin", crate::helpers::SHOP_ORIGIN)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "content-type,idempotency-key",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(preflight.status.is_success());
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(crate::helpers::SHOP_ORIGIN)
    );
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("idempotency-key") && allowed.contains("content-type"));

    let evil_preflight = app
        .call(
            request(Method::OPTIONS, "/api/orders")
                .header("origin", "https://evil.example")
                .header("access-control-request-method", "POST")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(evil_preflight.status, StatusCode::FORBIDDEN);
    assert!(
        evil_preflight
            .header("access-control-allow-origin")
            .is_none()
    );

    let ok = app
        .call(
            request(Method::POST, "/api/orders")
                .header("origin", crate::helpers::SHOP_ORIGIN)
                .header("idempotency-key", new_key())
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some(crate::helpers::SHOP_ORIGIN)
    );
    // the proxy's own origin (the demo page) is allowed too
    let own = app
        .call(
            request(Method::GET, "/api/catalog/categories")
                .header("origin", app.proxy_url.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
}

#[tokio::test]
async fn bodies_over_64_kib_are_413_in_the_envelope() {
    let app = spawn_app().await;
    let big = vec![b' '; 65 * 1024];
    let r = app
        .call(
            request(Method::POST, "/api/orders")
                .header("idempotency-key", new_key())
                .header("content-type", "application/json")
                .body(Body::from(big.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"], "payload_too_large");
    // without a Content-Length (streamed) too
    let stream = futures::stream::iter(
        big.chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    let r = app
        .call(
            request(Method::POST, "/api/orders")
                .header("idempotency-key", new_key())
                .header("content-type", "application/json")
                .body(Body::from_stream(stream))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"], "payload_too_large");
    let hook = app
        .call(
            request(Method::POST, "/webhooks/amigo")
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    assert_eq!(hook.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn behind_a_trusted_reverse_proxy_the_forwarded_client_is_limited() {
    let app = spawn_app_with(Options {
        rates: RateQuotas {
            orders_per_ip: 1,
            orders_per_phone: 100,
            lookups_per_ip: 100,
            catalog_per_ip: 10_000,
        },
        trusted_proxies: vec!["10.0.0.1".parse().unwrap()],
        ..Options::default()
    })
    .await;
    let garbage = json!({"customer": {}, "delivery": {}, "items": []});
    let via_proxy = |client: &str| {
        let mut req = from_ip(order_request(&garbage, Some(&new_key())), "10.0.0.1");
        req.headers_mut()
            .insert("x-forwarded-for", client.parse().unwrap());
        req
    };
    assert_eq!(
        app.call(via_proxy("41.1.1.1")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.call(via_proxy("41.1.1.2")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.call(via_proxy("41.1.1.1")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // an untrusted peer cannot pick its own address
    let mut spoof = from_ip(order_request(&garbage, Some(&new_key())), "41.9.9.9");
    spoof
        .headers_mut()
        .insert("x-forwarded-for", "41.7.7.7".parse().unwrap());
    assert_eq!(
        app.call(spoof).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut spoof = from_ip(order_request(&garbage, Some(&new_key())), "41.9.9.9");
    spoof
        .headers_mut()
        .insert("x-forwarded-for", "41.8.8.8".parse().unwrap());
    assert_eq!(app.call(spoof).await.status, StatusCode::TOO_MANY_REQUESTS);
}
