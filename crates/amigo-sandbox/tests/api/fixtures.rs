//! Write-side fixtures: catalog picks by delivery scheme and stock, order bodies, and
//! shortcuts for placing, advancing and subscribing.

use amigo_types::catalog::Product;
use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp};

/// The seeded scheme that ships everywhere (LGA, state and fallback rows).
pub(crate) const DEFAULT_DOMESTIC: Option<u32> = Some(1);
/// The seeded scheme that ships only to Lagos (no fallback).
pub(crate) const LAGOS_METRO: Option<u32> = Some(2);

/// Orders endpoint.
pub(crate) const ORDERS: &str = "/api/commerce/orders/";
/// Webhooks endpoint.
pub(crate) const WEBHOOKS: &str = "/api/commerce/webhooks/";
/// Lifecycle extension endpoint.
pub(crate) const ADVANCE: &str = "/api/commerce/sandbox/orders/advance/";
/// Wallet reset endpoint.
pub(crate) const RESET: &str = "/api/commerce/sandbox/reset-balance/";

/// The first catalog product (current stock) that satisfies `pred`.
pub(crate) fn pick(app: &TestApp, pred: impl Fn(&Product) -> bool) -> Product {
    let catalog = &app.sandbox.state().catalog;
    (1..=catalog.len() as u64)
        .filter_map(|id| catalog.product(id))
        .find(|p| pred(p))
        .expect("the seeded catalog has such a product")
}

/// A product of `scheme` with at least `stock` units and paid standard delivery.
pub(crate) fn paid_delivery_product(app: &TestApp, scheme: Option<u32>, stock: u32) -> Product {
    pick(app, |p| {
        p.delivery_scheme_id == scheme && p.stock.count >= stock && !p.free_delivery
    })
}

/// The product with the most stock (for many orders in a row).
pub(crate) fn best_stocked(app: &TestApp) -> Product {
    let catalog = &app.sandbox.state().catalog;
    (1..=catalog.len() as u64)
        .filter_map(|id| catalog.product(id))
        .max_by_key(|p| p.stock.count)
        .expect("catalog is not empty")
}

/// An order body for `items` (`(product_id, quantity)`), delivered to `(state_code, lga_name)`
/// when given (a legacy, free-shipping order otherwise).
pub(crate) fn order_body(items: &[(u64, u32)], place: Option<(&str, &str)>) -> Value {
    let mut delivery =
        json!({"address": "Plot 12, Sabon Gari, off PZ Road", "notes": "Call on arrival"});
    if let Some((state, lga)) = place {
        delivery["state_code"] = json!(state);
        delivery["lga_name"] = json!(lga);
    }
    json!({
        "customer": {"name": "Aisha Bello", "phone": "08012345678", "email": "aisha@example.com"},
        "delivery": delivery,
        "items": items.iter().map(|(id, q)| json!({"product_id": id, "quantity": q})).collect::<Vec<_>>(),
    })
}

/// Places an order and asserts 201; returns the order object.
pub(crate) async fn place(app: &TestApp, token: &str, body: &Value) -> Value {
    let r = app.post_json(ORDERS, Some(token), body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()["data"].clone()
}

/// Places an order with an `Idempotency-Key`.
pub(crate) async fn place_with_key(app: &TestApp, token: &str, key: &str, body: &[u8]) -> Reply {
    app.request(
        Method::POST,
        ORDERS,
        Some(token),
        &[("idempotency-key", key)],
        Some(body.to_vec()),
    )
    .await
}

/// Calls the lifecycle extension.
pub(crate) async fn advance(
    app: &TestApp,
    token: &str,
    reference: &str,
    status: &str,
    reason: Option<&str>,
) -> Reply {
    let mut body = json!({"reference": reference, "status": status});
    if let Some(r) = reason {
        body["reason"] = json!(r);
    }
    app.post_json(ADVANCE, Some(token), &body).await
}

/// Registers a webhook endpoint; returns `(id, secret)`.
pub(crate) async fn subscribe(
    app: &TestApp,
    token: &str,
    url: &str,
    events: &str,
) -> (u64, String) {
    let r = app
        .post_json(
            WEBHOOKS,
            Some(token),
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let data = &r.json()["data"];
    (
        data["id"].as_u64().unwrap(),
        data["secret"].as_str().unwrap().to_owned(),
    )
}

/// The wallet balance of `token`.
pub(crate) fn balance(app: &TestApp, token: &str) -> i64 {
    app.sandbox
        .state()
        .merchants
        .balance(&amigo_types::token::ApiToken::parse(token).unwrap())
}

/// The error code of a reply.
pub(crate) fn code(r: &Reply) -> String {
    r.json()["error"].as_str().unwrap_or("").to_owned()
}
