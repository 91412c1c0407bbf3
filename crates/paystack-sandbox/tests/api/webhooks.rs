//! Webhooks to a real receiver on 127.0.0.1: the signature over the exact bytes, and retries
//! until the receiver answers 200.

use std::time::Duration;

use hmac::{Hmac, Mac};
use paystack_sandbox::{DeliveryStatus, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::Sha512;

use crate::helpers::{Emulator, Receiver, events};

fn hmac_sha512_hex(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(key).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn charge_success_is_signed_with_hmac_sha512_of_the_raw_body() {
    let receiver = Receiver::start(0).await;
    let e = Emulator::with(SandboxConfig {
        webhook_url: Some(receiver.url.clone()),
        ..SandboxConfig::default()
    });
    let init = e
        .initialize(
            json!({"email": "ada@example.com", "amount": 250000, "reference": "wh-1",
            "callback_url": "https://shop.example/cb", "metadata": {"cart": "c-1"}}),
        )
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    let (status, _, _) = e.press(&path, "action=pay&channel=card").await;
    assert_eq!(
        status.as_u16(),
        303,
        "the redirect does not wait for the webhook"
    );

    let got = receiver.wait_for("charge.success", |g| !g.is_empty()).await;
    let delivery = &got[0];
    let secret = e.sandbox.secret_key().expose_secret().as_bytes().to_vec();
    let signature = delivery.signature.as_deref().expect("x-paystack-signature");
    assert_eq!(signature, hmac_sha512_hex(&secret, &delivery.body));
    assert_eq!(signature.len(), 128);

    // The same check fails on a body changed by one byte, or with another key.
    let text = String::from_utf8(delivery.body.to_vec()).unwrap();
    let tampered = text.replace("250000", "250001");
    assert_ne!(tampered, text);
    assert_ne!(signature, hmac_sha512_hex(&secret, tampered.as_bytes()));
    assert!(!paystack_sandbox::webhooks::verify(
        &secret,
        tampered.as_bytes(),
        signature
    ));
    assert!(paystack_sandbox::webhooks::verify(
        &secret,
        &delivery.body,
        signature
    ));
    assert_ne!(
        signature,
        hmac_sha512_hex(b"sk_test_someone_else", &delivery.body)
    );

    let event = &events(&got)[0];
    assert_eq!(event["event"], json!("charge.success"));
    assert_eq!(event["data"]["reference"], json!("wh-1"));
    assert_eq!(event["data"]["amount"], json!(250000));
    assert_eq!(event["data"]["status"], json!("success"));
    assert_eq!(event["data"]["metadata"], json!({"cart": "c-1"}));
    assert_eq!(
        event["data"],
        e.verify("wh-1").await,
        "data has the verify shape"
    );

    // A decline sends nothing (Paystack sends webhooks for successful charges).
    e.initialize(json!({"email": "a@b.co", "amount": 100, "reference": "wh-2"}))
        .await;
    let (status, _) = e
        .api("POST", "/_sandbox/transactions/wh-2/decline", None)
        .await;
    assert_eq!(status.as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_until_the_receiver_answers_200() {
    let receiver = Receiver::start(2).await;
    let e = Emulator::with(SandboxConfig {
        webhook_url: Some(receiver.url.clone()),
        // An hour becomes 36 ms.
        webhook_time_scale: 0.00001,
        ..SandboxConfig::default()
    });
    e.initialize(json!({"email": "a@b.co", "amount": 9900, "reference": "retry-1"}))
        .await;
    let (status, _) = e
        .api("POST", "/_sandbox/transactions/retry-1/pay", None)
        .await;
    assert_eq!(status.as_u16(), 200);

    let got = receiver.wait_for("three attempts", |g| g.len() >= 3).await;
    // Every attempt carries the same bytes and signature.
    assert!(
        got.iter()
            .all(|r| r.body == got[0].body && r.signature == got[0].signature)
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let deliveries = e.sandbox.deliveries();
        if deliveries.first().map(|d| d.status) == Some(DeliveryStatus::Succeeded) {
            let d = &deliveries[0];
            assert_eq!(d.attempts, 3);
            assert_eq!(d.last_response_code, Some(200));
            assert_eq!(d.event, "charge.success");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{deliveries:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 3, "no attempt after the 200");
}

#[tokio::test]
async fn the_emulator_serves_on_a_real_listener() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running =
        paystack_sandbox::PaystackSandbox::start(SandboxConfig::default(), listener).unwrap();
    let client = reqwest::Client::new();
    let key = running.sandbox().secret_key().expose_secret().to_owned();
    let v: serde_json::Value = client
        .post(running.url().join("/transaction/initialize").unwrap())
        .bearer_auth(&key)
        .json(&json!({"email": "a@b.co", "amount": 100}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = v["data"]["authorization_url"].as_str().unwrap();
    assert!(page.starts_with(running.url().as_str()), "{page}");
    let html = client.get(page).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("₦1.00"));
}
