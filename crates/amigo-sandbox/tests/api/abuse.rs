//! Issue 23, items 18 and 19 (left from the go-live fidelity issue): one test per item, named
//! `abuse_NN_…` like the proxy's.

use axum::http::Method;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::*;

async fn register(app: &TestApp, key: &str, body: &serde_json::Value) -> Reply {
    app.request(
        Method::POST,
        WEBHOOKS,
        Some(TEST_TOKEN),
        &[("Idempotency-Key", key)],
        Some(serde_json::to_vec(body).unwrap()),
    )
    .await
}

/// Item 18: a webhook registration ignored `Idempotency-Key`, so a retried registration made a
/// second endpoint (every event delivered twice, under two secrets). Now the retry replays the
/// first answer byte for byte, a different body under the key is refused, and a refused body
/// does not use the key up.
#[tokio::test]
async fn abuse_18_webhook_registration_honours_idempotency_key() {
    let app = app();
    let hook = json!({"url": "https://shop.example.com/webhooks/amigo", "events": "*"});
    let first = register(&app, "hook-1", &hook).await;
    assert_eq!(first.status, 201);
    let again = register(&app, "hook-1", &hook).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "the same endpoint and secret");
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let listed = app.get(WEBHOOKS, Some(TEST_TOKEN)).await.json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");

    // another body under the same key is refused, not registered
    let other = json!({"url": "https://shop.example.com/other", "events": "*"});
    let r = register(&app, "hook-1", &other).await;
    assert_eq!(
        (r.status.as_u16(), code(&r)),
        (422, "idempotency_key_reused".to_owned())
    );

    // a body refused by validation leaves its key free
    let bad = json!({"url": "ftp://nowhere", "events": "*"});
    let r = register(&app, "hook-2", &bad).await;
    assert_eq!(r.status, 422);
    let r = register(&app, "hook-2", &other).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let listed = app.get(WEBHOOKS, Some(TEST_TOKEN)).await.json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 2, "{listed}");
}

/// Item 19: where the docs do not say to refuse, the sandbox takes the most lenient reading (each
/// listed in the README): a product named on two lines is one line of both quantities (orders
/// and quotes), a well-formed category slug of no category is an empty page, and `limit` above
/// 100 is capped at 100 on products, orders and data purchases.
#[tokio::test]
async fn abuse_19_repeated_lines_unknown_categories_and_large_limits_are_read_leniently() {
    let app = app();
    let product = best_stocked(&app);
    let order = place(
        &app,
        TEST_TOKEN,
        &order_body(&[(product.id, 1), (product.id, 2)], Some(("KD", "Zaria"))),
    )
    .await;
    let items = order["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{order}");
    assert_eq!(items[0]["quantity"], 3);
    // a total over the documented 1–1000 is refused like one line of it
    let r = app
        .post_json(
            ORDERS,
            Some(TEST_TOKEN),
            &order_body(&[(product.id, 600), (product.id, 600)], None),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r)),
        (422, "invalid_items".to_owned())
    );

    let quote = app
        .post_json(
            "/api/commerce/delivery/quote/",
            None,
            &json!({"state_code": "KD", "lga_name": "Zaria", "items": [
                {"product_id": product.id, "quantity": 1},
                {"product_id": product.id, "quantity": 1},
            ]}),
        )
        .await;
    assert_eq!(
        quote.status,
        200,
        "{}",
        String::from_utf8_lossy(&quote.body)
    );

    let r = app
        .get(
            "/api/commerce/products/?category=no-such-category",
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["pagination"]["total"], 0);

    for list in ["/api/commerce/products/", ORDERS, "/api/data/"] {
        let r = app
            .get(&format!("{list}?limit=500"), Some(TEST_TOKEN))
            .await;
        assert_eq!(
            r.status,
            200,
            "{list}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.json()["pagination"]["limit"], 100, "{list}");
    }
}
