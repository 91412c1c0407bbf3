//! Data top-ups paid first (issue 21): with a payment step, a plan is bought only from a paid
//! checkout, once, and nobody receives data the merchant was not paid for. Checked on both
//! sandboxes' books: Amigo's purchases and wallet, Paystack's transactions and refunds.

use std::time::Duration;

use amigo_proxy::config::{DataSales, PaymentMode};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::checkouts::{
    Shop, mode, payment_reference, paystack_shop_with, transfer_options, wait_for_status,
};
use crate::data::MTN_LINE;
use crate::helpers::{Options, SHOP_ORIGIN, TestApp, TestResponse, new_key, request};

/// The line in the form the proof of a data checkout takes (any common format works).
const LINE: &str = "08031234567";

fn data_on() -> DataSales {
    Options::default().data
}

fn checkout_body(plan: u64) -> Value {
    json!({
        "purchase": {"network": 1, "mobile_number": MTN_LINE, "plan": plan, "Ported_number": false},
        "return_url": format!("{SHOP_ORIGIN}/store/page#/data"),
    })
}

async fn start(app: &TestApp, body: &Value, key: &str) -> TestResponse {
    app.call(
        request(Method::POST, "/api/data/checkouts")
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(serde_json::to_vec(body).unwrap()))
            .unwrap(),
    )
    .await
}

async fn direct_purchase(app: &TestApp, plan: u64) -> TestResponse {
    app.call(
        request(Method::POST, "/api/data/purchases")
            .header("content-type", "application/json")
            .header("idempotency-key", new_key())
            .body(Body::from(
                serde_json::to_vec(&checkout_body(plan)["purchase"]).unwrap(),
            ))
            .unwrap(),
    )
    .await
}

