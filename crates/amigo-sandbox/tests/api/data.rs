//! The Data API: the plan catalog at its three paths, every purchase validation error, the
//! network rules, the wallet shared with orders, idempotency (replay, mismatch, a 16-way race),
//! settlement and refunds, purchase history, test/live isolation and the shared rate limit.

use amigo_sandbox::SandboxConfig;
use axum::http::Method;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::*;

const DATA: &str = "/api/data/";
const ADVANCE: &str = "/api/data/sandbox/advance/";
const PRODUCTS: &str = "/api/commerce/products/";

fn mtn_1gb() -> Value {
    json!({"network": 1, "mobile_number": "0803 123 4567", "plan": 1001, "Ported_number": false})
}

async fn buy_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> Reply {
    app.request(
        Method::POST,
        DATA,
        Some(token),
        &[("idempotency-key", key)],
        Some(serde_json::to_vec(body).unwrap()),
    )
    .await
}

fn purchases(app: &TestApp, token: &str) -> usize {
    app.sandbox
        .state()
        .merchants
        .get(&amigo_types::token::ApiToken::parse(token).unwrap())
        .data
        .len()
}

fn price(app: &TestApp, plan: u64) -> i64 {
    let now = app.sandbox.clock().unix();
    app.sandbox
        .state()
        .data_plans
        .plan(plan, now)
        .unwrap()
        .price
        .amount
}

#[tokio::test]
async fn the_catalog_is_served_at_each_path_with_efficiency() {
    let app = app();
    let mut bodies = Vec::new();
    for path in ["/api/plans_catalog.php", "/plans_catalog.php"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, 200, "{path}");
        bodies.push(r.json());
    }
    assert_eq!(bodies[0], bodies[1], "one catalog at both documented paths");
    // the docs' tables: per network Plan ID, Capacity, Validity, Price; efficiency apart
    let tables = &bodies[0]["data"];
    let mtn = &tables["plans"]["MTN"][0];
    assert_eq!(
        (
            mtn["plan_id"].as_u64(),
            mtn["capacity"].as_str(),
            mtn["price"].as_str()
        ),
        (Some(1001), Some("1GB"), Some("₦350"))
    );
    assert!(
        tables["efficiency"]["Airtel"][0]["efficiency"]
            .as_str()
            .unwrap()
            .ends_with('%')
    );
    let one = app.get("/plans_catalog.php?network=4", None).await.json();
    assert_eq!(one["data"]["plans"].as_object().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/data/plans", None).await.body,
        app.get("/api/data/plans/", None).await.body
    );
    let all = app.get("/api/data/plans/", None).await.json();
    let plans = all["data"].as_array().unwrap();
    assert_eq!(plans.len(), 4 * 13);
    for net in [1, 2, 3, 4] {
        assert!(plans.iter().any(|p| p["network"] == net));
    }
    let p = &plans[0];
    assert_eq!(
        (p["plan_id"].as_u64(), p["capacity"].as_str()),
        (Some(1001), Some("1GB"))
    );
    assert_eq!(p["price"]["display"], "₦350");
    assert!(p["efficiency"].as_u64().unwrap() <= 100);
    assert!(plans.iter().any(|p| p["efficiency_rating"] == "poor"));

    let glo = app.get("/api/data/plans/?network=2", None).await.json();
    assert!(
        glo["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["network"] == 2 && p["network_name"] == "Glo")
    );
    let bad = app.get("/api/data/plans/?network=9", None).await;
    assert_eq!(
        (bad.status.as_u16(), code(&bad).as_str()),
        (422, "invalid_network")
    );
}

