//! Two proxy instances on one database and one sandbox, as behind a load balancer. The
//! idempotency and webhook tests run on both backends (two instances may share one SQLite
//! file on one host); cross-instance events and the shared per-phone limit need PostgreSQL
//! (`scripts/pg.sh` sets `AMIGO_TEST_DATABASE_URL`) and say so when skipped.

use std::time::Duration;

use amigo_proxy::config::RateQuotas;
use amigo_types::token::ApiToken;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

const ORDERS: &str = "/api/commerce/orders";

fn generous() -> RateQuotas {
    RateQuotas {
        orders_per_ip: 10_000,
        orders_per_phone: 10_000,
        lookups_per_ip: 10_000,
        catalog_per_ip: 10_000,
    }
}

fn balance(app: &TestApp) -> i64 {
    let token = ApiToken::parse(&app.token).expect("the test token parses");
    app.upstream.sandbox.state().merchants.balance(&token)
}

#[tokio::test]
async fn one_key_sent_to_both_instances_at_once_is_one_order_and_one_debit() {
    let (a, b) = spawn_pair(generous()).await;
    let (id, _) = a.product(false).await;
    let body = order_body("08031234567", id, 1);
    let key = new_key();
    let before = balance(&a);
    let calls = (0..8).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.call(order_request(&body, Some(&key)))
    });
    let answers = futures::future::join_all(calls).await;
    let mut references = Vec::new();
    for r in &answers {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
        references.push(r.json()["data"]["reference"].as_str().unwrap().to_owned());
    }
    references.dedup();
    assert_eq!(references.len(), 1, "one order for one key: {references:?}");
    assert_eq!(a.upstream_order_count().await, 1);
    let total = answers[0].json()["data"]["total"]["amount"]
        .as_i64()
        .unwrap();
    assert_eq!(before - balance(&a), total, "one debit");
    // both instances know the order
    for app in [&a, &b] {
        let view = app.tracking(&references[0], "08031234567").await;
        assert_eq!(view.status, StatusCode::OK, "{}", view.everything());
    }
}