async fn view(app: &TestApp, reference: &str) -> Value {
    let r = app
        .get(&format!("/api/checkouts/{reference}?phone={LINE}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    r.json()["data"].clone()
}

async fn data_shop() -> Shop {
    paystack_shop_with(Options::default()).await
}

#[tokio::test]
async fn a_paid_data_checkout_buys_the_plan_once_and_nothing_is_bought_unpaid() {
    let shop = data_shop().await;
    let app = &shop.app;
    let (plan, price) = app.cheap_mtn_plan().await;
    let before = app.balance();

    // no plan without payment
    let direct = direct_purchase(app, plan).await;
    assert_eq!(
        direct.status,
        StatusCode::FORBIDDEN,
        "{}",
        direct.everything()
    );
    assert_eq!(direct.json()["error"], "payment_required");

    let key = new_key();
    let r = start(app, &checkout_body(plan), &key).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let c = r.json()["data"].clone();
    let reference = c["reference"].as_str().unwrap().to_owned();
    assert_eq!(c["kind"], "data", "{c}");
    assert_eq!(c["status"], "awaiting_payment");
    assert_eq!(c["total"]["amount"], price, "sold at the catalog's price");
    assert_eq!(c["delivery_fee"]["amount"], 0);
    assert_eq!(c["items"][0]["product_id"], plan);
    assert_eq!(c["items"][0]["quantity"], 1);
    assert!(
        c["items"][0]["name"].as_str().unwrap().starts_with("MTN "),
        "{c}"
    );
    assert!(!r.everything().contains(LINE), "no number in the view");
    // the same key and body is the same checkout; another body under it is refused
    let again = start(app, &checkout_body(plan), &key).await;
    assert_eq!(again.json()["data"]["reference"], reference.as_str());
    let other_plan = app
        .sandbox_plans(amigo_types::data::Network::Mtn)
        .into_iter()
        .find(|p| p.plan_id != plan)
        .unwrap()
        .plan_id;
    let reused = start(app, &checkout_body(other_plan), &key).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.json()["error"], "idempotency_key_reused");
    assert_eq!(app.upstream_purchases().await, 0);
    assert_eq!(app.balance(), before);

    // Paystack holds exactly the plan's price, in kobo
    let pref = payment_reference(app, &reference).await;
    let v = shop.verify(&pref).await;
    assert_eq!(v["data"]["amount"].as_i64().unwrap(), price * 100, "{v}");
    shop.pay(&pref).await;
    let done = wait_for_status(app, &reference, "placed").await;
    let purchase = done["order_reference"].as_str().unwrap().to_owned();
    assert!(purchase.starts_with("AMG-DAT-"), "{done}");
    assert_eq!(app.upstream_purchases().await, 1);
    assert_eq!(app.balance(), before - price);
    // sent under the checkout's own key
    let keys = app.upstream.controls.post_keys("/api/data/");
    assert_eq!(keys, vec![Some(format!("chk-{reference}"))], "{keys:?}");

    // the return and the webhook again buy nothing more; the way back carries no number
    let back = shop.give_back(&reference).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(
        back.header("location").unwrap(),
        format!("{SHOP_ORIGIN}/store/page#/order/{reference}")
    );
    let event = json!({"event": "charge.success", "data": {"reference": pref}});
    let body = serde_json::to_vec(&event).unwrap();
    let hook = shop.webhook(&body, Some(&shop.sign(&body))).await;
    assert_eq!(hook.status, StatusCode::OK);
    assert_eq!(app.upstream_purchases().await, 1);

    // the shopper follows the purchase with the same line
    let seen = app.lookup(&purchase, LINE).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.everything());
    assert_eq!(seen.json()["data"]["amount"]["amount"], price);
    // The network fails it afterwards (Amigo refunds the wallet): the shopper's payment goes
    // back too, at the next sweep. Outcomes are seen through Amigo's lookup, which a
    // docs-only platform does not have.
    if !crate::data::suite_docs_only() {
        app.upstream_post(
            "/data/sandbox/advance/",
            &json!({"reference": purchase, "outcome": "failed"}),
        )
        .await;
        let seen = app.lookup(&purchase, LINE).await;
        assert_eq!(
            seen.json()["data"]["status"],
            "failed",
            "{}",
            seen.everything()
        );
        let swept = amigo_proxy::checkout::settle::sweep(&app.state, false).await;
        assert_eq!(swept.refunds, 1, "{swept:?}");
        let ended = wait_for_status(app, &reference, "refunded").await;
        assert_eq!(ended["failure"]["code"], "data_not_delivered", "{ended}");
        assert!(ended.get("order_reference").is_none(), "{ended}");
        let again = amigo_proxy::checkout::settle::sweep(&app.state, false).await;
        assert_eq!(again.refunds, 0, "refunded once");
    }
    // a wrong line sees nothing of the checkout
    let wrong = app
        .get(&format!("/api/checkouts/{reference}?phone=08031234568"))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_paid_data_checkout_the_wallet_cannot_pay_is_refunded_and_the_shopper_is_told() {
    let shop = data_shop().await;
    let app = &shop.app;
    let (plan, _) = app.cheap_mtn_plan().await;
    let c = start(app, &checkout_body(plan), &new_key()).await.json()["data"].clone();
    let reference = c["reference"].as_str().unwrap().to_owned();
    app.leave_in_wallet(0);
    let pref = payment_reference(app, &reference).await;
    shop.pay(&pref).await;
    let done = wait_for_status(app, &reference, "refunded").await;
    assert_eq!(done["failure"]["code"], "insufficient_balance", "{done}");
    let message = done["failure"]["message"].as_str().unwrap();
    assert!(message.contains("data plan"), "{message}");
    assert!(message.contains("refunded"), "{message}");
    assert!(done.get("order_reference").is_none());
    assert_eq!(app.upstream_purchases().await, 0);
    shop.wait_reversed(&pref).await;
    // the day's data budget holds nothing for it
    let spent = app
        .state
        .store()
        .data_spent(&amigo_proxy::store::lagos_day())
        .await
        .unwrap();
    assert_eq!(spent, 0);
}

#[tokio::test]
async fn a_data_checkout_is_refused_before_payment_when_it_cannot_be_sold() {
    // a day's budget smaller than the plan: refused before anyone pays
    let shop = paystack_shop_with(Options {
        data: DataSales {
            daily_limit: 1,
            ..data_on()
        },
        ..Options::default()
    })
    .await;
    let app = &shop.app;
    let (plan, _) = app.cheap_mtn_plan().await;
    let r = start(app, &checkout_body(plan), &new_key()).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.everything()
    );
    assert_eq!(r.json()["error"], "data_daily_limit_reached");

    // bad bodies get their field's error; nothing reaches Paystack or Amigo
    for (body, code) in [
        (
            json!({"purchase": {"network": 1, "mobile_number": MTN_LINE, "plan": 0}, "return_url": format!("{SHOP_ORIGIN}/")}),
            "invalid_plan",
        ),
        (
            json!({"purchase": {"network": 9, "mobile_number": MTN_LINE, "plan": plan}, "return_url": format!("{SHOP_ORIGIN}/")}),
            "invalid_network",
        ),
        (
            json!({"purchase": {"network": 1, "mobile_number": MTN_LINE, "plan": plan}, "return_url": "https://evil.example/"}),
            "invalid_return_url",
        ),
    ] {
        let r = start(app, &body, &new_key()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.json()["error"], code, "{}", r.everything());
    }
    for raw in [
        "not json",
        r#"{"purchase": {}, "return_url": "x", "extra": 1}"#,
    ] {
        let r = app
            .call(
                request(Method::POST, "/api/data/checkouts")
                    .header("content-type", "application/json")
                    .header("idempotency-key", new_key())
                    .body(Body::from(raw))
                    .unwrap(),
            )
            .await;
        assert!(r.status.is_client_error(), "{raw}: {}", r.everything());
        assert_eq!(r.json()["success"], false, "{raw}");
    }
    assert_eq!(app.upstream_purchases().await, 0);

    // data sales off: refused as data is everywhere
    let off = paystack_shop_with(Options {
        data: DataSales::default(),
        ..Options::default()
    })
    .await;
    let r = start(&off.app, &checkout_body(plan), &new_key()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "data_sales_disabled");

    // no payment step: no data checkouts, the direct purchase stays
    let none = crate::helpers::spawn_app_with(Options {
        data: data_on(),
        payment: mode(PaymentMode::None),
        ..Options::default()
    })
    .await;
    let r = start(&none, &checkout_body(plan), &new_key()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "checkouts_disabled");
    let direct = direct_purchase(&none, plan).await;
    assert_eq!(
        direct.status,
        StatusCode::CREATED,
        "{}",
        direct.everything()
    );
}