#[tokio::test]
async fn every_body_field_has_its_own_error_and_nothing_is_charged() {
    let app = app();
    let start = balance(&app, TEST_TOKEN);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"mobile_number": "08031234567", "plan": 1001}),
            "invalid_network",
            "network",
        ),
        (
            json!({"network": 5, "mobile_number": "08031234567", "plan": 1001}),
            "invalid_network",
            "network",
        ),
        (
            json!({"network": 1, "plan": 1001}),
            "invalid_mobile_number",
            "mobile_number",
        ),
        (
            json!({"network": 1, "mobile_number": "12345", "plan": 1001}),
            "invalid_mobile_number",
            "mobile_number",
        ),
        (
            json!({"network": 1, "mobile_number": "08031234567"}),
            "invalid_plan",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": "08031234567", "plan": -3}),
            "invalid_plan",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": "08031234567", "plan": 1999}),
            "invalid_plan",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": "08031234567", "plan": 1001, "Ported_number": "yes"}),
            "invalid_ported_number",
            "Ported_number",
        ),
        (
            json!({"network": 1, "mobile_number": "08031234567", "plan": 2001}),
            "plan_network_mismatch",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": "08051234567", "plan": 1001}),
            "network_mismatch",
            "mobile_number",
        ),
    ];
    for (body, want, field) in cases {
        let r = app.post_json(DATA, Some(TEST_TOKEN), &body).await;
        assert_eq!(
            (r.status.as_u16(), code(&r).as_str()),
            (422, want),
            "{body}"
        );
        let j = r.json();
        assert_eq!(j["success"], false);
        assert_eq!(j["field"], field, "{body}");
        assert!(!j["message"].as_str().unwrap().is_empty());
    }
    let r = app
        .request(
            Method::POST,
            DATA,
            Some(TEST_TOKEN),
            &[],
            Some(b"not json".to_vec()),
        )
        .await;
    assert_eq!(code(&r), "invalid_json");
    assert_eq!(balance(&app, TEST_TOKEN), start);
    assert_eq!(purchases(&app, TEST_TOKEN), 0);
    assert_eq!(app.post_json(DATA, None, &mtn_1gb()).await.status, 401);
}

#[tokio::test]
async fn a_ported_number_may_buy_on_another_network() {
    let app = app();
    let body = json!({"network": 1, "mobile_number": "+234 805 123 4567", "plan": 1001, "Ported_number": true});
    let r = app.post_json(DATA, Some(TEST_TOKEN), &body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let d = &r.json()["data"];
    assert_eq!(
        (d["mobile_number"].as_str(), d["ported_number"].as_bool()),
        (Some("08051234567"), Some(true))
    );
    assert_eq!(d["network_name"], "MTN");
}

#[tokio::test]
async fn a_purchase_debits_the_wallet_orders_pay_from() {
    let app = app();
    let start = balance(&app, TEST_TOKEN);
    let r = app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb()).await;
    assert_eq!(r.status, 201);
    let d = &r.json()["data"];
    assert_eq!(d["status"], "processing");
    assert_eq!(d["livemode"], false);
    assert!(
        d["reference"]
            .as_str()
            .unwrap()
            .starts_with("AMG-DAT-TEST-")
    );
    assert_eq!(d["amount"]["amount"].as_i64(), Some(price(&app, 1001)));
    let after_data = start - price(&app, 1001);
    assert_eq!(balance(&app, TEST_TOKEN), after_data);

    // An order now sees the lowered balance: one that costs exactly the old balance is refused.
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    app.sandbox
        .state()
        .merchants
        .get(&amigo_types::token::ApiToken::parse(TEST_TOKEN).unwrap())
        .wallet
        .reset(p.price.amount + price(&app, 1001) - 1);
    let r = app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb()).await;
    assert_eq!(r.status, 201);
    let r = app
        .post_json(ORDERS, Some(TEST_TOKEN), &order_body(&[(p.id, 1)], None))
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "insufficient_balance")
    );
    assert_eq!(r.json()["balance"].as_i64(), Some(p.price.amount - 1));

    // And data sees what orders left.
    app.sandbox
        .state()
        .merchants
        .get(&amigo_types::token::ApiToken::parse(TEST_TOKEN).unwrap())
        .wallet
        .reset(100);
    let r = app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb()).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "insufficient_balance")
    );
    let j = r.json();
    assert_eq!(
        (j["required"].as_i64(), j["balance"].as_i64()),
        (Some(price(&app, 1001)), Some(100))
    );
}

