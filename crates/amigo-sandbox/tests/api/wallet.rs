//! Wallets and modes: the test wallet and its reset, the live wallet's start, and the
//! reset endpoint's refusal of live tokens.

use amigo_sandbox::SandboxConfig;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::*;

#[tokio::test]
async fn the_test_wallet_starts_at_a_million_and_resets_to_it() {
    let app = app();
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000);
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    place(&app, TEST_TOKEN, &order_body(&[(p.id, 1)], None)).await;
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000 - p.price.amount);

    let r = app.post_json(RESET, Some(TEST_TOKEN), &json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        std::str::from_utf8(&r.body).unwrap(),
        r#"{"success":true,"data":{"test_balance":1000000,"display":"₦1,000,000","livemode":false}}"#
    );
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000);
    let r = app
        .request(axum::http::Method::POST, RESET, Some(TEST_TOKEN), &[], None)
        .await;
    assert_eq!(r.status, 200, "no body needed");
}

#[tokio::test]
async fn live_tokens_start_at_the_live_balance_and_cannot_reset() {
    let app = app_with(SandboxConfig {
        live_balance: 12_500,
        ..SandboxConfig::default()
    });
    assert_eq!(balance(&app, LIVE_TOKEN.as_str()), 12_500);
    let r = app
        .post_json(RESET, Some(LIVE_TOKEN.as_str()), &json!({}))
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (403, "live_token_not_allowed")
    );
    assert_eq!(balance(&app, LIVE_TOKEN.as_str()), 12_500);
    let r = app.post_json(RESET, None, &json!({})).await;
    assert_eq!(r.status, 401);
    let r = app.get(RESET, Some(TEST_TOKEN)).await;
    assert_eq!(r.status, 405);
}
