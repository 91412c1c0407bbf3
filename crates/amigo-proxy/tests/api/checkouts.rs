//! Checkouts (issue 21): the shopper pays first, and the merchant's wallet pays Amigo only for
//! a paid checkout, exactly once. Against the in-process amigo-sandbox and a real
//! paystack-sandbox on a socket (its webhooks reach the proxy over HTTP), checked on both
//! sandboxes' books: Amigo orders and wallet, Paystack transactions and refunds.

use std::time::Duration;

use amigo_proxy::config::{
    CheckoutSettings, OrderPayment, PaymentMode, PaystackSettings, TransferAccount,
};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sha2::Sha512;

use crate::helpers::{
    Options, SHOP_ORIGIN, TestApp, TestResponse, eventually, new_key, order_body, request,
    spawn_app_with,
};

const ORDERS: &str = "/api/commerce/orders";
const QUOTES: &str = "/api/commerce/delivery/quote";
pub(crate) const PHONE: &str = "08031234567";

pub(crate) fn mode(mode: PaymentMode) -> OrderPayment {
    OrderPayment {
        mode,
        allow_unpaid: false,
        daily_limit: None,
    }
}

/// A proxy in `paystack` mode and the Paystack emulator it pays through.
pub(crate) struct Shop {
    pub(crate) app: TestApp,
    pub(crate) paystack: paystack_sandbox::RunningSandbox,
}

pub(crate) async fn paystack_shop_with(options: Options) -> Shop {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let paystack = paystack_sandbox::PaystackSandbox::start(
        paystack_sandbox::SandboxConfig {
            webhook_time_scale: 0.0001,
            webhook_timeout: Duration::from_secs(5),
            refund_delay: Duration::from_millis(50),
            ..paystack_sandbox::SandboxConfig::default()
        },
        listener,
    )
    .unwrap();
    let app = spawn_app_with(Options {
        payment: mode(PaymentMode::Paystack),
        checkout: CheckoutSettings {
            paystack: Some(PaystackSettings {
                api_base: paystack.url().as_str().trim_end_matches('/').to_owned(),
                secret_key: paystack.sandbox().secret_key().clone(),
                public_key: paystack.sandbox().public_key().to_owned(),
            }),
            ..options.checkout.clone()
        },
        ..options
    })
    .await;
    paystack.sandbox().set_webhook_url(Some(
        reqwest::Url::parse(&format!("{}/webhooks/paystack", app.proxy_url)).unwrap(),
    ));
    Shop { app, paystack }
}

async fn paystack_shop() -> Shop {
    paystack_shop_with(Options::default()).await
}