#[tokio::test]
async fn a_replay_is_byte_for_byte_and_another_body_is_refused() {
    let app = app();
    let start = balance(&app, TEST_TOKEN);
    let first = buy_with_key(&app, TEST_TOKEN, "dat-1", &mtn_1gb()).await;
    assert_eq!(first.status, 201);
    let again = buy_with_key(&app, TEST_TOKEN, "dat-1", &mtn_1gb()).await;
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let mut other = mtn_1gb();
    other["plan"] = json!(1002);
    let r = buy_with_key(&app, TEST_TOKEN, "dat-1", &other).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "idempotency_key_reused")
    );
    assert_eq!(purchases(&app, TEST_TOKEN), 1);
    assert_eq!(balance(&app, TEST_TOKEN), start - price(&app, 1001));
    // A validation failure does not consume the key.
    let r = buy_with_key(&app, TEST_TOKEN, "dat-2", &json!({"network": 1})).await;
    assert_eq!(code(&r), "invalid_mobile_number");
    assert_eq!(
        buy_with_key(&app, TEST_TOKEN, "dat-2", &mtn_1gb())
            .await
            .status,
        201
    );
    // A key used for an order is a different request on this endpoint.
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let ob = serde_json::to_vec(&order_body(&[(p.id, 1)], None)).unwrap();
    assert_eq!(
        place_with_key(&app, TEST_TOKEN, "shared", &ob).await.status,
        201
    );
    let r = buy_with_key(&app, TEST_TOKEN, "shared", &mtn_1gb()).await;
    assert_eq!(code(&r), "idempotency_key_reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_racing_buys_with_one_key_make_one_purchase_and_one_debit() {
    let app = app();
    let start = balance(&app, TEST_TOKEN);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (app, barrier) = (app.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                buy_with_key(&app, TEST_TOKEN, "race", &mtn_1gb()).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.unwrap());
    }
    assert!(
        replies
            .iter()
            .all(|r| r.status == 201 && r.body == replies[0].body)
    );
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.headers.get("idempotent-replayed").is_none())
            .count(),
        1
    );
    assert_eq!(purchases(&app, TEST_TOKEN), 1);
    assert_eq!(balance(&app, TEST_TOKEN), start - price(&app, 1001));
}

#[tokio::test]
async fn purchases_settle_and_failures_are_refunded() {
    let app = app();
    let start = balance(&app, TEST_TOKEN);
    let a = app
        .post_json(DATA, Some(TEST_TOKEN), &mtn_1gb())
        .await
        .json()["data"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app
        .post_json(DATA, Some(TEST_TOKEN), &mtn_1gb())
        .await
        .json()["data"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let cost = price(&app, 1001);
    assert_eq!(balance(&app, TEST_TOKEN), start - 2 * cost);

    let r = app
        .post_json(
            ADVANCE,
            Some(TEST_TOKEN),
            &json!({"reference": a, "outcome": "failed"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let d = &r.json()["data"];
    assert_eq!(
        (d["status"].as_str(), d["refunded"].as_bool()),
        (Some("failed"), Some(true))
    );
    assert_eq!(balance(&app, TEST_TOKEN), start - cost, "refunded");
    let r = app
        .post_json(
            ADVANCE,
            Some(TEST_TOKEN),
            &json!({"reference": a, "outcome": "delivered"}),
        )
        .await;
    assert_eq!(code(&r), "invalid_transition");
    let r = app
        .post_json(
            ADVANCE,
            Some(TEST_TOKEN),
            &json!({"reference": b, "outcome": "maybe"}),
        )
        .await;
    assert_eq!(code(&r), "invalid_outcome");
    let r = app
        .post_json(
            ADVANCE,
            Some(TEST_TOKEN),
            &json!({"reference": "AMG-DAT-TEST-NOPE", "outcome": "failed"}),
        )
        .await;
    assert_eq!(r.status, 404);

    // Left alone, `b` settles by itself after the processing window, one way or the other,
    // and the wallet agrees with the outcome.
    let before = app
        .get(&format!("{DATA}?ref={b}"), Some(TEST_TOKEN))
        .await
        .json();
    assert_eq!(before["data"]["status"], "processing");
    app.sandbox
        .advance_clock(amigo_sandbox::data::SETTLE_AFTER_SECS);
    let after = app
        .get(&format!("{DATA}?ref={b}"), Some(TEST_TOKEN))
        .await
        .json();
    match after["data"]["status"].as_str().unwrap() {
        "delivered" => assert_eq!(balance(&app, TEST_TOKEN), start - cost),
        "failed" => assert_eq!(balance(&app, TEST_TOKEN), start),
        other => panic!("not settled: {other}"),
    }
    assert!(after["data"]["completed_at"].is_string());
}

#[tokio::test]
async fn history_is_per_token_and_test_and_live_never_cross() {
    let app = app();
    let mine = app
        .post_json(DATA, Some(TEST_TOKEN), &mtn_1gb())
        .await
        .json()["data"]
        .clone();
    app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb()).await;
    let live = app
        .post_json(DATA, Some(LIVE_TOKEN.as_str()), &mtn_1gb())
        .await;
    assert_eq!(live.status, 201, "{}", String::from_utf8_lossy(&live.body));
    let live = live.json()["data"].clone();
    assert_eq!(live["livemode"], true);
    assert!(live["reference"].as_str().unwrap().starts_with("AMG-DAT-2"));

    let list = app.get("/api/data/?limit=1", Some(TEST_TOKEN)).await.json();
    assert_eq!(list["pagination"]["total"], 2);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["pagination"]["has_more"], true);
    let r = mine["reference"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("{DATA}?ref={r}"), Some(TEST_TOKEN))
            .await
            .json()["data"],
        mine
    );
    for other in [OTHER_TEST_TOKEN, LIVE_TOKEN.as_str()] {
        let got = app.get(&format!("{DATA}?ref={r}"), Some(other)).await;
        assert_eq!(
            (got.status.as_u16(), code(&got).as_str()),
            (404, "not_found")
        );
    }
    let lr = live["reference"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("{DATA}?ref={lr}"), Some(TEST_TOKEN))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/data/", Some(OTHER_TEST_TOKEN)).await.json()["pagination"]["total"],
        0
    );
    let bad = app.get("/api/data/?limit=0", Some(TEST_TOKEN)).await;
    assert_eq!(bad.status, 422);
    // The advance extension is test-only.
    let r = app
        .post_json(
            ADVANCE,
            Some(LIVE_TOKEN.as_str()),
            &json!({"reference": lr, "outcome": "failed"}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (403, "live_token_not_allowed")
    );
}

#[tokio::test]
async fn data_and_commerce_share_one_rate_limit() {
    let app = app_with(SandboxConfig {
        rate_limit_per_minute: 3,
        ..SandboxConfig::default()
    });
    if app.sandbox.clock().unix().rem_euclid(60) > 55 {
        app.sandbox.advance_clock(10);
    }
    assert_eq!(app.get(PRODUCTS, Some(TEST_TOKEN)).await.status, 200);
    assert_eq!(
        app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb())
            .await
            .status,
        201
    );
    assert_eq!(app.get("/api/data/", Some(TEST_TOKEN)).await.status, 200);
    let r = app.post_json(DATA, Some(TEST_TOKEN), &mtn_1gb()).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (429, "rate_limited")
    );
    assert_eq!(app.get(PRODUCTS, Some(TEST_TOKEN)).await.status, 429);
    assert_eq!(purchases(&app, TEST_TOKEN), 1);
}