#[tokio::test]
async fn the_key_is_recorded_before_the_upstream_call_so_the_other_instance_waits_for_it() {
    let (a, b) = spawn_pair(generous()).await;
    let (id, _) = a.product(false).await;
    let body = order_body("08031234567", id, 1);
    let key = new_key();
    a.upstream
        .controls
        .delay(Some((ORDERS, Duration::from_millis(400))));
    let first = tokio::spawn({
        let router = a.router.clone();
        let req = order_request(&body, Some(&key));
        async move { tower::ServiceExt::oneshot(router, req).await.unwrap() }
    });
    // the first call has reached the sandbox: its key is in the database by now
    eventually(5, || async {
        a.upstream.controls.count(&Method::POST, ORDERS) == 1
    })
    .await;
    let second = b.call(order_request(&body, Some(&key))).await;
    let first = first.await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(
        second.status,
        StatusCode::CREATED,
        "{}",
        second.everything()
    );
    assert_eq!(
        a.upstream.controls.count(&Method::POST, ORDERS),
        1,
        "the second instance replayed the first's answer instead of calling upstream"
    );
    assert_eq!(a.upstream_order_count().await, 1);

    // a later retry on either instance is answered from the database, byte for byte
    a.upstream.controls.delay(None);
    let again = a.call(order_request(&body, Some(&key))).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, second.body);
    assert_eq!(a.upstream.controls.count(&Method::POST, ORDERS), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_on_either_instance() {
    let (a, b) = spawn_pair(generous()).await;
    let (id, _) = a.product(false).await;
    let key = new_key();
    let placed = a
        .call(order_request(&order_body("08031234567", id, 1), Some(&key)))
        .await;
    assert_eq!(placed.status, StatusCode::CREATED);
    for app in [&a, &b] {
        let r = app
            .call(order_request(&order_body("08031234567", id, 2), Some(&key)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let v = r.json();
        assert_eq!(v["success"], false);
        assert_eq!(v["error"], "idempotency_key_reused");
        assert_eq!(v["field"], "Idempotency-Key");
    }
    assert_eq!(a.upstream_order_count().await, 1);
}

#[tokio::test]
async fn a_failed_order_releases_its_key_so_a_retry_on_the_other_instance_places_it() {
    let (a, b) = spawn_pair(generous()).await;
    let (id, _) = a.product(false).await;
    let body = order_body("08031234567", id, 1);
    let key = new_key();
    a.upstream
        .controls
        .fail(Some((ORDERS, StatusCode::SERVICE_UNAVAILABLE)));
    let failed = a.call(order_request(&body, Some(&key))).await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    a.upstream.controls.fail(None);
    let ok = b.call(order_request(&body, Some(&key))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.everything());
    assert_eq!(a.upstream_order_count().await, 1);
}

#[tokio::test]
async fn one_webhook_delivered_to_both_instances_is_stored_and_applied_once() {
    let (a, b) = spawn_pair(generous()).await;
    let order = a.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let body = payload(&order, "accepted", "2026-11-29 10:00:00");
    let delivery = format!("dlv-{}", new_key());
    let ts = now();
    let (ra, rb) = tokio::join!(
        a.call(webhook_request(
            &body,
            Some(&a.webhook_secret),
            ts,
            &delivery
        )),
        b.call(webhook_request(
            &body,
            Some(&b.webhook_secret),
            ts,
            &delivery
        )),
    );
    assert_eq!(ra.status, StatusCode::OK, "{}", ra.everything());
    assert_eq!(rb.status, StatusCode::OK, "{}", rb.everything());
    let duplicates: Vec<bool> = [&ra, &rb]
        .iter()
        .map(|r| r.json()["data"]["duplicate"].as_bool().unwrap())
        .collect();
    assert_eq!(
        duplicates.iter().filter(|d| **d).count(),
        1,
        "exactly one instance stored it: {duplicates:?}"
    );
    assert_eq!(
        a.state.store().delivery_payload(&delivery).await.unwrap(),
        Some(String::from_utf8(body).unwrap())
    );
    let view = b.tracking(&reference, "08031234567").await.json();
    assert_eq!(view["data"]["status"], "accepted");
    let timeline: Vec<&str> = view["data"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(timeline, ["paid", "accepted"]);
}

#[tokio::test]
async fn events_on_one_instance_show_a_webhook_that_reached_the_other_within_a_second() {
    if !on_postgres() {
        eprintln!("skipped: cross-instance events need PostgreSQL (scripts/pg.sh)");
        return;
    }
    let (a, b) = spawn_pair(generous()).await;
    let order = a.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let mut stream = reqwest::Client::new()
        .get(format!(
            "{}/api/orders/{reference}/events?phone=08031234567",
            a.proxy_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut buf = String::new();
    let mut next_status = async |buf: &mut String, within: Duration| -> serde_json::Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return serde_json::from_str(data).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, stream.chunk())
                .await
                .unwrap_or_else(|_| panic!("no status event within {within:?}: {buf:?}"))
                .unwrap()
                .expect("the stream stays open");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    let first = next_status(&mut buf, Duration::from_secs(10)).await;
    assert_eq!(first["status"], "paid");

    // the webhook reaches instance B only
    let body = payload(&order, "accepted", "2026-11-29 10:00:00");
    let delivery = format!("dlv-{}", new_key());
    let sent = std::time::Instant::now();
    let stored = b
        .call(webhook_request(
            &body,
            Some(&b.webhook_secret),
            now(),
            &delivery,
        ))
        .await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.everything());
    assert_eq!(stored.json()["data"]["applied"], true);
    // Within one second of B's acknowledgement, A's stream shows the change (an earlier
    // refresh of the same status, e.g. from the sandbox's own order.created, may come first).
    let acknowledged = std::time::Instant::now();
    let answered_in = sent.elapsed();
    let mut statuses = Vec::new();
    loop {
        let left = Duration::from_secs(1).saturating_sub(acknowledged.elapsed());
        let seen = next_status(&mut buf, left).await;
        assert_eq!(seen["reference"], json!(reference));
        statuses.push(seen["status"].as_str().unwrap().to_owned());
        if seen["status"] == "accepted" {
            break;
        }
    }
    eprintln!(
        "cross-instance event: on A {:?} after the webhook was sent to B (B answered in \
         {answered_in:?}; {statuses:?})",
        sent.elapsed()
    );
}

#[tokio::test]
async fn the_per_phone_order_limit_holds_across_instances() {
    if !on_postgres() {
        eprintln!("skipped: a per-phone limit shared by instances needs PostgreSQL");
        return;
    }
    let (a, b) = spawn_pair(RateQuotas {
        orders_per_phone: 2,
        ..generous()
    })
    .await;
    let (id, _) = a.product(false).await;
    let first = a
        .call(order_request(
            &order_body("08031234567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    // another form of the same number, on the other instance
    let second = b
        .call(order_request(
            &order_body("+234 803 123 4567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    for app in [&a, &b] {
        let third = app
            .call(order_request(
                &order_body("08031234567", id, 1),
                Some(&new_key()),
            ))
            .await;
        assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
        let v = third.json();
        assert_eq!(v["error"], "rate_limited");
        let retry_after = v["retry_after"].as_u64().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_eq!(
            third.header("retry-after"),
            Some(retry_after.to_string().as_str())
        );
    }
    // another phone is not limited
    let other = b
        .call(order_request(
            &order_body("08039999999", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.everything());
    assert_eq!(a.upstream_order_count().await, 3);
}

#[tokio::test]
async fn instances_starting_at_once_on_a_new_database_migrate_it_once_and_share_one_phone_key() {
    if !on_postgres() {
        eprintln!(
            "skipped: concurrent first starts are a PostgreSQL deployment (SQLite is one instance)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await;
    let starts = (0..3).map(|_| amigo_proxy::store::Store::connect(&url));
    let stores: Vec<_> = futures::future::join_all(starts)
        .await
        .into_iter()
        .map(|s| s.expect("every instance starts"))
        .collect();
    let hashes: Vec<String> = stores.iter().map(|s| s.phone_hash("08031234567")).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    assert_eq!(stores[0].order_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_daily_data_budget_holds_when_two_instances_race_for_it() {
    let data = |daily_limit| amigo_proxy::config::DataSales {
        daily_limit,
        ..Options::default().data
    };
    let probe = spawn_app_with(Options {
        data: data(1_000_000),
        ..Options::default()
    })
    .await;
    // read from the sandbox's state: its flat plan list is an invention (off in `--docs-only`)
    let price = probe.cheap_mtn_plan().await;
    drop(probe);
    let (plan, price) = price;
    let (a, b) = spawn_pair_with(|| Options {
        data: data(price * 3),
        ..Options::default()
    })
    .await;
    let before = balance(&a);
    // Ten shoppers at once, five on each instance, room for three.
    let buys = (0..10).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        let body = json!({
            "network": 1,
            "mobile_number": format!("0803{:07}", 1_000_000 + i),
            "plan": plan,
            "Ported_number": false,
        });
        let req = request(Method::POST, "/api/data/purchases")
            .header("content-type", "application/json")
            .header("idempotency-key", new_key())
            .body(axum::body::Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        app.call(req)
    });
    let answers = futures::future::join_all(buys).await;
    let placed = answers
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        placed,
        3,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"], "data_daily_limit_reached");
    }
    assert_eq!(a.upstream.controls.count(&Method::POST, "/api/data/"), 3);
    assert_eq!(before - balance(&a), 3 * price);
}