fn checkout_request(body: &Value, key: &str) -> axum::extract::Request {
    request(Method::POST, "/api/checkouts")
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

fn checkout_body(product_id: u64, quantity: u32) -> Value {
    json!({
        "order": order_body(PHONE, product_id, quantity),
        "return_url": format!("{SHOP_ORIGIN}/store/page?x=1#/checkout"),
    })
}

async fn create(app: &TestApp, body: &Value, key: &str) -> TestResponse {
    app.call(checkout_request(body, key)).await
}

async fn created(app: &TestApp, product_id: u64) -> Value {
    let r = create(app, &checkout_body(product_id, 1), &new_key()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    r.json()["data"].clone()
}

pub(crate) async fn status_of(app: &TestApp, reference: &str) -> Value {
    let r = app
        .get(&format!("/api/checkouts/{reference}?phone={PHONE}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    r.json()["data"].clone()
}

pub(crate) async fn wait_for_status(app: &TestApp, reference: &str, want: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        last = status_of(app, reference).await;
        if last["status"] == want {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("checkout {reference} never became {want}: {last}");
}

impl Shop {
    async fn sandbox_call(&self, path: &str, body: &Value) -> Value {
        reqwest::Client::new()
            .post(format!(
                "{}{}",
                self.paystack.url().as_str().trim_end_matches('/'),
                path
            ))
            .bearer_auth(self.paystack.sandbox().secret_key().expose_secret())
            .json(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub(crate) async fn pay(&self, payment_reference: &str) -> Value {
        self.sandbox_call(
            &format!("/_sandbox/transactions/{payment_reference}/pay"),
            &json!({"channel": "card"}),
        )
        .await
    }

    pub(crate) async fn decline(&self, payment_reference: &str) -> Value {
        self.sandbox_call(
            &format!("/_sandbox/transactions/{payment_reference}/decline"),
            &json!({}),
        )
        .await
    }

    pub(crate) async fn verify(&self, payment_reference: &str) -> Value {
        reqwest::Client::new()
            .get(format!(
                "{}/transaction/verify/{payment_reference}",
                self.paystack.url().as_str().trim_end_matches('/')
            ))
            .bearer_auth(self.paystack.sandbox().secret_key().expose_secret())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub(crate) fn sign(&self, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha512>::new_from_slice(
            self.paystack
                .sandbox()
                .secret_key()
                .expose_secret()
                .as_bytes(),
        )
        .unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    pub(crate) async fn webhook(&self, body: &[u8], signature: Option<&str>) -> TestResponse {
        let mut b =
            request(Method::POST, "/webhooks/paystack").header("content-type", "application/json");
        if let Some(s) = signature {
            b = b.header("x-paystack-signature", s);
        }
        self.app
            .call(b.body(Body::from(body.to_vec())).unwrap())
            .await
    }

    /// Waits (up to 2 s) until Paystack shows the transaction refunded (`reversed`).
    pub(crate) async fn wait_reversed(&self, payment_reference: &str) {
        for _ in 0..100 {
            if self.verify(payment_reference).await["data"]["status"] == "reversed" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("never refunded: {}", self.verify(payment_reference).await);
    }

    pub(crate) async fn give_back(&self, reference: &str) -> TestResponse {
        self.app
            .get(&format!(
                "/pay/{reference}/return?trxref={reference}&reference={reference}"
            ))
            .await
    }
}

pub(crate) async fn payment_reference(app: &TestApp, reference: &str) -> String {
    app.state
        .store()
        .checkout(reference)
        .await
        .unwrap()
        .unwrap()
        .payment_reference
        .unwrap()
}

#[tokio::test]
async fn paying_on_paystack_places_exactly_one_order_at_the_total_shown() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    let payment = app.get("/api/payment").await;
    assert_eq!(payment.status, StatusCode::OK);
    let p = payment.json()["data"].clone();
    assert_eq!(p["method"], "paystack");
    assert_eq!(p["public_key"], shop.paystack.sandbox().public_key());
    assert!(
        !payment.everything().contains("sk_test_"),
        "no secret reaches a browser"
    );

    let before = app.balance();
    let (id, price) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    assert!(
        amigo_types::checkout::is_checkout_reference(&reference),
        "{c}"
    );
    assert_eq!(c["status"], "awaiting_payment");
    assert_eq!(c["items"][0]["unit_price"]["amount"], price);
    let fee = c["delivery_fee"]["amount"].as_i64().unwrap();
    assert_eq!(c["total"]["amount"].as_i64().unwrap(), price + fee, "{c}");
    let url = c["pay"]["authorization_url"].as_str().unwrap();
    assert!(url.starts_with(shop.paystack.url().as_str()), "{url}");
    // nothing is spent before payment
    assert_eq!(app.upstream_order_count().await, 0);
    assert_eq!(app.balance(), before);

    // Paystack holds a transaction for exactly the total, in kobo
    let pref = payment_reference(app, &reference).await;
    let v = shop.verify(&pref).await;
    assert_eq!(
        v["data"]["amount"].as_i64().unwrap(),
        (price + fee) * 100,
        "{v}"
    );
    assert_eq!(v["data"]["currency"], "NGN");

    let paid = shop.pay(&pref).await;
    assert_eq!(paid["data"]["status"], "success", "{paid}");
    // the signed webhook arrives over HTTP and the order is placed
    let done = wait_for_status(app, &reference, "placed").await;
    let order_ref = done["order_reference"].as_str().unwrap().to_owned();
    assert!(done.get("pay").is_none(), "{done}");
    assert_eq!(app.upstream_order_count().await, 1);
    // the wallet paid Amigo's price once
    assert!(app.balance() < before);
    // tracking by the order works with the same phone, at the prices shown
    let t = app.tracking(&order_ref, PHONE).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.everything());
    assert_eq!(t.json()["data"]["total"]["amount"], done["total"]["amount"]);

    // the shopper's return after the webhook: redirected to their page, nothing placed again
    let back = shop.give_back(&reference).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.everything());
    let location = back.header("location").unwrap();
    assert_eq!(
        location,
        format!("{SHOP_ORIGIN}/store/page?x=1#/order/{reference}")
    );
    assert_eq!(app.upstream_order_count().await, 1);
    let keys = app.upstream.controls.post_keys(ORDERS);
    assert!(
        keys.iter()
            .all(|k| k.as_deref() == Some(format!("chk-{reference}").as_str())),
        "{keys:?}"
    );
}

#[tokio::test]
async fn the_callback_and_the_webhook_together_twice_in_either_order_place_one_order() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    // no webhooks from the emulator: this test sends them itself
    shop.paystack.sandbox().set_webhook_url(None);
    let (id, _) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    let pref = payment_reference(app, &reference).await;
    let paid = shop.pay(&pref).await;
    let body =
        serde_json::to_vec(&json!({"event": "charge.success", "data": paid["data"]})).unwrap();
    let sig = shop.sign(&body);
    let (a, b, c2, d) = tokio::join!(
        shop.webhook(&body, Some(&sig)),
        shop.give_back(&reference),
        shop.give_back(&reference),
        shop.webhook(&body, Some(&sig)),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.everything());
    assert_eq!(d.status, StatusCode::OK, "{}", d.everything());
    assert_eq!(b.status, StatusCode::SEE_OTHER);
    assert_eq!(c2.status, StatusCode::SEE_OTHER);
    wait_for_status(app, &reference, "placed").await;
    // and once more, after it is placed
    assert_eq!(shop.webhook(&body, Some(&sig)).await.status, StatusCode::OK);
    assert_eq!(
        shop.give_back(&reference).await.status,
        StatusCode::SEE_OTHER
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn forged_and_tampered_paystack_webhooks_are_refused() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    shop.paystack.sandbox().set_webhook_url(None);
    let (id, _) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    let pref = payment_reference(app, &reference).await;
    let body = serde_json::to_vec(&json!({"event": "charge.success", "data": {"reference": pref, "status": "success", "amount": 100}})).unwrap();
    // no signature, a made-up one, one under another key, one over another body
    let r = shop.webhook(&body, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.everything());
    assert_eq!(r.json()["error"], "invalid_signature");
    assert_eq!(
        shop.webhook(&body, Some(&"ab".repeat(64))).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut other = Hmac::<Sha512>::new_from_slice(b"sk_test_not_the_merchants_key").unwrap();
    other.update(&body);
    let forged = hex::encode(other.finalize().into_bytes());
    assert_eq!(
        shop.webhook(&body, Some(&forged)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut tampered = body.clone();
    let sig = shop.sign(&body);
    tampered.extend_from_slice(b" ");
    assert_eq!(
        shop.webhook(&tampered, Some(&sig)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // correctly signed but not JSON: refused in the envelope, nothing happens
    let garbage = b"not json".to_vec();
    let r = shop.webhook(&garbage, Some(&shop.sign(&garbage))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.everything());
    assert_eq!(r.json()["error"], "invalid_payload");
    // a correctly signed event for an unpaid transaction: verify says not paid, nothing happens
    assert_eq!(shop.webhook(&body, Some(&sig)).await.status, StatusCode::OK);
    assert_eq!(
        status_of(app, &reference).await["status"],
        "awaiting_payment"
    );
    assert_eq!(app.upstream_order_count().await, 0);
}

#[tokio::test]
async fn a_declined_card_places_nothing_gets_a_fresh_page_and_then_expires() {
    let shop = paystack_shop_with(Options {
        checkout: CheckoutSettings {
            expiry: Duration::from_secs(2),
            ..CheckoutSettings::default()
        },
        ..Options::default()
    })
    .await;
    let app = &shop.app;
    let (id, _) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    let first = payment_reference(app, &reference).await;
    let declined = shop.decline(&first).await;
    assert_eq!(declined["data"]["status"], "failed", "{declined}");
    let back = shop.give_back(&reference).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let now = status_of(app, &reference).await;
    assert_eq!(now["status"], "awaiting_payment");
    let second = payment_reference(app, &reference).await;
    assert_ne!(
        second, first,
        "a declined transaction is over: a new page is opened"
    );
    assert_ne!(
        now["pay"]["authorization_url"],
        c["pay"]["authorization_url"]
    );
    assert_eq!(app.upstream_order_count().await, 0);
    // nobody pays: after its time the sweep expires it
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let swept = amigo_proxy::checkout::settle::sweep(&app.state, false).await;
    assert_eq!(swept.expired, 1, "{swept:?}");
    let gone = status_of(app, &reference).await;
    assert_eq!(gone["status"], "expired");
    assert!(gone.get("pay").is_none());
    assert_eq!(app.upstream_order_count().await, 0);
    // an abandoned one (never paid) too: no order
    let c2 = created(app, id).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    amigo_proxy::checkout::settle::sweep(&app.state, false).await;
    assert_eq!(
        status_of(app, c2["reference"].as_str().unwrap()).await["status"],
        "expired"
    );
    assert_eq!(app.upstream_order_count().await, 0);
}

#[tokio::test]
async fn a_paid_checkout_amigo_refuses_is_refunded_and_the_shopper_is_told() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    let (id, _) = app.product(true).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    // the wallet empties before the shopper pays
    app.leave_in_wallet(0);
    let pref = payment_reference(app, &reference).await;
    shop.pay(&pref).await;
    let done = wait_for_status(app, &reference, "refunded").await;
    assert_eq!(done["failure"]["code"], "insufficient_balance", "{done}");
    assert!(
        done["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("refunded"),
        "{done}"
    );
    assert!(done.get("order_reference").is_none());
    assert_eq!(app.upstream_order_count().await, 0);
    // Paystack refunds the whole transaction
    shop.wait_reversed(&pref).await;
}

#[tokio::test]
async fn a_verified_amount_that_is_not_the_total_places_nothing_and_is_refunded() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    let (id, _) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    // the checkout's total no longer matches what Paystack was asked to collect
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE checkouts SET total = total + 1 WHERE reference = $1")
        .bind(&reference)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let pref = payment_reference(app, &reference).await;
    shop.pay(&pref).await;
    let done = wait_for_status(app, &reference, "refunded").await;
    assert_eq!(done["failure"]["code"], "amount_mismatch");
    assert_eq!(app.upstream_order_count().await, 0);
    assert!(crate::helpers::captured_logs().contains("not the checkout's total"));
}

#[tokio::test]
async fn a_kill_between_payment_and_order_is_placed_once_at_restart() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    shop.paystack.sandbox().set_webhook_url(None);
    let (id, _) = app.product(false).await;
    let c = created(app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    // paid, and a claim to place it taken by a process that then died
    let store = app.state.store();
    assert!(
        store
            .mark_checkout_paid(&reference, "card", 1, "2026-12-04T10:00:00Z")
            .await
            .unwrap()
    );
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    assert!(
        store
            .claim_checkout_placing(&reference, now_ms, 0)
            .await
            .unwrap()
    );
    // a normal sweep leaves a fresh claim alone
    let swept = amigo_proxy::checkout::settle::sweep(&app.state, false).await;
    assert_eq!(swept.placed, 0);
    assert_eq!(app.upstream_order_count().await, 0);
    // the restart's sweep on SQLite takes every claim over, and places it once
    let (a, b) = tokio::join!(
        amigo_proxy::checkout::settle::sweep(&app.state, true),
        amigo_proxy::checkout::settle::sweep(&app.state, true),
    );
    assert!(a.placed + b.placed >= 1);
    assert_eq!(status_of(app, &reference).await["status"], "placed");
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn markup_prices_are_what_the_shopper_pays_and_the_order_records() {
    let shop = paystack_shop_with(Options {
        price_rule: amigo_types::pricing::PriceRule::parse("15% round 50").unwrap(),
        ..Options::default()
    })
    .await;
    let app = &shop.app;
    let (id, cost) = app.product(false).await;
    let retail = amigo_types::pricing::PriceRule::parse("15% round 50")
        .unwrap()
        .retail(cost);
    assert!(retail > cost);
    let shown = app
        .get(&format!("/api/catalog/products?id={id}"))
        .await
        .json();
    assert_eq!(shown["data"]["price"]["amount"], retail);
    let body = checkout_body(id, 2);
    let r = create(app, &body, &new_key()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    let c = r.json()["data"].clone();
    let fee = c["delivery_fee"]["amount"].as_i64().unwrap();
    assert_eq!(c["subtotal"]["amount"], retail * 2);
    assert_eq!(c["total"]["amount"].as_i64().unwrap(), retail * 2 + fee);
    let reference = c["reference"].as_str().unwrap().to_owned();
    let pref = payment_reference(app, &reference).await;
    assert_eq!(
        shop.verify(&pref).await["data"]["amount"].as_i64().unwrap(),
        (retail * 2 + fee) * 100
    );
    shop.pay(&pref).await;
    let done = wait_for_status(app, &reference, "placed").await;
    let order = done["order_reference"].as_str().unwrap();
    let t = app.tracking(order, PHONE).await.json()["data"].clone();
    assert_eq!(t["total"]["amount"], c["total"]["amount"], "{t}");
    assert_eq!(t["items"][0]["unit_price"]["amount"], retail);
}

#[tokio::test]
async fn return_urls_off_the_allowed_origins_and_bad_bodies_are_refused() {
    let shop = paystack_shop().await;
    let app = &shop.app;
    let (id, _) = app.product(false).await;
    for bad in [
        "https://evil.example/phish",
        "javascript:alert(1)",
        "not a url",
        "https://user:pw@shop.example.com/",
        "ftp://shop.example.com/",
    ] {
        let mut body = checkout_body(id, 1);
        body["return_url"] = json!(bad);
        let r = create(app, &body, &new_key()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.everything()
        );
        assert_eq!(r.json()["error"], "invalid_return_url", "{bad}");
        assert_eq!(r.json()["field"], "return_url");
    }
    // an unknown field, a missing key, a bad phone, a reused key
    let mut extra = checkout_body(id, 1);
    extra["amount"] = json!(1);
    assert_eq!(
        create(app, &extra, &new_key()).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let no_key = app
        .call(
            request(Method::POST, "/api/checkouts")
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::to_vec(&checkout_body(id, 1)).unwrap(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(no_key.status, StatusCode::PRECONDITION_REQUIRED);
    let mut bad_phone = checkout_body(id, 1);
    bad_phone["order"]["customer"]["phone"] = json!("12");
    let r = create(app, &bad_phone, &new_key()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let key = new_key();
    assert_eq!(
        create(app, &checkout_body(id, 1), &key).await.status,
        StatusCode::CREATED
    );
    let reused = create(app, &checkout_body(id, 2), &key).await;
    assert_eq!(
        reused.json()["error"],
        "idempotency_key_reused",
        "{}",
        reused.everything()
    );
    // the same key and body: the same checkout
    let first = create(app, &checkout_body(id, 1), &key).await.json()["data"].clone();
    let again = create(app, &checkout_body(id, 1), &key).await.json()["data"].clone();
    assert_eq!(first["reference"], again["reference"]);
    assert_eq!(first["pay"], again["pay"]);
    // a wrong phone is an unknown checkout
    let r = app
        .get(&format!(
            "/api/checkouts/{}?phone=08099999999",
            first["reference"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // the order route takes no unpaid order in this mode
    let r = app
        .call(crate::helpers::order_request(
            &order_body(PHONE, id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "orders_disabled");
    assert_eq!(app.upstream_order_count().await, 0);
}

#[tokio::test]
async fn a_retried_checkout_is_the_one_made_without_a_new_quote_or_the_phone_limit() {
    let shop = paystack_shop_with(Options {
        rates: amigo_proxy::config::RateQuotas {
            orders_per_ip: 10_000,
            orders_per_phone: 1,
            lookups_per_ip: 10_000,
            catalog_per_ip: 10_000,
        },
        ..Options::default()
    })
    .await;
    let app = &shop.app;
    let (id, _) = app.product(false).await;
    let key = new_key();
    let first = create(app, &checkout_body(id, 1), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.everything());
    let quotes = app.upstream.controls.count(&Method::POST, QUOTES);
    assert_eq!(quotes, 1, "a new checkout prices its delivery");
    // the browser retries (its answer lost) while Amigo's quote fails: the same checkout, not
    // refused by the phone's limit, and no new quote asked for
    app.upstream
        .controls
        .fail(Some((QUOTES, StatusCode::SERVICE_UNAVAILABLE)));
    let again = create(app, &checkout_body(id, 1), &key).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.everything());
    assert_eq!(again.json()["data"], first.json()["data"]);
    assert_eq!(app.upstream.controls.count(&Method::POST, QUOTES), quotes);
    // the key for another body is refused for that, before anything else
    let reused = create(app, &checkout_body(id, 3), &key).await;
    assert_eq!(
        reused.json()["error"],
        "idempotency_key_reused",
        "{}",
        reused.everything()
    );
    app.upstream.controls.fail(None);
    // a new checkout for the same phone within the minute is
    let other = create(app, &checkout_body(id, 2), &new_key()).await;
    assert_eq!(
        other.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        other.everything()
    );
    assert_eq!(other.json()["error"], "rate_limited");
    assert!(other.header("retry-after").is_some());
}

#[tokio::test]
async fn without_a_payment_step_checkouts_are_off_and_the_widget_is_told() {
    let app = spawn_app_with(Options::default()).await;
    let p = app.get("/api/payment").await.json();
    assert_eq!(p["data"]["method"], "none");
    let (id, _) = app.product(false).await;
    let r = create(&app, &checkout_body(id, 1), &new_key()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "checkouts_disabled");
}

#[tokio::test]
async fn a_live_token_with_paystack_places_only_paid_checkouts() {
    let shop = paystack_shop_with(Options {
        token: Some(amigo_sandbox::random_live_token()),
        ..Options::default()
    })
    .await;
    let app = &shop.app;
    let before = app.balance();
    let (id, _) = app.product(false).await;
    for _ in 0..5 {
        let r = app
            .call(crate::helpers::order_request(
                &order_body(PHONE, id, 1),
                Some(&new_key()),
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        created(app, id).await;
    }
    assert_eq!(app.upstream.controls.count(&Method::POST, ORDERS), 0);
    assert_eq!(app.balance(), before);
}

pub(crate) fn transfer_options(expiry: Duration) -> Options {
    Options {
        payment: mode(PaymentMode::Transfer),
        admin_password: Some(crate::admin::PASSWORD.to_owned()),
        checkout: CheckoutSettings {
            transfer: Some(TransferAccount {
                account_name: "Bello Gadgets Ltd".into(),
                bank_name: "Zenith Bank".into(),
                account_number: "1012345678".into(),
            }),
            expiry,
            ..CheckoutSettings::default()
        },
        ..Options::default()
    }
}

#[tokio::test]
async fn a_transfer_waits_for_mark_paid_which_places_one_order_however_often_pressed() {
    let app = spawn_app_with(transfer_options(Duration::from_secs(3600))).await;
    let p = app.get("/api/payment").await.json();
    assert_eq!(p["data"]["method"], "transfer");
    assert_eq!(p["data"]["expires_after_minutes"], 60);
    let (id, _) = app.product(false).await;
    let c = created(&app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    assert_eq!(c["pay"]["method"], "transfer");
    assert_eq!(c["pay"]["account_number"], "1012345678");
    assert_eq!(c["pay"]["bank_name"], "Zenith Bank");
    assert_eq!(c["pay"]["narration"], reference.as_str());
    assert_eq!(c["pay"]["amount"], c["total"]);
    assert_eq!(app.upstream_order_count().await, 0);

    let session = crate::admin::sign_in(&app).await;
    let page = app
        .call(crate::admin::get_with("/admin/checkouts", &session))
        .await;
    let html = crate::admin::html(&page);
    assert!(html.contains(&reference), "{html}");
    assert!(html.contains("Mark paid"));
    let csrf = {
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[at..at + 64].to_owned()
    };
    let mark = |cookie: String, csrf: String, origin: Option<&'static str>| {
        let mut b = request(
            Method::POST,
            &format!("/admin/checkouts/{reference}/mark-paid"),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie);
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        b.body(Body::from(format!("csrf={csrf}"))).unwrap()
    };
    // a foreign origin or a missing token is refused, and places nothing
    let r = app
        .call(mark(
            session.clone(),
            csrf.clone(),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.everything());
    let r = app.call(mark(session.clone(), "0".repeat(64), None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.upstream_order_count().await, 0);
    // pressed twice at once (two tabs), then once more
    let own = Box::leak(app.proxy_url.clone().into_boxed_str());
    let (a, b) = tokio::join!(
        app.call(mark(session.clone(), csrf.clone(), Some(own))),
        app.call(mark(session.clone(), csrf.clone(), Some(own))),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.everything());
    assert_eq!(b.status, StatusCode::SEE_OTHER);
    let r = app
        .call(mark(session.clone(), csrf.clone(), Some(own)))
        .await;
    assert!(
        r.header("location").unwrap().contains("already="),
        "{:?}",
        r.header("location")
    );
    let done = wait_for_status(&app, &reference, "placed").await;
    assert!(done["order_reference"].is_string());
    assert_eq!(app.upstream_order_count().await, 1);
}

#[tokio::test]
async fn an_unconfirmed_transfer_expires_and_mark_paid_after_that_still_places_it_once() {
    let app = spawn_app_with(transfer_options(Duration::from_secs(1))).await;
    let (id, _) = app.product(false).await;
    let c = created(&app, id).await;
    let reference = c["reference"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let swept = amigo_proxy::checkout::settle::sweep(&app.state, false).await;
    assert_eq!(swept.expired, 1);
    let v = status_of(&app, &reference).await;
    assert_eq!(v["status"], "expired");
    assert!(v.get("pay").is_none());
    assert_eq!(app.upstream_order_count().await, 0);
    // the money arrived late after all: the merchant's confirmation still places it, once
    assert!(
        amigo_proxy::checkout::settle::mark_paid_by_merchant(&app.state, &reference)
            .await
            .unwrap()
    );
    assert!(
        !amigo_proxy::checkout::settle::mark_paid_by_merchant(&app.state, &reference)
            .await
            .unwrap()
    );
    eventually(5, || async { app.upstream_order_count().await == 1 }).await;
}

#[tokio::test]
async fn doctor_checks_the_paystack_key_with_paystack_and_names_the_webhook_url() {
    let shop = paystack_shop().await;
    let config = shop.app.state.config();
    let check = amigo_proxy::golive::doctor::run(config, Ok(shop.app.state.store()))
        .await
        .check("payment")
        .cloned()
        .unwrap();
    assert!(check.ok, "{check:?}");
    assert!(check.detail.contains("/webhooks/paystack"), "{check:?}");
    let mut wrong = config.clone();
    if let Some(p) = wrong.checkout.paystack.as_mut() {
        p.secret_key = secrecy::SecretString::from(format!("sk_test_{}", "0".repeat(40)));
    }
    let check = amigo_proxy::golive::doctor::run(&wrong, Ok(shop.app.state.store()))
        .await
        .check("payment")
        .cloned()
        .unwrap();
    assert!(!check.ok, "{check:?}");
    assert!(check.detail.contains("refuses"), "{check:?}");
}
