//! `Idempotency-Key` on `POST orders/`: byte-for-byte replays, Stripe's mismatch and
//! storage rules, per-token scope, the 24-hour TTL, and a 16-way race for one key.

use serde_json::json;

use crate::fixtures::*;
use crate::helpers::*;

fn body(app: &TestApp) -> Vec<u8> {
    let p = paid_delivery_product(app, DEFAULT_DOMESTIC, 1);
    serde_json::to_vec(&order_body(&[(p.id, 1)], Some(("KD", "Zaria")))).unwrap()
}

fn orders(app: &TestApp, token: &str) -> usize {
    app.sandbox
        .state()
        .merchants
        .get(&amigo_types::token::ApiToken::parse(token).unwrap())
        .orders
        .len()
}

#[tokio::test]
async fn a_replay_is_the_original_response_byte_for_byte() {
    let app = app();
    let b = body(&app);
    let first = place_with_key(&app, TEST_TOKEN, "ord-2026-05-17-7f3a", &b).await;
    assert_eq!(first.status, 201);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let after_first = balance(&app, TEST_TOKEN);

    // Same JSON, different layout and key order: the same request.
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let relaid = serde_json::to_vec_pretty(
        &json!({"items": v["items"], "delivery": v["delivery"], "customer": v["customer"]}),
    )
    .unwrap();
    for again in [b.clone(), relaid] {
        let r = place_with_key(&app, TEST_TOKEN, "ord-2026-05-17-7f3a", &again).await;
        assert_eq!(r.status, 201);
        assert_eq!(r.body, first.body, "byte for byte");
        assert_eq!(r.headers["idempotent-replayed"], "true");
        assert_eq!(r.headers["content-type"], "application/json");
    }
    assert_eq!(orders(&app, TEST_TOKEN), 1);
    assert_eq!(balance(&app, TEST_TOKEN), after_first, "no double debit");
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = app();
    let b = body(&app);
    assert_eq!(place_with_key(&app, TEST_TOKEN, "k1", &b).await.status, 201);
    let mut other: serde_json::Value = serde_json::from_slice(&b).unwrap();
    other["customer"]["name"] = json!("Someone Else");
    let r = place_with_key(&app, TEST_TOKEN, "k1", &serde_json::to_vec(&other).unwrap()).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "idempotency_key_reused")
    );
    assert_eq!(orders(&app, TEST_TOKEN), 1);
}

#[tokio::test]
async fn replay_any_mode_answers_another_body_with_the_original_response() {
    let app = app_with(amigo_sandbox::SandboxConfig {
        idempotency_mode: amigo_sandbox::idempotency::IdempotencyMode::ReplayAny,
        ..amigo_sandbox::SandboxConfig::default()
    });
    let b = body(&app);
    let first = place_with_key(&app, TEST_TOKEN, "k1", &b).await;
    assert_eq!(first.status, 201);
    let after_first = balance(&app, TEST_TOKEN);
    let mut other: serde_json::Value = serde_json::from_slice(&b).unwrap();
    other["customer"]["name"] = json!("Someone Else");
    let r = place_with_key(&app, TEST_TOKEN, "k1", &serde_json::to_vec(&other).unwrap()).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body, first.body, "the original order, byte for byte");
    assert_eq!(r.headers["idempotent-replayed"], "true");
    assert_eq!(orders(&app, TEST_TOKEN), 1);
    assert_eq!(balance(&app, TEST_TOKEN), after_first, "no second debit");
    // a new key still places a new order
    assert_eq!(place_with_key(&app, TEST_TOKEN, "k2", &b).await.status, 201);
    assert_eq!(orders(&app, TEST_TOKEN), 2);
}