#[tokio::test]
async fn a_transferred_data_checkout_is_bought_once_when_the_merchant_marks_it_paid() {
    let app = crate::helpers::spawn_app_with(Options {
        data: data_on(),
        ..transfer_options(Duration::from_secs(3600))
    })
    .await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let c = start(&app, &checkout_body(plan), &new_key()).await.json()["data"].clone();
    let reference = c["reference"].as_str().unwrap().to_owned();
    assert_eq!(c["pay"]["method"], "transfer", "{c}");
    assert_eq!(c["pay"]["amount"]["amount"], price);
    assert_eq!(c["pay"]["narration"], reference.as_str());
    let direct = direct_purchase(&app, plan).await;
    assert_eq!(direct.json()["error"], "payment_required");

    let (a, b) = tokio::join!(
        amigo_proxy::checkout::settle::mark_paid_by_merchant(&app.state, &reference),
        amigo_proxy::checkout::settle::mark_paid_by_merchant(&app.state, &reference),
    );
    assert!(a.unwrap() ^ b.unwrap(), "exactly one press marks it paid");
    let done = wait_for_status(&app, &reference, "placed").await;
    assert!(
        done["order_reference"]
            .as_str()
            .unwrap()
            .starts_with("AMG-DAT-"),
        "{done}"
    );
    assert_eq!(view(&app, &reference).await["kind"], "data");
    assert_eq!(app.upstream_purchases().await, 1);
}