/// `--docs-only`: the invented catalog path and the purchase lookup answer `404 not_found`, the
/// documented catalog has only the docs' three tables, and buying still works.
#[tokio::test]
async fn docs_only_turns_the_invented_data_endpoints_off() {
    let app = app_with(SandboxConfig {
        docs_only: true,
        ..SandboxConfig::default()
    });
    let off = app.get("/api/data/plans/", None).await;
    assert_eq!(
        (off.status.as_u16(), code(&off).as_str()),
        (404, "not_found")
    );
    let catalog = app.get("/api/plans_catalog.php", None).await.json();
    let names: Vec<&String> = catalog["data"]["plans"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names, ["Airtel", "Glo", "MTN"]);
    let bought = buy_with_key(&app, TEST_TOKEN, "docs-only-1", &mtn_1gb()).await;
    assert_eq!(bought.status, 201);
    let lookup = app.get(DATA, Some(TEST_TOKEN)).await;
    assert_eq!(
        (lookup.status.as_u16(), code(&lookup).as_str()),
        (404, "not_found")
    );
}

/// `--docs-only` cuts every product's `price.market` down to its `amount` (the docs elide its
/// contents): a list with deals carries nothing else there; without the flag `display` and
/// `discount_percent` are still served.
#[tokio::test]
async fn docs_only_cuts_market_prices_to_their_amount() {
    for docs_only in [false, true] {
        let app = app_with(SandboxConfig {
            docs_only,
            ..SandboxConfig::default()
        });
        let page = app
            .get(
                "/api/commerce/curation/?type=deals&limit=20",
                Some(TEST_TOKEN),
            )
            .await;
        assert_eq!(page.status, 200);
        let body = page.json();
        let markets: Vec<&serde_json::Map<String, serde_json::Value>> = body["data"]["products"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["price"]["market"].as_object())
            .collect();
        assert!(!markets.is_empty(), "deals have market prices");
        for m in markets {
            let keys: Vec<&String> = m.keys().collect();
            if docs_only {
                assert_eq!(keys, ["amount"]);
            } else {
                assert!(m.contains_key("discount_percent"), "{m:?}");
            }
        }
    }
}