#[tokio::test]
async fn bad_keys_are_refused_and_good_ones_are_scoped_per_token() {
    let app = app();
    let b = body(&app);
    let r = place_with_key(&app, TEST_TOKEN, &"k".repeat(81), &b).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "invalid_idempotency_key")
    );
    assert_eq!(r.json()["field"], "Idempotency-Key");
    assert_eq!(
        place_with_key(&app, TEST_TOKEN, &"k".repeat(80), &b)
            .await
            .status,
        201
    );
    assert_eq!(orders(&app, TEST_TOKEN), 1);

    let mine = place_with_key(&app, TEST_TOKEN, "shared", &b).await;
    let theirs = place_with_key(&app, OTHER_TEST_TOKEN, "shared", &b).await;
    assert_eq!((mine.status.as_u16(), theirs.status.as_u16()), (201, 201));
    assert_ne!(
        mine.json()["data"]["reference"],
        theirs.json()["data"]["reference"]
    );
    assert!(theirs.headers.get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn validation_failures_do_not_consume_the_key_but_business_failures_are_kept() {
    let app = app();
    let mut bad: serde_json::Value = serde_json::from_slice(&body(&app)).unwrap();
    bad["customer"]["name"] = json!("");
    let r = place_with_key(&app, TEST_TOKEN, "k", &serde_json::to_vec(&bad).unwrap()).await;
    assert_eq!(code(&r), "invalid_customer_name");
    let r = place_with_key(&app, TEST_TOKEN, "k", &serde_json::to_vec(&bad).unwrap()).await;
    assert!(
        r.headers.get("idempotent-replayed").is_none(),
        "nothing was stored"
    );
    let r = place_with_key(&app, TEST_TOKEN, "k", &body(&app)).await;
    assert_eq!(
        r.status, 201,
        "the key is still free for the corrected body"
    );

    // An order that began and was refused for stock is kept, like Stripe keeps a decline.
    let scarce = pick(&app, |p| (1..=5).contains(&p.stock.count));
    let short =
        serde_json::to_vec(&order_body(&[(scarce.id, scarce.stock.count + 1)], None)).unwrap();
    let first = place_with_key(&app, TEST_TOKEN, "short", &short).await;
    assert_eq!(code(&first), "out_of_stock");
    let again = place_with_key(&app, TEST_TOKEN, "short", &short).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!((again.status, &again.body), (first.status, &first.body));
}

#[tokio::test]
async fn keys_expire_after_24_hours_of_sandbox_time() {
    let app = app();
    let b = body(&app);
    let first = place_with_key(&app, TEST_TOKEN, "ttl", &b).await;
    app.sandbox.advance_clock(24 * 3600 - 5);
    let replay = place_with_key(&app, TEST_TOKEN, "ttl", &b).await;
    assert_eq!(replay.body, first.body);
    app.sandbox.advance_clock(10);
    let fresh = place_with_key(&app, TEST_TOKEN, "ttl", &b).await;
    assert_eq!(fresh.status, 201);
    assert!(fresh.headers.get("idempotent-replayed").is_none());
    assert_ne!(fresh.json()["data"]["id"], first.json()["data"]["id"]);
    assert_eq!(orders(&app, TEST_TOKEN), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_racing_requests_with_one_key_make_one_order_and_one_debit() {
    let app = app();
    let b = body(&app);
    let start = balance(&app, TEST_TOKEN);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (app, b, barrier) = (app.clone(), b.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                place_with_key(&app, TEST_TOKEN, "race", &b).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.unwrap());
    }
    assert!(replies.iter().all(|r| r.status == 201));
    assert!(
        replies.iter().all(|r| r.body == replies[0].body),
        "every racer gets the same bytes"
    );
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.headers.get("idempotent-replayed").is_none())
            .count(),
        1,
        "exactly one request executed"
    );
    assert_eq!(orders(&app, TEST_TOKEN), 1);
    let total = replies[0].json()["data"]["total"]["amount"]
        .as_i64()
        .unwrap();
    assert_eq!(balance(&app, TEST_TOKEN), start - total);
}
