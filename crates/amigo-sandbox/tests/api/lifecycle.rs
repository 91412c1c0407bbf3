//! The sandbox-only lifecycle extension: allowed and refused transitions, refunds, live stock
//! restored on cancel, and scoping to the caller's own orders.

use amigo_sandbox::SandboxConfig;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::*;

#[tokio::test]
async fn orders_move_paid_accepted_shipped_delivered_and_no_further() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let o = place(&app, TEST_TOKEN, &order_body(&[(p.id, 1)], None)).await;
    let reference = o["reference"].as_str().unwrap();
    let refused = |from: &str, to: &str| format!("{from} → {to}");
    let r = advance(&app, TEST_TOKEN, reference, "shipped", None).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "invalid_transition"),
        "{}",
        refused("paid", "shipped")
    );
    for (to, refused_next) in [
        ("accepted", "delivered"),
        ("shipped", "cancelled"),
        ("delivered", "cancelled"),
    ] {
        let r = advance(&app, TEST_TOKEN, reference, to, None).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let data = &r.json()["data"];
        assert_eq!(data["status"], to);
        assert_eq!(data["payment_state"], "paid");
        assert_eq!(data["reference"], reference);
        let r = advance(&app, TEST_TOKEN, reference, refused_next, None).await;
        assert_eq!(
            code(&r),
            "invalid_transition",
            "{}",
            refused(to, refused_next)
        );
    }
    let r = advance(&app, TEST_TOKEN, reference, "paid", None).await;
    assert_eq!(code(&r), "invalid_status");
    let stored = app
        .get(&format!("{ORDERS}?ref={reference}"), Some(TEST_TOKEN))
        .await
        .json();
    assert_eq!(stored["data"]["status"], "delivered");
}

#[tokio::test]
async fn cancelling_refunds_the_wallet_once_and_keeps_the_reason() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let o = place(
        &app,
        TEST_TOKEN,
        &order_body(&[(p.id, 1)], Some(("KD", "Zaria"))),
    )
    .await;
    let reference = o["reference"].as_str().unwrap();
    assert!(balance(&app, TEST_TOKEN) < 1_000_000);
    assert_eq!(
        advance(&app, TEST_TOKEN, reference, "accepted", None)
            .await
            .status,
        200
    );
    let r = advance(
        &app,
        TEST_TOKEN,
        reference,
        "cancelled",
        Some("Customer changed their mind"),
    )
    .await;
    assert_eq!(r.status, 200);
    let data = &r.json()["data"];
    assert_eq!(data["status"], "cancelled");
    assert_eq!(data["payment_state"], "refunded");
    assert_eq!(data["cancelled_reason"], "Customer changed their mind");
    assert_eq!(data["total"], o["total"], "the snapshot is unchanged");
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000, "refunded in full");
    let again = advance(&app, TEST_TOKEN, reference, "cancelled", None).await;
    assert_eq!(code(&again), "invalid_transition");
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000, "refunded once");

    let o = place(&app, TEST_TOKEN, &order_body(&[(p.id, 1)], None)).await;
    let r = advance(
        &app,
        TEST_TOKEN,
        o["reference"].as_str().unwrap(),
        "cancelled",
        None,
    )
    .await;
    assert_eq!(
        r.json()["data"]["cancelled_reason"],
        "Cancelled by the merchant."
    );
}

#[tokio::test]
async fn cancelling_a_live_order_restores_its_stock() {
    let app = app_with(SandboxConfig {
        live_balance: 100_000_000,
        ..SandboxConfig::default()
    });
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 3);
    let stock = || {
        app.sandbox
            .state()
            .catalog
            .product(p.id)
            .unwrap()
            .stock
            .count
    };
    let o = place(&app, LIVE_TOKEN.as_str(), &order_body(&[(p.id, 3)], None)).await;
    assert_eq!(stock(), p.stock.count - 3);
    let r = advance(
        &app,
        LIVE_TOKEN.as_str(),
        o["reference"].as_str().unwrap(),
        "cancelled",
        Some("x"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(stock(), p.stock.count);
    assert_eq!(balance(&app, LIVE_TOKEN.as_str()), 100_000_000);
}

#[tokio::test]
async fn only_the_callers_orders_can_be_advanced() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let o = place(&app, TEST_TOKEN, &order_body(&[(p.id, 1)], None)).await;
    let reference = o["reference"].as_str().unwrap();
    for other in [OTHER_TEST_TOKEN, LIVE_TOKEN.as_str()] {
        let r = advance(&app, other, reference, "cancelled", None).await;
        assert_eq!((r.status.as_u16(), code(&r).as_str()), (404, "not_found"));
    }
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000 - p.price.amount);
    let r = advance(
        &app,
        TEST_TOKEN,
        "AMG-COM-TEST-20260101-NOPE00",
        "accepted",
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    let r = app
        .post_json(ADVANCE, Some(TEST_TOKEN), &json!({"status": "accepted"}))
        .await;
    assert_eq!(code(&r), "invalid_reference");
    let r = app
        .post_json(
            ADVANCE,
            None,
            &json!({"reference": reference, "status": "accepted"}),
        )
        .await;
    assert_eq!(r.status, 401);
}
